import ArgumentParser
import Foundation
import Planner
import Results
import Scenario

/// `replsim plan`: the inverse question. From a scenario (and optionally an inventory CSV) to the minimum circuit
/// bandwidth for 100 % and 90 % of cycles within the target RPO, the RPO at a given bandwidth and the violations
/// at the 90 % bandwidth, each over several seeds; writes plan.json and plan.md (docs/planning.md).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan an estate: the circuit bandwidth that meets the target RPO (100 % and 90 % of cycles), the RPO at a given bandwidth, the violations at the 90 % bandwidth, and UploadThreadsPerVM per host.",
        discussion: "Exit codes: 0 a plan exists, 1 a target cannot be met within --max-bandwidth (plan.md says why and what is closest), 2 bad input.")

    @Argument(help: "Scenario file (YAML): network, replication settings, the plan knobs, and the VMs unless --inventory is given.")
    var file: String

    @Option(help: "Inventory CSV whose VMs replace the scenario's (columns: docs/scenarios.md, \"VM inventory\").")
    var inventory: String?

    @Option(help: "Seeds per answer: the scenario's seed and the N-1 after it (default 3).")
    var seeds: Int = 3

    @Option(help: "Bandwidth for the achievable-RPO answer, e.g. 500Mbps (default: the scenario's circuit bandwidth).")
    var bandwidth: String?

    @Option(help: "Largest circuit bandwidth the searches try (default 10Gbps, the top ExpressRoute circuit offer).")
    var maxBandwidth: String = "10Gbps"

    @Option(help: "Relative search tolerance: a bisection stops when high/low ≤ 1 + tolerance (default 2%).")
    var tolerance: String = "2%"

    @Option(help: "Output folder (default: results/plan-<scenario>-<timestamp>/; with --shard, results/plan-<scenario>-parts/).")
    var out: String?

    @Option(help: ArgumentHelp(
        "Run only slice I of N (0-based) of the plan's units (seeds' searches, hosts' thread sweeps) and write it as --out/part-IIII-of-NNNN.json for `replsim merge`.",
        valueName: "i/n"))
    var shard: Shard?

    @Option(help: "Parallel runs (default: the machine's cores).")
    var jobs: Int?

    @Flag(help: "Do not print plan.md.")
    var quiet = false

    func validate() throws {
        guard (1...ScaleOptions.maxSeeds).contains(seeds) else {
            throw ValidationError("--seeds must be in 1...\(ScaleOptions.maxSeeds), got \(seeds)")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        var document = try Simulate.load(file).document
        if let inventory {
            do {
                document = document.replacingVMs(with: try Inventory.load(path: inventory))
            } catch {
                throw BadInput(message: error.description)
            }
        }
        func bits(_ text: String, _ option: String) throws -> Double {
            guard let value = Quantity.bitsPerSecond(text), value > 0 else {
                throw BadInput(message: "\(option): expected a bandwidth like '500Mbps', found '\(text)'")
            }
            return value
        }
        guard let tolerance = Quantity.ratio(tolerance), tolerance > 0, tolerance <= 0.5 else {
            throw BadInput(message: "--tolerance: expected a ratio in (0, 50%] like '2%', found '\(self.tolerance)'")
        }
        let options = Planner.Options(
            seeds: (0..<UInt64(seeds)).map { document.seed &+ $0 },
            bandwidthBitsPerSecond: try bandwidth.map { try bits($0, "--bandwidth") },
            maximumBitsPerSecond: try bits(maxBandwidth, "--max-bandwidth"), tolerance: tolerance,
            jobs: defaultJobs(jobs))
        let planner: Planner
        do {
            planner = try Planner(document: document, options: options)
        } catch {
            throw BadInput(message: "\(file): \(error)")
        }
        if let shard { return try writePart(planner, shard: shard) }
        try Self.write(try planner.plan(), to: Simulate.outputDirectory(out, scenario: "plan-\(document.name)"), quiet: quiet)
    }

    /// Searches shard `shard` of the seeds and writes its part into `--out` (default `results/plan-<scenario>-parts/`).
    func writePart(_ planner: Planner, shard: Shard) throws {
        let payload = try planner.runShard(shard)
        let part = ShardPart(
            tool: Simulate.tool, fingerprint: Self.fingerprint(payload), shard: shard,
            unitCount: planner.unitCount, payload: payload)
        try writeShardPart(
            part, into: URL(fileURLWithPath: out ?? "results/plan-\(payload.document.name)-parts"),
            summary: "shard \(shard): \(payload.outcomes.count) of \(planner.unitCount) units")
    }

    /// A plan job's identity: its document and search options (``JobFingerprint``).
    static func fingerprint(_ payload: PlanPart) -> String {
        JobFingerprint.of([("plan", payload.document), ("options", payload.options)])
    }

    /// Writes plan.json and plan.md into `dir` and prints plan.md unless `quiet`; exit 1 when a target is
    /// unreachable. One machine's `plan` and `merge` of a sharded plan both write through here.
    static func write(_ plan: Plan, to dir: URL, quiet: Bool) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(plan).write(to: dir.appendingPathComponent("plan.json"))
        let markdown = PlanReport.markdown(plan)
        try Data(markdown.utf8).write(to: dir.appendingPathComponent("plan.md"))
        if !quiet { print(markdown, terminator: "") }
        print("wrote \(dir.path)/plan.md and plan.json (\(plan.simulatedRuns) simulated runs)")
        if plan.status == .unreachable { throw ExitCode(1) }
    }
}
