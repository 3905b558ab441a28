import ArgumentParser
import Foundation
import Reports
import Results
import Scenario

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild results.csv, report.md and report.html from a result folder's result.json.")

    @Argument(help: "A result folder (or its result.json).")
    var path: String

    func run() throws {
        try exitOnBadInput {
            let url = URL(fileURLWithPath: path)
            do {
                let file = try ReportWriter.load(url)
                let dir = url.pathExtension == "json" ? url.deletingLastPathComponent() : url
                try ReportWriter.write(file, to: dir)
                print("wrote \(dir.path)/report.html (\(file.runs.count) runs)")
            } catch {
                throw BadInput(message: "\(error)")
            }
        }
    }
}

/// `replsim check`: re-run scenarios and compare with committed baselines — a CI gate.
///
/// Exit codes: 0 nothing moved beyond its threshold, 1 a regression (or a baseline run missing), 2 bad input
/// (malformed scenario, baseline or thresholds, a scenario without baseline unless `--update`), 3 improvements
/// only (the baseline is out of date; record it again with `--update`).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run scenarios and compare per-phase metrics (IR time and throughput, RPO share and p99) with a baseline.",
        discussion: """
            FILE|DIR is a scenario or a folder of scenarios (*.yaml, not recursive). The baseline of scenario NAME is
            PATH itself when PATH is a result.json and one scenario is checked, else PATH/NAME/result.json; its
            per-metric thresholds and directions are in thresholds.json beside it (written by --update when missing;
            --tolerance overrides every metric's). Runs use the baseline's seed. A scenario changed since the
            baseline is named with its changed keys. Exit 0 nothing moved, 1 a regression, 2 bad input,
            3 improvements only (update the baseline). --update writes the current results as the new baselines.
            """)

    @Argument(help: "A scenario file or a folder of scenario files.")
    var target: String

    @Option(help: "Baseline result.json, or a folder holding NAME/result.json per scenario.")
    var baseline: String

    @Option(help: "Allowed change in percent for every metric (IR time and throughput, RPO p99 relative; RPO share in points); default: thresholds.json, else 5.")
    var tolerance: Double?

    @Option(help: "Write JUnit XML here.")
    var junit: String?

    @Option(help: "Parallel runs (default: the machine's cores).")
    var jobs: Int?

    @Flag(help: "Write the current results as baselines instead of comparing.")
    var update = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws { try validateTolerance(tolerance) }

    func run() throws {
        var results: [Reports.ComparisonResult] = []
        try exitOnBadInput {
            let files = try scenarioFiles()
            for file in files {
                let scenario = try Simulate.load(file)
                let baselineURL = baselineLocation(for: scenario.document.name, single: files.count == 1)
                let thresholdsURL = baselineURL.deletingLastPathComponent().appendingPathComponent("thresholds.json")
                if update {
                    let current = try Simulate.run(scenario, seed: nil, jobs: defaultJobs(jobs), quiet: quiet)
                    try Simulate.write(current, to: baselineURL.deletingLastPathComponent())
                    if !FileManager.default.fileExists(atPath: thresholdsURL.path) || tolerance != nil {
                        try ThresholdsFile.write(Thresholds(tolerancePercent: tolerance ?? Thresholds.defaultTolerancePercent), to: thresholdsURL)
                    }
                    print("updated \(baselineURL.path)")
                    continue
                }
                let old: ResultFile
                do {
                    old = try ReportWriter.load(baselineURL)
                } catch {
                    throw BadInput(message: "\(file): no usable baseline: \(error)")
                }
                guard old.scenario == scenario.document.name else {
                    throw BadInput(
                        message: "\(file): the baseline \(baselineURL.path) is of scenario \"\(old.scenario)\", not "
                            + "\"\(scenario.document.name)\"")
                }
                var thresholds = try ThresholdsFile.load(thresholdsURL)
                if let tolerance { thresholds = Thresholds(tolerancePercent: tolerance) }
                let current = try Simulate.run(scenario, seed: old.seed, jobs: defaultJobs(jobs), quiet: quiet)
                do {
                    results.append(try Comparison.compare(current: current, baseline: old, thresholds: thresholds))
                } catch {
                    throw BadInput(message: "\(file): \(error)")
                }
            }
            try writeJUnit(results, to: junit)
        }
        guard !update else { return }
        for result in results { print(result.table()) }
        let code = results.map(\.exitCode)
        if code.contains(1) { throw ExitCode(1) }
        if code.contains(3) { throw ExitCode(3) }
    }

    private func scenarioFiles() throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            throw BadInput(message: "\(target): no such file or folder")
        }
        guard isDirectory.boolValue else { return [target] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (target as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else { throw BadInput(message: "\(target): no *.yaml scenarios in this folder") }
        return files
    }

    private func baselineLocation(for name: String, single: Bool) -> URL {
        let url = URL(fileURLWithPath: baseline)
        if single && url.pathExtension == "json" { return url }
        return url.appendingPathComponent(name).appendingPathComponent(ReportWriter.resultFileName)
    }
}

