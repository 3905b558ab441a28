import ArgumentParser
import Foundation
import Pcap
import Reports
import Results
import Scenario
import SimDriver

struct OutputOptions: ParsableArguments {
    @Option(help: "Output folder (default: results/<scenario>-<timestamp>/).")
    var out: String?

    @Option(help: "Parallel runs (default: the machine's cores).")
    var jobs: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "JSON Lines on standard output: one progress object per finished run, then a summary object.")
    var json = false

    @Flag(help: "Run even a scenario whose estimated work is beyond the limit (see 'replsim validate').")
    var force = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    /// Simulates every point of `scenario`, writes the report folder, and prints the summary: the headline,
    /// the swept axes and the assumptions and warnings (or, with `--json`, one summary object). With `shard`:
    /// its slice, as a part.
    func simulateAndReport(_ scenario: Scenario, seed: UInt64?, shard: Shard? = nil) throws {
        if let shard { return try simulatePart(scenario, seed: seed, shard: shard) }
        let result = try Simulate.run(scenario, seed: seed, jobs: defaultJobs(jobs), quiet: quiet, json: json)
        let dir = Simulate.outputDirectory(out, scenario: scenario.document.name)
        try Simulate.write(result, to: dir)
        let analysis = ReportAnalysis(result)
        if json {
            JSONLines.write([
                "type": "summary", "headline": analysis.headline, "swept": analysis.sweptAxes ?? "",
                "detail": analysis.detailNote ?? "", "runs": result.runs.count,
                "report": dir.appendingPathComponent(ReportWriter.htmlFileName).path,
                "warnings": analysis.warnings.map { ["level": $0.level.rawValue, "code": $0.code, "message": $0.message] },
            ])
            return
        }
        print(ReportSummary.terminal(analysis), terminator: "")
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

    @OptionGroup var capture: PcapOptions

    @OptionGroup var scale: ScaleOptions

    func run() throws {
        try exitOnBadInput {
            try scale.checkCompatible(with: capture)
            let scenario = try Simulate.load(file, seed: seed, seeds: scale.seeds)
            try Simulate.checkWork(scenario, force: output.force)
            if capture.pcap != nil { return try capture.simulateAndExport(scenario, seed: seed, output: output) }
            try output.simulateAndReport(scenario, seed: seed, shard: scale.shard)
        }
    }
}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate the threads × VMs matrix of a scenario in parallel and write the report.")

    @Argument(help: "Scenario file (YAML).")
    var file: String

    @Option(help: ArgumentHelp("UploadThreadsPerVM values: \(RangeList.grammar).", valueName: "ranges"))
    var threads: String?

    @Option(help: ArgumentHelp("VM counts: \(RangeList.grammar).", valueName: "ranges"))
    var vms: String?

    @Option(help: "Root seed (overrides the scenario's).")
    var seed: UInt64?

    @OptionGroup var output: OutputOptions

    @OptionGroup var capture: PcapOptions

    @OptionGroup var scale: ScaleOptions

    func validate() throws { _ = try overrides() }

    /// The `--threads` and `--vms` axes, parsed by the one range grammar (`RangeList`).
    func overrides() throws -> [SweepOverride] {
        var overrides: [SweepOverride] = []
        if let threads {
            overrides.append(SweepOverride(key: "threadsPerVM", values: try option("--threads", threads, SweepAxis.values)))
        }
        if let vms { overrides.append(SweepOverride(key: "vms", values: try option("--vms", vms, SweepAxis.values))) }
        return overrides
    }

    func run() throws {
        try exitOnBadInput {
            let overrides = try overrides()
            try scale.checkCompatible(with: capture)
            let scenario = try Simulate.load(file, overrides: overrides, seed: seed, seeds: scale.seeds)
            try Simulate.checkWork(scenario, force: output.force)
            if capture.pcap != nil { return try capture.simulateAndExport(scenario, seed: seed, output: output) }
            try output.simulateAndReport(scenario, seed: seed, shard: scale.shard)
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files; print every error with file:line:column and key path.",
        discussion: """
            A valid file also gets its assumptions and warnings (the ones every report shows): a target RPO not
            above the cycle frequency, a duration shorter than initial replication can take, churn above what a
            page blob, the account or the path can take, the circuit's burst and the TCP window per thread.
            Warnings do not change the exit code (0 when every file is valid, 2 otherwise).
            """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func run() throws {
        var bad = 0
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                let estimate = WorkEstimate(scenario)
                var note = ""
                switch estimate.verdict {
                case .fine: break
                case .warn: note = "; large"
                case .refuse: note = "; beyond the limit: run and sweep refuse it without --force"
                }
                print("\(file): ok (\(estimate.summary)\(note))")
                for warning in ScenarioNote.of(scenario) { print("  \(warning.level.rawValue): \(warning.message)") }
            } catch {
                bad += 1
                FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            }
        }
        if bad > 0 { throw ExitCode(2) }
    }
}

