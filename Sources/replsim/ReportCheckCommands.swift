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

/// `replsim check`: re-run scenarios and compare with committed baselines — for CI.
///
/// Exit codes: 0 every metric within tolerance, 1 a regression (or a baseline run missing), 2 bad input
/// (malformed scenario or baseline, a scenario without baseline unless `--update`).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run scenarios and compare throughput, initial-replication time and RPO with a baseline.",
        discussion: """
            FILE|DIR is a scenario or a folder of scenarios (*.yaml, not recursive). The baseline of scenario NAME is
            PATH itself when PATH is a result.json and one scenario is checked, else PATH/NAME/result.json.
            Runs use the baseline's seed. Exit 0 within tolerance, 1 on a regression, 2 on bad input.
            --update writes the current results as the new baselines instead of comparing.
            """)

    @Argument(help: "A scenario file or a folder of scenario files.")
    var target: String

    @Option(help: "Baseline result.json, or a folder holding NAME/result.json per scenario.")
    var baseline: String

    @Option(help: "Allowed change in percent (throughput and IR time relative; RPO share in points).")
    var tolerance: Double = 5

    @Option(help: "Write JUnit XML here.")
    var junit: String?

    @Option(help: "Parallel runs (default: the machine's cores).")
    var jobs: Int?

    @Flag(help: "Write the current results as baselines instead of comparing.")
    var update = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw ValidationError("--tolerance must be a non-negative percentage, got \(tolerance)")
        }
    }

    func run() throws {
        var results: [Reports.ComparisonResult] = []
        try exitOnBadInput {
            let files = try scenarioFiles()
            for file in files {
                let scenario = try Simulate.load(file)
                let baselineURL = baselineLocation(for: scenario.document.name, single: files.count == 1)
                if update {
                    let current = try Simulate.run(scenario, seed: nil, jobs: defaultJobs(jobs), quiet: quiet)
                    try Simulate.write(current, to: baselineURL.deletingLastPathComponent())
                    print("updated \(baselineURL.path)")
                    continue
                }
                let old: ResultFile
                do {
                    old = try ReportWriter.load(baselineURL)
                } catch {
                    throw BadInput(message: "\(file): no usable baseline: \(error)")
                }
                let current = try Simulate.run(scenario, seed: old.seed, jobs: defaultJobs(jobs), quiet: quiet)
                do {
                    results.append(try Comparison.compare(current: current, baseline: old, tolerancePercent: tolerance))
                } catch {
                    throw BadInput(message: "\(file): \(error)")
                }
            }
            if let junit {
                do {
                    try JUnitWriter.render(results).write(toFile: junit, atomically: true, encoding: .utf8)
                } catch {
                    throw BadInput(message: "cannot write JUnit XML to \(junit): \(error.localizedDescription)")
                }
            }
        }
        guard !update else { return }
        for result in results {
            print("\(result.scenario): \(result.passed ? "within" : "OUTSIDE") ±\(tolerance) % of the baseline")
            print(result.table())
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
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