/// `replsim compare A.json B.json`: the comparison of `check` between two result files, without re-running.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two result files (baseline, then current) metric by metric, without re-running.",
        discussion: """
            Same metrics, thresholds and exit codes as check: 0 nothing moved, 1 a regression or a run missing in
            the current file, 2 bad input, 3 improvements only. Inputs that differ (scenario keys, seed, replsim's
            commit) are listed. Thresholds: --thresholds FILE (as check's thresholds.json), else --tolerance.
            """)

    @Argument(help: "The baseline: a result.json or a result folder.")
    var baseline: String

    @Argument(help: "The current result: a result.json or a result folder.")
    var current: String

    @Option(help: "Allowed change in percent for every metric (default 5).")
    var tolerance: Double?

    @Option(help: "A thresholds.json with a threshold and direction per metric.")
    var thresholds: String?

    @Option(help: "Write JUnit XML here.")
    var junit: String?

    func validate() throws {
        try validateTolerance(tolerance)
        if tolerance != nil, thresholds != nil { throw ValidationError("give --tolerance or --thresholds, not both") }
    }

    func run() throws {
        var result: Reports.ComparisonResult?
        try exitOnBadInput {
            let files = try [baseline, current].map { path in
                do { return try ReportWriter.load(URL(fileURLWithPath: path)) } catch { throw BadInput(message: "\(error)") }
            }
            let limits = try thresholds.map { try ThresholdsFile.load(URL(fileURLWithPath: $0), required: true) }
                ?? Thresholds(tolerancePercent: tolerance ?? Thresholds.defaultTolerancePercent)
            do {
                result = try Comparison.compare(current: files[1], baseline: files[0], thresholds: limits)
            } catch {
                throw BadInput(message: "\(error)")
            }
            try writeJUnit(result.map { [$0] } ?? [], to: junit)
        }
        guard let result else { return }
        print(result.table())
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}

/// Reads and writes a baseline's `thresholds.json`.
enum ThresholdsFile {
    /// The thresholds at `url`; the defaults (5 % each) when the file is absent and not `required`.
    static func load(_ url: URL, required: Bool = false) throws -> Thresholds {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required { throw BadInput(message: "\(url.path): no such file") }
            return Thresholds()
        }
        do {
            let thresholds = try JSONDecoder().decode(Thresholds.self, from: Data(contentsOf: url))
            if let bad = thresholds.metrics.first(where: { !($0.tolerancePercent.isFinite && $0.tolerancePercent >= 0) }) {
                throw BadInput(
                    message: "\(url.path): \(bad.metric.rawValue): tolerancePercent must be ≥ 0, got \(bad.tolerancePercent)")
            }
            return thresholds
        } catch let error as BadInput {
            throw error
        } catch {
            throw BadInput(message: "\(url.path): not a thresholds file: \(error)")
        }
    }

    static func write(_ thresholds: Thresholds, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try (encoder.encode(thresholds) + Data("\n".utf8)).write(to: url, options: .atomic)
        } catch {
            throw BadInput(message: "cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

/// `--tolerance` of `check` and `compare`: a finite percentage ≥ 0 when given.
func validateTolerance(_ tolerance: Double?) throws {
    if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
        throw ValidationError("--tolerance must be a non-negative percentage, got \(tolerance)")
    }
}

/// Writes `--junit FILE` of `check` and `compare` (nothing when `path` is nil).
func writeJUnit(_ results: [Reports.ComparisonResult], to path: String?) throws {
    guard let path else { return }
    do {
        try JUnitWriter.render(results).write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw BadInput(message: "cannot write JUnit XML to \(path): \(error.localizedDescription)")
    }
}
