import Foundation
import Testing

/// End-to-end tests of the `replsim` command: the real binary built next to this test bundle, run as a process.
@Suite struct CLITests {
    @Test func validateAcceptsEveryShippedScenario() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Paths.root.appendingPathComponent("scenarios").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "scenarios/\($0)" }
        #expect(files.count >= 6)
        let run = try replsim(["validate"] + files)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func validateNamesFileLineAndKeyAndExitsTwo() throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try "name: bad\nreplication:\n  uploadThreadsPerVM: 33\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try replsim(["validate", file.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("bad.yaml:3:"), "\(run.stderr)")
        #expect(run.stderr.contains("replication.uploadThreadsPerVM"), "\(run.stderr)")
    }

    /// Usage errors are bad input too: exit 2 with the usage, for every kind argument-parser reports.
    @Test(arguments: [["sweep", "--bogus"], ["sweep"], ["live", "--threads", "abc"], ["check", "--tolerance"]])
    func usageErrorsExitTwoWithTheUsage(arguments: [String]) throws {
        let run = try replsim(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains("Usage: replsim \(arguments[0])"), "\(run.stderr)")
    }

    @Test func helpStillExitsZero() throws {
        let run = try replsim(["sweep", "--help"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("USAGE: replsim sweep"), "\(run.stdout)")
    }

    @Test func runIsDeterministicAndWritesEveryReport() throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let first = try replsim(["run", scenario.path, "--out", dir.appendingPathComponent("a").path, "--quiet"])
        let second = try replsim(["run", scenario.path, "--out", dir.appendingPathComponent("b").path, "--quiet"])
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        for name in ["result.json", "results.csv", "report.md", "report.html"] {
            let a = try Data(contentsOf: dir.appendingPathComponent("a/\(name)"))
            let b = try Data(contentsOf: dir.appendingPathComponent("b/\(name)"))
            #expect(a == b, "\(name) differs between two runs with the same seed")
        }
    }

    @Test func sweepOverridesTheAxesFromTheCommandLine() throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let out = dir.appendingPathComponent("sweep")
        let run = try replsim(["sweep", scenario.path, "--threads", "1,4", "--vms", "1...2", "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("result.json")))
        let runs = try #require((json as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["id"] as? String } == [
            "threadsPerVM=1,vms=1", "threadsPerVM=1,vms=2", "threadsPerVM=4,vms=1", "threadsPerVM=4,vms=2",
        ], "\(runs.map { $0["id"] ?? "?" })")
        let bad = try replsim(["sweep", scenario.path, "--threads", "0...40", "--quiet", "--out", out.path])
        #expect(bad.status == 2, "threads 0 must be rejected as bad input: \(bad.stderr)")
    }

    /// `check`: 0 within tolerance, 1 on a regression (with a table and JUnit failures), 2 on a missing baseline.
    @Test func checkExitCodesAndJUnit() throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let baseline = dir.appendingPathComponent("baseline")
        let update = try replsim(["check", scenario.path, "--baseline", baseline.path, "--update", "--quiet"])
        #expect(update.status == 0, "\(update.stderr)")
        let junit = dir.appendingPathComponent("junit.xml")
        let same = try replsim(["check", scenario.path, "--baseline", baseline.path, "--junit", junit.path, "--quiet"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")

        // Make the baseline 20 % faster than what the simulator predicts: a regression at 5 % tolerance.
        let resultURL = baseline.appendingPathComponent("tiny/result.json")
        var text = try String(contentsOf: resultURL, encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        let throughput = try #require(runs.first?["throughputBitsPerSecond"] as? Double)
        let key = "\"throughputBitsPerSecond\" : "
        let range = try #require(text.range(of: key))
        let end = try #require(text[range.upperBound...].firstIndex(where: { $0 == "," || $0 == "\n" }))
        text.replaceSubrange(range.upperBound..<end, with: String(throughput * 1.2))
        try text.write(to: resultURL, atomically: true, encoding: .utf8)
        let worse = try replsim(["check", scenario.path, "--baseline", baseline.path, "--junit", junit.path, "--quiet"])
        #expect(worse.status == 1, "\(worse.stdout)\(worse.stderr)")
        #expect(worse.stdout.contains("throughput"), "\(worse.stdout)")
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<failure"), "\(xml)")

        let missing = try replsim(["check", scenario.path, "--baseline", dir.appendingPathComponent("none").path, "--quiet"])
        #expect(missing.status == 2, "\(missing.stderr)")
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the replsim binary that sits next to the test bundle, from the package root; a process still running after
/// `deadlineSeconds` is killed (its status is then SIGKILL's, which no test expects).
func replsim(_ arguments: [String], deadlineSeconds: Double = 900) throws -> ProcessResult {
    let process = Process()
    process.executableURL = Paths.binary
    process.arguments = arguments
    process.currentDirectoryURL = Paths.root
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let watchdog = DispatchWorkItem { kill(process.processIdentifier, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + deadlineSeconds, execute: watchdog)
    defer { watchdog.cancel() }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("replsim")
    }

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
