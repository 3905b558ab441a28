import Crypto
import Foundation
import Planner
import Reports
import Results
import Scenario
import SimDriver

/// Shared by `run`, `sweep` and `check`: load a scenario (with CLI sweep overrides), simulate every point on
/// `jobs` threads with progress, and return the result file.
enum Simulate {
    static let tool = "replsim \(ReplSim.configuration.version)"

    /// Loads a scenario; a malformed one is reported with file:line:column errors and exit code 2.
    ///
    /// With `seeds` > 1, every point runs with the seeds ROOT, ROOT+1, …, ROOT+seeds−1 (ROOT: `seed`, else the
    /// scenario's): a `seed` sweep axis appended after the others, so the seed varies fastest and run ids end in
    /// `,seed=N`. With one seed nothing is added, and results are those of a run without `--seeds`.
    static func load(_ path: String, overrides: [SweepOverride] = [], seed: UInt64? = nil, seeds: Int = 1) throws
        -> Scenario
    {
        func loaded(_ overrides: [SweepOverride]) throws -> Scenario {
            do {
                return try ScenarioLoader.load(path: path, sweepOverrides: overrides)
            } catch {
                throw BadInput(message: error.description)
            }
        }
        var scenario = try loaded(overrides)
        if let seed { scenario.document.seed = seed }
        guard seeds > 1 else { return scenario }
        let root = scenario.document.seed
        if let axis = scenario.sweepAxes.first(where: { $0.keyPath == UncertaintyBand.seedKey }) {
            throw BadInput(message: "--seeds: \(path) already sweeps '\(axis.key)'; use one or the other")
        }
        let values = (0..<UInt64(seeds)).map { String(root &+ $0) }
        scenario = try loaded(overrides + [SweepOverride(key: UncertaintyBand.seedKey, values: values)])
        scenario.document.seed = root
        return scenario
    }

    /// Estimates the work `scenario` implies (``WorkEstimate``): warns on standard error above the warning
    /// threshold, and refuses (bad input, exit 2) above the hard limit unless `force`.
    static func checkWork(_ scenario: Scenario, force: Bool) throws {
        switch WorkEstimate(scenario).verdict {
        case .fine:
            return
        case .warn(let text):
            FileHandle.standardError.write(Data("warning: \(scenario.file): \(text)\n".utf8))
        case .refuse(let text):
            guard force else { throw BadInput(message: "\(scenario.file): \(text)") }
            FileHandle.standardError.write(Data("warning: \(scenario.file): \(text) (running anyway: --force)\n".utf8))
        }
    }

    /// The runs of `scenario`, in sweep order, each with `seed` as its seed unless it sweeps the seed itself.
    static func points(_ scenario: Scenario, seed: UInt64?) -> [SweepPoint] {
        var points = scenario.expandSweep()
        guard let seed else { return points }
        for index in points.indices where !points[index].assignments.contains(where: { $0.key == UncertaintyBand.seedKey }) {
            points[index].document.seed = seed
        }
        return points
    }

    /// Simulates the points of `scenario` at positions `units` (all by default) and returns the result file with
    /// those runs; the header (reference run included) is that of the whole scenario.
    static func run(
        _ scenario: Scenario, seed: UInt64?, jobs: Int, quiet: Bool, json: Bool = false, units: [Int]? = nil
    ) throws -> ResultFile {
        let points = points(scenario, seed: seed)
        let selected = units.map { $0.map { points[$0] } } ?? points
        let progress = ProgressReporter(
            total: selected.count, label: scenario.document.name, quiet: quiet, json: json,
            costs: selected.map(cost))
        let runs = try parallelMap(selected, jobs: jobs) { point -> RunResult in
            let result = try SimDriver.run(point.document, id: point.id, parameters: parameters(of: point))
            progress.completed(
                "\(point.id): \(String(format: "%.3f", result.throughputBitsPerSecond / 1e9)) Gbps, "
                    + "bound by \(result.bottleneck)", id: point.id, cost: cost(point))
            return result
        }
        progress.finish()
        let base = scenario.document
        let reference = points.first {
            $0.document.vms.count == base.vms.count
                && $0.document.replication.uploadThreadsPerVM == base.replication.uploadThreadsPerVM
        }
        return resultFile(scenario, seed: seed, referenceRunID: reference?.id, runs: runs)
    }

