import Foundation
import Reports
import Results
import Scenario
import SimDriver

/// Shared by `run`, `sweep` and `check`: load a scenario (with CLI sweep overrides), simulate every point on
/// `jobs` threads with progress, and return the result file.
enum Simulate {
    static let tool = "replsim \(ReplSim.configuration.version)"

    /// Loads a scenario; a malformed one is reported with file:line:column errors and exit code 2.
    static func load(_ path: String, overrides: [SweepOverride] = [], seed: UInt64? = nil) throws -> Scenario {
        do {
            var scenario = try ScenarioLoader.load(path: path, sweepOverrides: overrides)
            if let seed { scenario.document.seed = seed }
            return scenario
        } catch {
            throw BadInput(message: error.description)
        }
    }

    static func run(_ scenario: Scenario, seed: UInt64?, jobs: Int, quiet: Bool) throws -> ResultFile {
        var points = scenario.expandSweep()
        if let seed { for index in points.indices { points[index].document.seed = seed } }
        let progress = ProgressReporter(total: points.count, label: scenario.document.name, quiet: quiet)
        let runs = try parallelMap(points, jobs: jobs) { point -> RunResult in
            let result = try SimDriver.run(point.document, id: point.id, parameters: parameters(of: point))
            progress.completed(
                "\(point.id): \(String(format: "%.3f", result.throughputBitsPerSecond / 1e9)) Gbps, "
                    + "bound by \(result.bottleneck)")
            return result
        }
        let base = scenario.document
        let reference = points.first {
            $0.document.vms.count == base.vms.count
                && $0.document.replication.uploadThreadsPerVM == base.replication.uploadThreadsPerVM
        }
        return resultFile(scenario, seed: seed, referenceRunID: reference?.id, runs: runs)
    }

    /// The result file of simulated `runs` of `scenario` (the one place its header fields are filled).
    static func resultFile(_ scenario: Scenario, seed: UInt64?, referenceRunID: String?, runs: [RunResult]) -> ResultFile {
        let base = scenario.document
        return ResultFile(
            tool: tool, scenario: base.name, scenarioFile: scenario.file, description: base.description,
            seed: seed ?? base.seed, mode: .simulated, referenceRunID: referenceRunID,
            limits: SimDriver.limits(of: base), runs: runs)
    }

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
