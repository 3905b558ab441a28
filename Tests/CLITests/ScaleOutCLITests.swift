import Foundation
import TestHarness
import Testing

/// `--shard`, `merge` and `--seeds` end to end: the real binary, parts on disk, byte-for-byte comparisons.
@Suite struct ScaleOutCLITests {
    static let reportFiles = ["result.json", "results.csv", "report.md", "report.html"]
    static let sweep = ["--threads", "1,4", "--vms", "1...3", "--seeds", "2", "--quiet"]

    static func expectSameReports(_ a: URL, _ b: URL, _ comment: String) throws {
        for name in reportFiles {
            let left = try Data(contentsOf: a.appendingPathComponent(name))
            let right = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(left == right, "\(name) differs: \(comment)")
        }
    }

    /// Shards merged in any order give the single machine's four files, byte for byte; so do more shards than runs
    /// (empty parts), and `run` as well as `sweep`.
    @Test func mergedShardsEqualOneMachineByteForByte() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let local = dir.appendingPathComponent("local")
        let whole = try await runReplsim(["sweep", scenario.path] + Self.sweep + ["--out", local.path])
        #expect(whole.status == 0, "\(whole.stderr)")
        for count in [3, 13] {  // 12 runs: 13 shards leave one empty
            let parts = dir.appendingPathComponent("parts-\(count)")
            for index in (0..<count).reversed() {
                let shard = try await runReplsim(
                    ["sweep", scenario.path] + Self.sweep + ["--shard", "\(index)/\(count)", "--out", parts.path])
                #expect(shard.status == 0, "\(shard.stderr)")
            }
            let merged = dir.appendingPathComponent("merged-\(count)")
            let merge = try await runReplsim(["merge", parts.path, "--out", merged.path])
            #expect(merge.status == 0, "\(merge.stderr)")
            #expect(merge.stdout.contains("(12 runs)"), "\(merge.stdout)")
            try Self.expectSameReports(local, merged, "\(count) shards")
        }

        let runLocal = dir.appendingPathComponent("run-local")
        #expect(try await runReplsim(["run", scenario.path, "--quiet", "--out", runLocal.path]).status == 0)
        let runParts = dir.appendingPathComponent("run-parts")
        for index in 0..<2 {
            let shard = try await runReplsim(["run", scenario.path, "--quiet", "--shard", "\(index)/2", "--out", runParts.path])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let runMerged = dir.appendingPathComponent("run-merged")
        let files = (0..<2).map { runParts.appendingPathComponent("part-000\($0)-of-0002.json").path }
        #expect(try await runReplsim(["merge"] + files + ["--out", runMerged.path]).status == 0)
        try Self.expectSameReports(runLocal, runMerged, "run, 2 shards")
    }

    /// Missing, duplicated and foreign parts, and parts of another version: exit 2 with a message naming them.
    @Test func mergeRefusesPartsThatDoNotMakeOneJob() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let parts = dir.appendingPathComponent("parts")
        for index in 0..<3 {
            let shard = try await runReplsim(["sweep", scenario.path] + Self.sweep + ["--shard", "\(index)/3", "--out", parts.path])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        func part(_ index: Int) -> String { parts.appendingPathComponent("part-000\(index)-of-0003.json").path }
        let out = dir.appendingPathComponent("out").path

        let missing = try await runReplsim(["merge", part(0), part(2), "--out", out])
        #expect(missing.status == 2 && missing.stderr.contains("missing shard 1/3"), "\(missing.stderr)")
        let twice = try await runReplsim(["merge", part(0), part(1), part(1), part(2), "--out", out])
        #expect(twice.status == 2 && twice.stderr.contains("shard 1/3 given twice"), "\(twice.stderr)")

        let other = dir.appendingPathComponent("other")
        let otherSeed = try await runReplsim(
            ["sweep", scenario.path] + Self.sweep + ["--seed", "5", "--shard", "1/3", "--out", other.path])
        #expect(otherSeed.status == 0, "\(otherSeed.stderr)")
        let foreign = try await runReplsim(
            ["merge", part(0), other.appendingPathComponent("part-0001-of-0003.json").path, part(2), "--out", out])
        #expect(foreign.status == 2 && foreign.stderr.contains("different job"), "\(foreign.stderr)")

        let text = try String(contentsOfFile: part(2), encoding: .utf8)
        try text.replacingOccurrences(of: "\"replsim 0.", with: "\"replsim 99.")
            .write(toFile: part(2), atomically: true, encoding: .utf8)
        let version = try await runReplsim(["merge", parts.path, "--out", out])
        #expect(version.status == 2 && version.stderr.contains("written by replsim 99."), "\(version.stderr)")

        try "{".write(toFile: part(2), atomically: true, encoding: .utf8)
        let broken = try await runReplsim(["merge", parts.path, "--out", out])
        #expect(broken.status == 2 && broken.stderr.contains("part-0002-of-0003.json"), "\(broken.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing may be written when a merge fails")
    }

    /// `--seeds 1` is the run without it, byte for byte; more seeds add a `seed` axis and bands.
    @Test func seedsAddAnAxisAndBands() async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let plain = dir.appendingPathComponent("plain")
        let one = dir.appendingPathComponent("one")
        let three = dir.appendingPathComponent("three")
        #expect(try await runReplsim(["run", scenario.path, "--quiet", "--out", plain.path]).status == 0)
        #expect(try await runReplsim(["run", scenario.path, "--quiet", "--seeds", "1", "--out", one.path]).status == 0)
        try Self.expectSameReports(plain, one, "--seeds 1")
        let run = try await runReplsim(["run", scenario.path, "--quiet", "--seeds", "3", "--seed", "100", "--out", three.path])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: three.appendingPathComponent("result.json")))
                as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["id"] as? String } == ["seed=100", "seed=101", "seed=102"])
        #expect(runs.compactMap { $0["seed"] as? Int } == [100, 101, 102])
        let bands = try #require(json["bands"] as? [[String: Any]])
        let throughput = try #require(bands.first?["throughputBitsPerSecond"] as? [String: Double])
        let p5 = try #require(throughput["p5"]), p50 = try #require(throughput["p50"])
        let p95 = try #require(throughput["p95"])
        #expect(p5 <= p50 && p50 <= p95 && p5 < p95, "seeds 100...102 should not all give one throughput: \(throughput)")
        let markdown = try String(contentsOf: three.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("## Uncertainty over seeds"), "\(markdown)")
    }

    @Test(arguments: [
        ["--shard", "3/3"], ["--shard", "1"], ["--shard", "-1/2"], ["--seeds", "0"], ["--seeds", "1001"],
        ["--shard", "0/2", "--pcap", "x.pcap"], ["--seeds", "2", "--pcap", "x.pcap"],
    ])
    func badScaleOptionsExitTwo(arguments: [String]) async throws {
        let dir = try Paths.temporaryDirectory()
        let scenario = try Paths.tinyScenario(in: dir)
        let run = try await runReplsim(["run", scenario.path, "--quiet", "--out", dir.appendingPathComponent("o").path] + arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }
}
