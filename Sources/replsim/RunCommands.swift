import ArgumentParser
import Foundation
import Scenario

struct OutputOptions: ParsableArguments {
    @Option(help: "Output folder (default: results/<scenario>-<timestamp>/).")
    var out: String?

    @Option(help: "Parallel runs (default: the machine's cores).")
    var jobs: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    /// Simulates every point of `scenario` and writes the report folder.
    func simulateAndReport(_ scenario: Scenario, seed: UInt64?) throws {
        let result = try Simulate.run(scenario, seed: seed, jobs: defaultJobs(jobs), quiet: quiet)
        let dir = Simulate.outputDirectory(out, scenario: scenario.document.name)
        try Simulate.write(result, to: dir)
        print("wrote \(dir.path)/report.html (\(result.runs.count) run\(result.runs.count == 1 ? "" : "s"))")
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate one scenario (each point of its sweep, if it has one) and write the report.")

    @Argument(help: "Scenario file (YAML).")
    var file: String

    @Option(help: "Root seed (overrides the scenario's).")
    var seed: UInt64?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try exitOnBadInput { try output.simulateAndReport(try Simulate.load(file, seed: seed), seed: seed) }
    }
}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate the threads × VMs matrix of a scenario in parallel and write the report.")

    @Argument(help: "Scenario file (YAML).")
    var file: String

    @Option(help: "UploadThreadsPerVM values: a range '1...32' or a list '1,4,8'.")
    var threads: String?

    @Option(help: "VM counts: a list '3,10,25,50,100' or a range '3...10'.")
    var vms: String?

    @Option(help: "Root seed (overrides the scenario's).")
    var seed: UInt64?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        for (name, text) in [("--threads", threads), ("--vms", vms)] {
            if let text, SweepAxis.values(from: text) == nil {
                throw ValidationError("\(name): expected a range like '1...32' or a list like '3,10,25', got '\(text)'")
            }
        }
    }

    func run() throws {
        try exitOnBadInput {
            var overrides: [SweepOverride] = []
            if let threads { overrides.append(SweepOverride(key: "threadsPerVM", values: SweepAxis.values(from: threads)!)) }
            if let vms { overrides.append(SweepOverride(key: "vms", values: SweepAxis.values(from: vms)!)) }
            try output.simulateAndReport(try Simulate.load(file, overrides: overrides, seed: seed), seed: seed)
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files; print every error with file:line:column and key path.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func run() throws {
        var bad = 0
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                print("\(file): ok (\(scenario.expandSweep().count) run\(scenario.expandSweep().count == 1 ? "" : "s"))")
            } catch {
                bad += 1
                FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            }
        }
        if bad > 0 { throw ExitCode(2) }
    }
}

/// Prints a `BadInput` and exits with code 2 (the convention for malformed input across replsim's commands).
func exitOnBadInput(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as BadInput {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(2)
    }
}
