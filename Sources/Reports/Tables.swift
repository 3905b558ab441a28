import Foundation
import Results

/// A table as text cells, shared by the Markdown and HTML writers so both show the same content.
struct TextTable {
    var headers: [String]
    var rows: [[String]]
    /// Columns whose cells are numbers (right-aligned).
    var numeric: Set<Int>

    /// One row per run, in file order.
    /// - Complexity: O(runs).
    static func runs(_ analysis: ReportAnalysis) -> TextTable {
        let runs = analysis.file.runs
        let hasIR = runs.contains { $0.initialReplication != nil }
        let hasCycles = runs.contains { $0.cycles != nil }
        let hasLive = runs.contains { $0.live != nil }
        var headers = ["run", "VMs", "threads/VM", "throughput", "peak", "bottleneck", "share"]
        if hasIR { headers += ["IR time", "IR throughput"] }
        if hasCycles { headers += ["within target RPO", "RPO p99", "worst RPO", "upload p90", "violations"] }
        headers += ["retries", "throttled", "re-sent"]
        if hasLive { headers.append("wall time") }
        let rows = runs.map { run -> [String] in
            var row = [
                run.id, String(run.vms), String(run.threadsPerVM), Format.bitsPerSecond(run.throughputBitsPerSecond),
                Format.bitsPerSecond(run.peakThroughputBitsPerSecond), analysis.label(run.bottleneck, run: run).code,
                Format.percent(run.bottleneckShare),
            ]
            if hasIR {
                let ir = run.initialReplication
                row += [ir == nil ? "" : PhaseAnswer.irTime(ir), Format.bitsPerSecond(ir?.throughputBitsPerSecond)]
            }
            if hasCycles {
                let cycles = run.cycles
                row += [
                    Format.percent(cycles?.shareWithinTargetRPO), Format.seconds(cycles?.rpoSeconds.p99),
                    Format.seconds(cycles?.rpoSeconds.max), Format.seconds(cycles?.uploadSeconds.p90),
                    cycles?.violations.map(Self.violations) ?? "",
                ]
            }
            row += [String(run.retries), String(run.throttledRequests), Format.bytes(Double(run.bytesResent))]
            if hasLive { row.append(Format.seconds(run.live?.wallSeconds)) }
            return row
        }
        let numeric = Set(headers.indices.filter { !["run", "bottleneck"].contains(headers[$0]) })
        return TextTable(headers: headers, rows: rows, numeric: numeric)
    }

    /// "3, longest 15 min, peak 3/day".
    static func violations(_ v: RPOViolations) -> String {
        v.count == 0 ? "0" : "\(v.count), longest \(Format.duration(v.longestSeconds)), peak \(v.peakPerDay)/day"
    }

    /// One row per answer of the headline (per series and phase).
    static func answers(_ analysis: ReportAnalysis) -> TextTable {
        let rows = analysis.answers.map { answer -> [String] in
            let run = answer.run
            let ir = run.initialReplication
            let cycles = run.cycles
            switch answer.phase {
            case .initialReplication:
                return [
                    answer.label, "initial replication", String(run.threadsPerVM), PhaseAnswer.irTime(ir),
                    Format.bitsPerSecond(ir?.throughputBitsPerSecond), "", "", analysis.label(run.bottleneck, run: run).words,
                ]
            case .delta:
                return [
                    answer.label, "delta", String(run.threadsPerVM), "", "", Format.percent(cycles?.shareWithinTargetRPO),
                    Format.seconds(cycles?.rpoSeconds.max), analysis.label(run.bottleneck, run: run).words,
                ]
            }
        }
        return TextTable(
            headers: [
                "series", "phase", "threads/VM", "IR time", "IR throughput", "within target RPO", "worst RPO",
                "bound by",
            ],
            rows: rows, numeric: [2, 3, 4, 5, 6])
    }

    /// Initial replication per VM of one run: its time (≈ when estimated) and throughput.
    static func perVMInitialReplication(_ run: RunResult) -> TextTable? {
        guard let ir = run.initialReplication, let times = ir.perVMTimeSeconds else { return nil }
        let rates = ir.perVMThroughputBitsPerSecond ?? []
        let rows = times.enumerated().map { vm, time -> [String] in
            let estimated = ir.perVMCompletionSeconds.indices.contains(vm) && ir.perVMCompletionSeconds[vm] == nil
            let text = time.map { (estimated ? "≈ " : "") + Format.duration($0) } ?? "not estimable"
            return [String(vm), text, Format.bitsPerSecond(rates.indices.contains(vm) ? rates[vm] : nil)]
        }
        return TextTable(headers: ["VM", "IR time", "IR throughput"], rows: rows, numeric: [0, 1, 2])
    }

    /// One row per uncertainty band (p5 / p50 / p95 over seeds); nil when the file has no bands.
    /// - Complexity: O(bands).
    static func bands(_ file: ResultFile) -> TextTable? {
        guard let bands = file.bands, !bands.isEmpty else { return nil }
        let hasIR = bands.contains { $0.initialReplicationSeconds != nil }
        let hasRPO = bands.contains { $0.shareWithinTargetRPO != nil }
        func triple(_ band: Band?, _ format: (Double) -> String) -> String {
            guard let band else { return "n/a" }
            return [band.p5, band.p50, band.p95].map(format).joined(separator: " / ")
        }
        var headers = ["point", "seeds", "throughput p5 / p50 / p95"]
        if hasIR { headers.append("initial replication p5 / p50 / p95") }
        if hasRPO { headers.append("within target RPO p5 / p50 / p95") }
        let rows = bands.map { band -> [String] in
            var row = [
                band.id, String(band.seeds.count),
                triple(band.throughputBitsPerSecond) { Format.bitsPerSecond($0) },
            ]
            if hasIR { row.append(triple(band.initialReplicationSeconds) { Format.seconds($0) }) }
            if hasRPO { row.append(triple(band.shareWithinTargetRPO) { Format.percent($0) }) }
            return row
        }
        return TextTable(headers: headers, rows: rows, numeric: Set(1..<headers.count))
    }

    /// The chosen run's bottleneck shares, largest first (ties by name).
    static func bottlenecks(_ run: RunResult, analysis: ReportAnalysis) -> TextTable {
        let shares = run.bottleneckShares.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let rows = shares.map { kind, share in
            let label = analysis.label(kind, run: run)
            return [label.code, label.words, Format.percent(share)]
        }
        return TextTable(headers: ["code", "bottleneck", "share of time"], rows: rows, numeric: [2])
    }

    /// Markdown pipe table (cells with `|` escaped).
    func markdown() -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let header = "| " + headers.map(cell).joined(separator: " | ") + " |"
        let rule = "|" + headers.indices.map { numeric.contains($0) ? "---:|" : "---|" }.joined()
        let body = rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        return ([header, rule] + body).joined(separator: "\n")
    }

    /// HTML `<table>`.
    func html(cls: String = "data") -> String {
        func align(_ index: Int) -> String { numeric.contains(index) ? #" class="num""# : "" }
        let head = headers.enumerated().map { "<th\(align($0.offset))>\(HTML.escape($0.element))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + row.enumerated().map { "<td\(align($0.offset))>\(HTML.escape($0.element))</td>" }.joined()
                + "</tr>"
        }
        return ([#"<table class="\#(cls)"><thead><tr>"# + head + "</tr></thead><tbody>"] + body + ["</tbody></table>"])
            .joined(separator: "\n")
    }
}
