import Foundation
import Results
import TestHarness
import Testing

@testable import Reports

/// Shard parts, their merge, and uncertainty bands over seeds (the model; `CLITests` runs them end to end).
@Suite(.cpuBound) struct ShardMergeTests {
    /// A sweep of 3 points × 3 seeds whose throughput depends on the seed.
    static func seededSweep() -> ResultFile {
        var file = Fixture.sweep(vms: [3, 10, 25], threads: [4])
        file.runs = file.runs.flatMap { run in
            (0..<3).map { offset -> RunResult in
                var copy = run
                copy.parameters.append(Parameter(key: "seed", value: String(42 + offset)))
                copy.id = RunResult.makeID(copy.parameters)
                copy.throughputBitsPerSecond = run.throughputBitsPerSecond * (1 + 0.01 * Double(offset))
                return copy
            }
        }
        return file
    }

    static func parts(of file: ResultFile, count: Int, tool: String = "replsim 0.1.0") -> [(String, PartialResult)] {
        (0..<count).map { index in
            let shard = Shard(index: index, count: count)
            var result = file
            result.runs = shard.unitIndices(of: file.runs.count).map { file.runs[$0] }
            return (
                "part-\(index)",
                PartialResult(
                    tool: tool, fingerprint: "f", shard: shard, unitCount: file.runs.count, result: result)
            )
        }
    }

    /// Equal shares (±1), every unit exactly once, and no aliasing with the sweep's axes: 32 threads × 8 VM counts
    /// × 8 seeds in 64 shards still gives every shard several VM counts (plain round-robin would give one each).
    @Test func shardsGetEqualMixedShares() {
        for (units, count) in [(0, 3), (5, 8), (12, 13), (2048, 64), (2048, 7), (1000, 1)] {
            let shards = Shard.assignment(units: units, count: count)
            #expect(shards.count == count)
            #expect(shards.flatMap { $0 }.sorted() == Array(0..<units), "\(units) units in \(count) shards")
            let sizes = shards.map(\.count)
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(sizes)")
            #expect(shards.allSatisfy { $0 == $0.sorted() })
            #expect(Shard(index: count - 1, count: count).unitIndices(of: units) == shards[count - 1])
        }
        let vmCounts = Shard.assignment(units: 2048, count: 64).map { Set($0.map { $0 / 8 % 8 }).count }
        #expect(vmCounts.allSatisfy { $0 >= 4 }, "VM counts per shard: \(vmCounts)")
    }

    @Test func bandPercentilesInterpolateBetweenRanks() {
        let band = Band(samples: [8, 1, 7, 2, 6, 3, 5, 4])
        // NumPy: np.percentile(range(1, 9), [5, 50, 95]) == [1.35, 4.5, 7.65]
        #expect(abs(band.p5 - 1.35) < 1e-12 && abs(band.p50 - 4.5) < 1e-12 && abs(band.p95 - 7.65) < 1e-12, "\(band)")
        #expect(Band(samples: [3]) == Band(p5: 3, p50: 3, p95: 3))
    }

    @Test func bandsGroupRunsThatDifferOnlyInTheirSeed() throws {
        let file = Self.seededSweep()
        let bands = try #require(file.bands)
        #expect(bands.map(\.id) == ["vms=3,threadsPerVM=4", "vms=10,threadsPerVM=4", "vms=25,threadsPerVM=4"])
        #expect(bands.allSatisfy { $0.seeds == ["42", "43", "44"] })
        let first = file.runs[0].throughputBitsPerSecond
        #expect(bands[0].throughputBitsPerSecond.p50 == first * 1.01)
        #expect(Fixture.sweep(vms: [3], threads: [4]).bands == nil, "no seed axis, no bands")
    }

    @Test func mergeOfEveryShardEqualsTheWholeInAnyOrder() throws {
        let whole = Self.seededSweep()
        for count in [1, 2, 4, 9, 11] {
            let parts = Self.parts(of: whole, count: count).reversed().map { (source: $0.0, part: $0.1) }
            let merged = try PartialResult.merge(parts, tool: "replsim 0.1.0")
            #expect(merged == whole, "\(count) shards")
            #expect(try ReportWriter.encode(merged) == ReportWriter.encode(whole), "\(count) shards")
        }
    }

    @Test func mergeRefusesMissingDuplicatedForeignAndOtherVersions() {
        let parts = Self.parts(of: Self.seededSweep(), count: 3).map { (source: $0.0, part: $0.1) }
        func error(_ given: [(source: String, part: PartialResult)]) -> MergeError? {
            do {
                _ = try PartialResult.merge(given, tool: "replsim 0.1.0")
                return nil
            } catch {
                return error
            }
        }
        #expect(error([]) == .noParts)
        #expect(error([parts[0], parts[2]]) == .missingShards([Shard(index: 1, count: 3)], given: 2))
        #expect(error(parts + [parts[1]]) == .duplicateShard(shard: Shard(index: 1, count: 3), first: "part-1", second: "part-1"))
        var foreign = parts
        foreign[2].part.fingerprint = "g"
        #expect(error(foreign) == .otherJob(source: "part-2", first: "part-0", field: "fingerprint"))
        var otherScenario = parts
        otherScenario[1].part.result?.scenario = "other"
        #expect(error(otherScenario) == .otherJob(source: "part-1", first: "part-0", field: "result header"))
        var older = parts
        older[1].part.tool = "replsim 0.0.9"
        #expect(error(older) == .otherVersion(source: "part-1", tool: "replsim 0.0.9", expected: "replsim 0.1.0"))
        var short = parts
        short[0].part.result?.runs.removeLast()
        #expect(error(short) == .inconsistent(source: "part-0", reason: "holds 2 runs for 3 units"))
        #expect(MergeError.missingShards([Shard(index: 1, count: 3)], given: 2).description
            == "missing shard 1/3 (got 2 of 3)")
    }

    @Test func partFilesRoundTripAndNameTheirShard() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replsim-parts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, part) = Self.parts(of: Self.seededSweep(), count: 4)[3]
        let url = try PartialFiles.write(part, into: dir)
        #expect(url.lastPathComponent == "part-0003-of-0004.json")
        #expect(try PartialFiles.load(url) == part)
        #expect(try PartialFiles.expand([dir.path]) == [url])
        try Data("{\"partialFormat\": 2}".utf8).write(to: url)
        #expect(throws: ReportError.self) { try PartialFiles.load(url) }
        #expect(Shard("3/4") == Shard(index: 3, count: 4))
        for bad in ["4/4", "-1/2", "1/0", "a/b", "1", "1/2/3", ""] { #expect(Shard(bad) == nil, "\(bad)") }
    }

    @Test func reportsShowTheBands() {
        let file = Self.seededSweep()
        let markdown = MarkdownReport.render(file)
        #expect(markdown.contains("## Uncertainty over seeds"))
        #expect(markdown.contains("| vms=10,threadsPerVM=4 | 3 |"), "\(markdown)")
        #expect(HTMLReport.render(file).contains("<h2>Uncertainty over seeds</h2>"))
        #expect(!MarkdownReport.render(Fixture.sweep(vms: [3], threads: [4])).contains("Uncertainty"))
    }
}
