import ArgumentParser
import Foundation
import Reports
import Results
import Scenario

/// `--seeds` and `--shard` of `run` and `sweep`: more runs per point, and one machine's slice of them.
struct ScaleOptions: ParsableArguments {
    /// Largest `--seeds` accepted.
    static let maxSeeds = 1_000

    @Option(help: ArgumentHelp(
        "Run every point with N seeds (the root seed and the N-1 after it); result.json gets p5/p50/p95 bands.",
        valueName: "n"))
    var seeds: Int = 1

    @Option(help: ArgumentHelp(
        "Run only slice I of N (0-based) and write it as --out/part-IIII-of-NNNN.json for `replsim merge`.",
        valueName: "i/n"))
    var shard: Shard?

    func validate() throws {
        guard (1...Self.maxSeeds).contains(seeds) else {
            throw ValidationError("--seeds must be in 1...\(Self.maxSeeds), got \(seeds)")
        }
    }

    /// `--pcap` traces one run on one machine: neither option applies to it.
    func checkCompatible(with capture: PcapOptions) throws {
        guard capture.pcap != nil, seeds > 1 || shard != nil else { return }
        throw BadInput(message: "--pcap exports one run; it cannot be combined with --seeds or --shard")
    }
}

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension OutputOptions {
    /// Simulates shard `shard` of `scenario`'s runs and writes its part into `--out` (default
    /// `results/<scenario>-parts/`), for `replsim merge`. The part's result is built exactly as a whole run's.
    func simulatePart(_ scenario: Scenario, seed: UInt64?, shard: Shard) throws {
        let points = Simulate.points(scenario, seed: seed)
        let units = shard.unitIndices(of: points.count)
        let result = try Simulate.run(scenario, seed: seed, jobs: defaultJobs(jobs), quiet: quiet, units: units)
        let part = PartialResult(
            tool: Simulate.tool, fingerprint: SweepPoint.fingerprint(of: points), shard: shard,
            unitCount: points.count, result: result)
        let dir = URL(fileURLWithPath: out ?? "results/\(scenario.document.name)-parts")
        do {
            let url = try PartialFiles.write(part, into: dir)
            print("wrote \(url.path) (shard \(shard): \(units.count) of \(points.count) runs)")
        } catch {
            throw BadInput(message: "cannot write the part to \(dir.path): \(error)")
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the parts of a sharded run or sweep (--shard i/n) into the result folder one machine writes.",
        discussion: """
            Every shard 0..n-1 of one job must be given exactly once, written by this version of replsim. The output
            (result.json, results.csv, report.md, report.html) is byte-identical to the same run or sweep on one
            machine without --shard. Exit 2 for a missing, duplicated or foreign part.
            """)

    @Argument(help: "Part files, or folders holding part-*.json files.")
    var parts: [String]

    @Option(help: "Output folder.")
    var out: String

    func run() throws {
        try exitOnBadInput {
            let file: ResultFile
            do {
                let urls = try PartialFiles.expand(parts)
                var loaded: [(source: String, part: PartialResult)] = []
                for url in urls { loaded.append((url.path, try PartialFiles.load(url))) }
                file = try PartialResult.merge(loaded, tool: Simulate.tool)
            } catch let error as ReportError {
                throw BadInput(message: error.description)
            } catch let error as MergeError {
                throw BadInput(message: error.description)
            }
            let dir = URL(fileURLWithPath: out)
            try Simulate.write(file, to: dir)
            print("wrote \(dir.path)/report.html (\(file.runs.count) run\(file.runs.count == 1 ? "" : "s"))")
        }
    }
}