    /// A run's estimated cost for the progress ETA: VMs × simulated seconds × √threads (events grow with the
    /// chunks in flight and the simulated time, sub-linearly with threads once a cap binds).
    static func cost(_ point: SweepPoint) -> Double {
        let doc = point.document
        return Double(doc.vms.count) * Double(doc.durationNanoseconds) / 1e9
            * Double(doc.replication.uploadThreadsPerVM).squareRoot()
    }

    /// The result file of simulated `runs` of `scenario` (the one place its header fields are filled).
    ///
    /// Shards (`--shard`) write this same file with their runs only, and `replsim merge` keeps its header and puts
    /// all runs back; so a header field must not depend on the runs. What does (such as `bands`) is derived by
    /// `ResultFile` whenever its runs are set, which a merge does too.
    static func resultFile(_ scenario: Scenario, seed: UInt64?, referenceRunID: String?, runs: [RunResult]) -> ResultFile {
        let base = scenario.document
        return ResultFile(
            tool: tool, scenario: base.name, scenarioFile: scenario.file, description: base.description,
            seed: seed ?? base.seed, mode: .simulated, referenceRunID: referenceRunID,
            limits: SimDriver.limits(of: base), runs: runs, inputs: inputs(scenario, seed: seed),
            warnings: ScenarioNote.of(scenario))
    }

    /// The resolved scenario (seed as run), its sweep, their SHA-256, and replsim's version and commit.
    static func inputs(_ scenario: Scenario, seed: UInt64?) -> ResultInputs? {
        var document = scenario.document
        if let seed { document.seed = seed }
        let sweep = scenario.sweepAxes.map { Parameter(key: $0.key, value: $0.values.joined(separator: ",")) }
        struct Hashed: Encodable {
            var scenario: ScenarioDocument
            var sweep: [Parameter]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let canonical = try? encoder.encode(Hashed(scenario: document, sweep: sweep)),
            let json = try? encoder.encode(document), let value = try? JSONDecoder().decode(JSONValue.self, from: json)
        else { return nil }
        let digest = SHA256.hash(data: canonical).map { String(format: "%02x", $0) }.joined()
        return ResultInputs(
            scenario: value, sweep: sweep, scenarioSHA256: digest, replsimVersion: ReplSim.configuration.version,
            replsimCommit: commit)
    }

    /// The git commit of the checkout replsim was built from (found from this source file's path), if any.
    static let commit: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", root.path, "rev-parse", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        do { try git.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        guard git.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }()

    /// A sweep point's assignments as result parameters.
    static func parameters(of point: SweepPoint) -> [Parameter] {
        point.assignments.map { Parameter(key: $0.key, value: $0.value) }
    }

    /// `results/<scenario>-<UTC timestamp>/` unless `--out` was given.
    static func outputDirectory(_ out: String?, scenario: String) -> URL {
        if let out { return URL(fileURLWithPath: out) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return URL(fileURLWithPath: "results/\(scenario)-\(formatter.string(from: Date()))")
    }

    static func write(_ file: ResultFile, to dir: URL) throws {
        do {
            try ReportWriter.write(file, to: dir)
        } catch {
            throw BadInput(message: "cannot write the report to \(dir.path): \(error)")
        }
    }
}

/// Bad input (a malformed scenario or result file, an unwritable folder): printed, exit code 2.
struct BadInput: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The worker count: `--jobs`, or the machine's active cores.
func defaultJobs(_ jobs: Int?) -> Int { max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount) }
