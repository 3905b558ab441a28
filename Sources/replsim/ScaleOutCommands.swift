import ArgumentParser
import Foundation
import Planner
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
        try writeShardPart(
            part, into: URL(fileURLWithPath: out ?? "results/\(scenario.document.name)-parts"),
            summary: "shard \(shard): \(units.count) of \(points.count) runs")
    }
}

/// Writes a shard's part into `dir` (`run`, `sweep` and `plan` with `--shard`) and says so; a folder that cannot be
/// written is bad input.
func writeShardPart<Payload>(_ part: ShardPart<Payload>, into dir: URL, summary: String) throws {
    do {
        let url = try PartialFiles.write(part, into: dir)
        print("wrote \(url.path) (\(summary))")
    } catch {
        throw BadInput(message: "cannot write the part to \(dir.path): \(error)")
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the parts of a sharded run, sweep or plan (--shard i/n) into the folder one machine writes.",
        discussion: """
            Every shard 0..n-1 of one job must be given exactly once, written by this version of replsim. The output
            is byte-identical to the same job on one machine without --shard: result.json, results.csv, report.md
            and report.html for a run or sweep; plan.json and plan.md for a plan (whose merge also simulates the
            what-if at the 90 % bandwidth, which needs every seed's answer, and exits 1 like plan when a target is
            unreachable). Exit 2 for a missing, duplicated or foreign part.
            """)

    @Argument(help: "Part files, or folders holding part-*.json files.")
    var parts: [String]

    @Option(help: "Output folder.")
    var out: String

    @Option(help: "Parallel runs for a plan's what-if (default: the machine's cores).")
    var jobs: Int?

    @Flag(help: "Do not print plan.md when merging a plan.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        try exitOnBadInput {
            let dir = URL(fileURLWithPath: out)
            do {
                let urls = try PartialFiles.expand(parts)
                if let first = urls.first, try PartialFiles.work(of: first) == PlanPart.work {
                    var loaded: [(source: String, part: ShardPart<PlanPart>)] = []
                    for url in urls { loaded.append((url.path, try PartialFiles.load(url, as: PlanPart.self))) }
                    let plan = try Planner.merge(loaded, tool: Simulate.tool, jobs: defaultJobs(jobs))
                    return try PlanCommand.write(plan, to: dir, quiet: quiet)
                }
                var loaded: [(source: String, part: PartialResult)] = []
                for url in urls { loaded.append((url.path, try PartialFiles.load(url))) }
                let file = try PartialResult.merge(loaded, tool: Simulate.tool)
                try Simulate.write(file, to: dir)
                print("wrote \(dir.path)/report.html (\(file.runs.count) run\(file.runs.count == 1 ? "" : "s"))")
            } catch let error as ReportError {
                throw BadInput(message: error.description)
            } catch let error as MergeError {
                throw BadInput(message: error.description)
            }
        }
    }
}