/// Parses an option's text with a `RangeList` parser; a failure names the option, its text, what is wrong and
/// the grammar (a `ValidationError`: exit code 2).
func option<T>(_ name: String, _ text: String, _ parse: (String) throws(RangeList.Failure) -> T) throws -> T {
    do {
        return try parse(text)
    } catch {
        throw ValidationError("\(name) '\(text)': \(error); expected \(RangeList.grammar)")
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

/// `--pcap`, `--pcap-window`, `--pcap-vms` of `run` and `sweep`: write one simulated run as a packet capture
/// (docs/pcap.md). Needs a single run: a scenario without a sweep, or `sweep` with every axis set to one value.
struct PcapOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the run's traffic as a pcap file (one run only).", valueName: "file"))
    var pcap: String?

    @Option(
        name: .customLong("pcap-window"),
        help: ArgumentHelp("Export only this interval of virtual time, START...END, e.g. '5m...6m'.", valueName: "range"))
    var pcapWindow: String?

    @Option(
        name: .customLong("pcap-vms"),
        help: ArgumentHelp("Export only these VMs (0-based): \(RangeList.grammar).", valueName: "ranges"))
    var pcapVMs: String?

    func validate() throws {
        if pcap == nil, pcapWindow != nil || pcapVMs != nil {
            throw ValidationError("--pcap-window and --pcap-vms need --pcap FILE")
        }
        _ = try window()
        _ = try vms()
    }

    /// `--pcap-window 5m...6m` → nanoseconds (0 ≤ start < end); nil without the option.
    func window() throws -> ClosedRange<Int64>? {
        guard let pcapWindow else { return nil }
        let window = try option("--pcap-window", pcapWindow) { text throws(RangeList.Failure) in
            try RangeList.single(text, Quantity.nanoseconds)
        }
        guard window.lowerBound >= 0 else { throw ValidationError("--pcap-window '\(pcapWindow)': starts before 0") }
        return window
    }

    /// `--pcap-vms 0,2,5...7` → sorted distinct indices; nil without the option.
    func vms() throws -> [Int]? {
        guard let pcapVMs else { return nil }
        return Set(try option("--pcap-vms", pcapVMs) { text throws(RangeList.Failure) in
            try RangeList.integers(text, least: 0)
        }).sorted()
    }

    /// Simulates the scenario's single point with a packet trace into `pcap`, then writes the report folder.
    /// An exporter failure (disk full, ...) is printed after the report is written; the exit code is then 1.
    func simulateAndExport(_ scenario: Scenario, seed: UInt64?, output: OutputOptions) throws {
        guard let path = pcap else { return }
        let points = scenario.expandSweep()
        guard points.count == 1, var point = points.first else {
            throw BadInput(
                message: "--pcap exports one run, but \(scenario.file) has a sweep of \(points.count) points; "
                    + "use a scenario without a sweep, or `replsim sweep` with one value per axis "
                    + "(e.g. --threads 4 --vms 3)")
        }
        if let seed { point.document.seed = seed }
        let document = point.document
        let window = try window()
        let vms = try vms()
        if let bad = vms?.first(where: { $0 >= document.vms.count }) {
            throw BadInput(
                message: "--pcap-vms: VM \(bad) does not exist (the run has \(document.vms.count) VMs, 0-based)")
        }
        if let window, window.lowerBound >= document.durationNanoseconds {
            throw BadInput(
                message: "--pcap-window starts at \(Quantity.formatDuration(window.lowerBound)), after the run's "
                    + "duration \(Quantity.formatDuration(document.durationNanoseconds))")
        }
        let origin = PacketTrace.timeOrigin(of: document)
        let exporter: PcapExporter
        do {
            let shifted = window.map { ($0.lowerBound + origin)...($0.upperBound + origin) }
            exporter = try PcapExporter(path: path, window: shifted)
        } catch {
            throw BadInput(message: "--pcap: \(error)")
        }
        let trace = PacketTrace(selection: .init(window: window, vms: vms.map(Set.init))) {
            try exporter.write($0, origin: origin)
        }
        let result = try SimDriver.run(
            document, id: point.id, parameters: Simulate.parameters(of: point), packetTrace: trace)
        var failure = trace.failure
        var packets = 0
        do { packets = try exporter.finish().packets } catch { failure = failure ?? error }
        let file = Simulate.resultFile(scenario, seed: seed, referenceRunID: point.id, runs: [result])
        let dir = Simulate.outputDirectory(output.out, scenario: scenario.document.name)
        try Simulate.write(file, to: dir)
        if let failure {
            FileHandle.standardError.write(Data("error: pcap export to \(path) failed: \(failure)\n".utf8))
            throw ExitCode(1)
        }
        print("wrote \(path) (\(packets) packets, \(trace.summary.connections) connections, "
            + "\(trace.summary.requests) requests, \(trace.summary.resets) resets)")
        print("wrote \(dir.path)/report.html (1 run)")
    }
}

extension PcapExporter {
    /// Writes one trace event, its times shifted by `origin` (Unix-epoch ns of virtual time 0).
    func write(_ event: PacketTraceEvent, origin: Int64) throws {
        func endpoint(_ e: TraceEndpoint) -> IPv4Endpoint { IPv4Endpoint(IPv4Address(value: e.address), port: e.port) }
        switch event {
        case .connectionOpened(let id, _, let client, let server, let at, let rtt):
            try openConnection(id, client: endpoint(client), server: endpoint(server), at: at + origin, rttNanos: rtt)
        case .requestSent(let id, _, let at, let path, let headerBytes, let bodyBytes, let rates):
            let segments = rates.map {
                RateSegment(
                    startNs: $0.startNanos + origin, endNs: $0.endNanos + origin, bitsPerSecond: $0.bitsPerSecond)
            }
            try request(id, at: at + origin, method: "PUT", path: path, headerBytes: headerBytes, bodyBytes: bodyBytes,
                        rateSegments: segments)
        case .responseReceived(let id, let at, let status):
            try response(id, at: at + origin, status: status)
        case .connectionReset(let id, let at):
            try reset(id, at: at + origin)
        case .connectionClosed(let id, let at):
            try close(id, at: at + origin)
        }
    }
}
