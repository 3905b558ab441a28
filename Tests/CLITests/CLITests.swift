import Foundation
import TestHarness
import Testing

/// End-to-end tests of the `replsim` command: the real binary built next to this test bundle, run as a process.
@Suite struct CLITests {
    @Test func validateAcceptsEveryShippedScenario() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Paths.root.appendingPathComponent("scenarios").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "scenarios/\($0)" }
        #expect(files.count >= 6)
        let run = try await runReplsim(["validate"] + files)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func validateNamesFileLineAndKeyAndExitsTwo() async throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try "name: bad\nreplication:\n  uploadThreadsPerVM: 33\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try await runReplsim(["validate", file.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("bad.yaml:3:"), "\(run.stderr)")
        #expect(run.stderr.contains("replication.uploadThreadsPerVM"), "\(run.stderr)")
    }

    /// Usage errors are bad input too: exit 2 with the usage, for every kind argument-parser reports.
    @Test(arguments: [["sweep", "--bogus"], ["sweep"], ["live", "--threads", "abc"], ["check", "--tolerance"]])
    func usageErrorsExitTwoWithTheUsage(arguments: [String]) async throws {
        let run = try await runReplsim(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Usage: replsim \(arguments[0])"), "\(run.stderr)")
    }

    /// Every subcommand the README's command table names is listed by `replsim --help`.
    @Test func helpListsEveryCommandOfTheReadme() async throws {
        let readme = try String(contentsOf: Paths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let named = Set(readme.matches(of: /\| `replsim ([a-z0-9-]+)/).map { String($0.output.1) })
        #expect(named.contains("bench-peer"), "\(named)")
        let help = try await runReplsim(["--help"])
        #expect(help.status == 0)
        for command in named { #expect(help.stdout.contains("  \(command) "), "\(command) missing from --help") }
    }

    @Test func helpStillExitsZero() async throws {
        let run = try await runReplsim(["sweep", "--help"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("USAGE: replsim sweep"), "\(run.stdout)")
    }

    @Test func runIsDeterministicAndWritesEveryReport() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let first = try await runReplsim(["run", scenario.path, "--out", dir.appendingPathComponent("a").path, "--quiet"])
        let second = try await runReplsim(["run", scenario.path, "--out", dir.appendingPathComponent("b").path, "--quiet"])
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        for name in ["result.json", "results.csv", "report.md", "report.html"] {
            let a = try Data(contentsOf: dir.appendingPathComponent("a/\(name)"))
            let b = try Data(contentsOf: dir.appendingPathComponent("b/\(name)"))
            #expect(a == b, "\(name) differs between two runs with the same seed")
        }
    }

    @Test func sweepOverridesTheAxesFromTheCommandLine() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let out = dir.appendingPathComponent("sweep")
        let run = try await runReplsim(["sweep", scenario.path, "--threads", "1,4", "--vms", "1...2", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try runIDs(in: out) == [
            "threadsPerVM=1,vms=1", "threadsPerVM=1,vms=2", "threadsPerVM=4,vms=1", "threadsPerVM=4,vms=2",
        ])
        let bad = try await runReplsim(["sweep", scenario.path, "--threads", "0...40", "--quiet", "--out", out.path])
        #expect(bad.status == 2, "threads 0 must be rejected as bad input: \(bad.stderr)")
    }

    /// Every option that takes several values or an interval reads the one range grammar (values, `A...B`,
    /// comma lists); `..` and `-` are refused with exit 2, naming the option and the text.
    @Test func rangeOptionsShareOneGrammar() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let pcap = dir.appendingPathComponent("x.pcap").path
        let refused: [([String], String)] = [
            (["sweep", scenario.path, "--threads", "1..4"], "--threads '1..4': '1..4' uses '..'"),
            (["sweep", scenario.path, "--threads", "1-4"], "--threads '1-4': '1-4' uses '-'"),
            (["sweep", scenario.path, "--vms", "1,2..3"], "--vms '1,2..3': '2..3' uses '..'"),
            (["sweep", scenario.path, "--vms", "3-10"], "--vms '3-10': '3-10' uses '-'"),
            (["run", scenario.path, "--pcap", pcap, "--pcap-vms", "0-1"], "--pcap-vms '0-1': '0-1' uses '-'"),
            (["run", scenario.path, "--pcap", pcap, "--pcap-vms", "0..1"], "--pcap-vms '0..1': '0..1' uses '..'"),
            (["run", scenario.path, "--pcap", pcap, "--pcap-window", "1s..2s"], "--pcap-window '1s..2s': '1s..2s' uses '..'"),
            (["run", scenario.path, "--pcap", pcap, "--pcap-window", "1s-2s"], "--pcap-window '1s-2s': '1s-2s' uses '-'"),
        ]
        for (arguments, message) in refused {
            let run = try await runReplsim(arguments + ["--quiet", "--out", dir.appendingPathComponent("never").path])
            #expect(run.status == 2, "\(arguments): exit \(run.status), \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("write a range as A...B"), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("never").path))

        let out = dir.appendingPathComponent("sweep")
        let sweep = try await runReplsim(["sweep", scenario.path, "--threads", "1...2,4", "--vms", "1", "--out", out.path, "--quiet"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(try runIDs(in: out) == ["threadsPerVM=1,vms=1", "threadsPerVM=2,vms=1", "threadsPerVM=4,vms=1"])
        let export = try await runReplsim([
            "run", scenario.path, "--pcap", pcap, "--pcap-vms", "0...0,0", "--pcap-window", "0s...1s",
            "--quiet", "--out", dir.appendingPathComponent("pcap").path,
        ])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("wrote \(pcap)"), "\(export.stdout)")
        let help = try await runReplsim(["sweep", "--help"])
        #expect(help.stdout.contains("A...B"), "\(help.stdout)")
    }

    /// `check`: 0 within tolerance, 1 on a regression (with a table and JUnit failures), 2 on a missing baseline.
    @Test func checkExitCodesAndJUnit() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let baseline = dir.appendingPathComponent("baseline")
        let update = try await runReplsim(["check", scenario.path, "--baseline", baseline.path, "--update", "--quiet"])
        #expect(update.status == 0, "\(update.stderr)")
        let junit = dir.appendingPathComponent("junit.xml")
        let same = try await runReplsim(["check", scenario.path, "--baseline", baseline.path, "--junit", junit.path, "--quiet"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")

        // Make the baseline's initial replication 20 % faster than what the simulator predicts: a regression at 5 %.
        let resultURL = baseline.appendingPathComponent("tiny/result.json")
        var text = try String(contentsOf: resultURL, encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        let ir = try #require(runs.first?["initialReplication"] as? [String: Any])
        let seconds = try #require(ir["timeSeconds"] as? Double)
        let key = "\"timeSeconds\" : "
        let range = try #require(text.range(of: key))
        let end = try #require(text[range.upperBound...].firstIndex(where: { $0 == "," || $0 == "\n" }))
        text.replaceSubrange(range.upperBound..<end, with: String(seconds * 0.8))
        try text.write(to: resultURL, atomically: true, encoding: .utf8)
        let worse = try await runReplsim(["check", scenario.path, "--baseline", baseline.path, "--junit", junit.path, "--quiet"])
        #expect(worse.status == 1, "\(worse.stdout)\(worse.stderr)")
        #expect(worse.stdout.contains("initialReplicationSeconds"), "\(worse.stdout)")
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<failure"), "\(xml)")

        let missing = try await runReplsim(["check", scenario.path, "--baseline", dir.appendingPathComponent("none").path, "--quiet"])
        #expect(missing.status == 2, "\(missing.stderr)")
    }
}

/// `check` as a CI gate on a 10-VM `phases: both` scenario: doubling the circuit shortens initial replication
/// (an improvement, exit 3), adding loss lengthens it (a regression, exit 1); both name the changed scenario keys.
/// `compare` gives the same verdicts from two result files without re-running.
@Suite struct CheckGateTests {
    static func scenario(_ network: String) -> String {
        """
        # Question: does check judge initial replication and RPO per phase?
        name: gate
        seed: 4
        duration: 10m
        measurement: {start: 1m}
        phases: both
        vms: {count: 10, disks: [{size: 8GiB, used: 25%}], churn: 1MB/s}
        replication: {frequency: 30s, targetRPO: 2m, uploadThreadsPerVM: 4}
        network: {circuit: {\(network)}}
        storage: us-grs-2015
        """
    }

    @Test func fasterCircuitImprovesAndLossRegresses() async throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("gate.yaml")
        let baseline = dir.appendingPathComponent("baseline")
        try Self.scenario("bandwidth: 1Gbps, rtt: 5ms").write(to: file, atomically: true, encoding: .utf8)
        let update = try await runReplsim(["check", file.path, "--baseline", baseline.path, "--update", "--quiet"])
        #expect(update.status == 0, "\(update.stderr)")
        #expect(FileManager.default.fileExists(atPath: baseline.appendingPathComponent("gate/thresholds.json").path))
        let same = try await runReplsim(["check", file.path, "--baseline", baseline.path, "--quiet"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")

        try Self.scenario("bandwidth: 2Gbps, rtt: 5ms").write(to: file, atomically: true, encoding: .utf8)
        let faster = try await runReplsim(["check", file.path, "--baseline", baseline.path, "--quiet"])
        #expect(faster.status == 3, "\(faster.stdout)\(faster.stderr)")
        #expect(faster.stdout.contains("initialReplicationSeconds"), "\(faster.stdout)")
        #expect(!faster.stdout.contains("regressed"), "\(faster.stdout)")
        #expect(faster.stdout.contains("SCENARIO CHANGED"), "\(faster.stdout)")
        #expect(faster.stdout.contains("network.circuit.bandwidthBitsPerSecond: 1000000000 → 2000000000"))

        try Self.scenario("bandwidth: 1Gbps, rtt: 20ms, loss: 1e-2").write(to: file, atomically: true, encoding: .utf8)
        let lossy = try await runReplsim(["check", file.path, "--baseline", baseline.path, "--quiet"])
        #expect(lossy.status == 1, "\(lossy.stdout)\(lossy.stderr)")
        let irLine = lossy.stdout.split(separator: "\n").first { $0.contains("initialReplicationSeconds") }
        #expect(irLine?.hasSuffix("regressed") == true, "\(lossy.stdout)")
        #expect(lossy.stdout.contains("network.circuit.loss: 0 → 0.01"), "\(lossy.stdout)")

        // compare: the same verdicts from the files, without re-running.
        let out = dir.appendingPathComponent("lossy")
        let run = try await runReplsim(["run", file.path, "--quiet", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let base = baseline.appendingPathComponent("gate/result.json").path
        let compared = try await runReplsim(["compare", base, out.path])
        #expect(compared.status == 1, "\(compared.stdout)\(compared.stderr)")
        let reverse = try await runReplsim(["compare", out.path, base])
        #expect(reverse.status == 3, "\(reverse.stdout)\(reverse.stderr)")
        let bad = try await runReplsim(["compare", base, dir.appendingPathComponent("nothing.json").path])
        #expect(bad.status == 2, "\(bad.stderr)")
    }

    @Test func validateAndRunPrintAssumptionsAndWarnings() async throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("rpo.yaml")
        try """
            name: rpo-at-frequency
            seed: 1
            duration: 4m
            phases: delta
            vms: {count: 2, disks: [{size: 4GiB, used: 25%}], churn: 1MB/s}
            replication: {frequency: 30s, targetRPO: 30s}
            network: {circuit: {bandwidth: 1Gbps, rtt: 2ms}}
            storage: us-grs-2015
            """.write(to: file, atomically: true, encoding: .utf8)
        let validate = try await runReplsim(["validate", file.path])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("warning: targetRPO (30s) is not above the cycle frequency (30s)"))
        let run = try await runReplsim(["run", file.path, "--quiet", "--out", dir.appendingPathComponent("out").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("RPO: 2 VMs, 4 threads per VM: 0 % of cycles within"), "\(run.stdout)")
        #expect(run.stdout.contains("Assumptions and warnings:\n  warning: targetRPO"), "\(run.stdout)")
        let md = try String(contentsOf: dir.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(md.contains("## Assumptions and warnings\n\n- **Warning:** targetRPO"), "\(md)")
    }
}

/// The run ids of the result.json in `folder`, in file order.
func runIDs(in folder: URL) throws -> [String] {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("result.json")))
    let runs = try #require((json as? [String: Any])?["runs"] as? [[String: Any]])
    return runs.compactMap { $0["id"] as? String }
}

enum Paths {
    static let root = PackagePaths.root

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("replsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A scenario that simulates in well under a second in a debug build.
    static func tinyScenario(in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("tiny.yaml")
        try """
            # Question: a tiny world for the command-line tests.
            name: tiny
            seed: 9
            duration: 2m
            phases: initial
            vms: {count: 2, disks: [{size: 4GiB, used: 25%}]}
            replication: {uploadThreadsPerVM: 4}
            network: {circuit: {bandwidth: 1Gbps, rtt: 2ms}}
            storage: us-grs-2015
            """.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
