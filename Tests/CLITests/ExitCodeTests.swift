import Foundation
import TestHarness
import Testing

/// Every bad command line exits 2 with a message on standard error, per subcommand: usage errors, files that are
/// missing or malformed, folders that cannot be written, addresses that cannot be bound. Each case runs the real
/// binary with a deadline (a case that would start serving or uploading instead of refusing is killed and fails).
@Suite struct ExitCodeTests {
    /// Bad files shared by the cases, made once per test process.
    static let fixtures: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replsim-exit-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files = [
            "bad.yaml": "name: x\nbogus: [\n", "bad.json": "not json", "bad.pcap": "garbage, not a capture",
            "profile.json": "{\"x\":", "empty.pcap": "",
            // Valid one by one, absurd together: 8 billion 512-byte chunks, refused by the work estimate.
            "absurd.yaml": "name: absurd\nduration: 1h\nphases: initial\nvms: {count: 1, disks: [{size: 4095GB, "
                + "used: 100%}]}\nreplication: {chunkSize: 512}\nnetwork: {circuit: {bandwidth: 10Gbps, rtt: 2ms}}\n",
        ]
        for (name, text) in files { try? text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }()

    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static let ci = "scenarios/ci/failover-quick.yaml"
    static let target = "http://127.0.0.1:9/devstoreaccount1"

    static let cases: [[String]] = [
        // run / sweep
        ["run", path("none.yaml")], ["run", path("bad.yaml")], ["run", ci, "--jobs", "0"],
        ["run", ci, "--seed", "-1"], ["run", ci, "--quiet", "--out", "/proc/replsim-no"],
        ["run", ci, "--pcap-window", "9m...1m"], ["sweep", path("bad.yaml")],
        ["sweep", ci, "--threads", "0", "--quiet"], ["sweep", ci, "--vms", "x"],
        // plan
        ["plan", path("bad.yaml")], ["plan", ci, "--seeds", "0"], ["plan", ci, "--inventory", path("bad.json")],
        ["plan", ci, "--inventory", path("none.csv")], ["plan", ci, "--tolerance", "x"],
        ["run", path("absurd.yaml"), "--quiet", "--out", path("absurd-out")],
        // report / check / validate
        ["report", path("none")], ["report", path("bad.json")], ["check", path("none"), "--baseline", "x"],
        ["check", path("bad.yaml"), "--baseline", "x"], ["check", ci, "--baseline", "x", "--tolerance", "-1"],
        ["validate"], ["validate", path("none.yaml")], ["validate", path("bad.yaml")],
        // calibrate
        ["calibrate", path("none.pcap")], ["calibrate", path("bad.pcap")], ["calibrate", path("empty.pcap")],
        ["calibrate", path("bad.pcap"), "--idle-gap-ms", "0"],
        // serve: nothing of these may start listening
        ["serve", "--port", "99999"], ["serve", "--port", "abc"],
        ["serve", "--port", "0", "--data", path("d"), "--profile", path("none.json")],
        ["serve", "--port", "0", "--data", path("d"), "--profile", path("profile.json")],
        ["serve", "--port", "0", "--data", path("d"), "--host", "999.999.1.1"],
        ["serve", "--port", "0", "--data", "/proc/replsim-no"],
        ["serve", "--port", "0", "--data", path("d"), "--key", "not base64!"],
        // validate-ns3
        ["validate-ns3", "--results", path("none")], ["validate-ns3", "--results", path("bad.json")],
        ["validate-ns3", "--yaml", "no-such-point"],
        // live: refused before anything is sent
        ["live"], ["live", "--target", target, "--generate", "0"], ["live", "--target", "bogus", "--generate", "1MiB"],
        ["live", "--target", target, "--source", path("none.img")],
        ["live", "--target", target, "--generate", "1MiB", "--threads", "0"],
        ["live", "--target", target, "--generate", "1MiB", "--journal", "/proc/replsim-no"],
        ["live", "--target", target, "--generate", "1MiB", "--key", "!!"],
        ["live", "--target", target, "--generate", "1MiB", "--max-failures", "0"],
        // merge: parts that are missing or not parts; a folder without parts; no --out
        ["merge", path("none.json"), "--out", path("m")], ["merge", path("bad.json"), "--out", path("m")],
        ["merge", path("profile.json"), "--out", path("m")], ["merge", fixtures.path, "--out", path("m")],
        ["merge", path("bad.json")], ["run", ci, "--shard", "2/2"], ["sweep", ci, "--seeds", "0"],
        // bench-peer, and no subcommand at all
        ["bench-peer", "--vms", "0", "--threads", "1", "--link-bps", "1", "--rtt-s", "0", "--bytes-per-vm", "1"],
        ["no-such-command"],
    ]

    @Test(arguments: cases)
    func badInputExitsTwo(arguments: [String]) async throws {
        let run = try await runReplsim(arguments, killAfter: .seconds(60))
        #expect(run.status == 2, "\(arguments) exited \(run.status): \(run.stderr)")
        #expect(!run.stderr.isEmpty, "\(arguments): no message on standard error")
        #expect(!run.stderr.contains("Fatal error"), "\(arguments) crashed: \(run.stderr)")
    }
}
