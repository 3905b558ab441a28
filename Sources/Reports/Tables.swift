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
        if hasIR { headers.append("initial replication") }
        if hasCycles { headers += ["RPO p90", "within target"] }
        headers += ["retries", "throttled", "re-sent"]
        if hasLive { headers.append("wall time") }
        let rows = runs.map { run -> [String] in
            var row = [
                run.id, String(run.vms), String(run.threadsPerVM), Format.bitsPerSecond(run.throughputBitsPerSecond),
                Format.bitsPerSecond(run.peakThroughputBitsPerSecond), analysis.label(run.bottleneck).code,
                Format.percent(run.bottleneckShare),
            ]
            if hasIR { row.append(Format.seconds(run.initialReplication?.overallSeconds)) }
            if hasCycles {
                row += [Format.seconds(run.cycles?.rpoSeconds.p90), Format.percent(run.cycles?.shareWithinTargetRPO)]
            }
            row += [String(run.retries), String(run.throttledRequests), Format.bytes(Double(run.bytesResent))]
            if hasLive { row.append(Format.seconds(run.live?.wallSeconds)) }
            return row
        }
        let numeric = Set(headers.indices.filter { !["run", "bottleneck"].contains(headers[$0]) })
        return TextTable(headers: headers, rows: rows, numeric: numeric)
    }

    /// One row per recommendation.
    static func recommendations(_ analysis: ReportAnalysis) -> TextTable {
        let rows = analysis.recommendations.map { rec in
            [
                rec.label, String(rec.threadsPerVM), Format.bitsPerSecond(rec.throughputBitsPerSecond),
                Format.percent(rec.shareOfBest), Format.bitsPerSecond(rec.bestThroughputBitsPerSecond),
                String(rec.bestThreadsPerVM), analysis.label(rec.bottleneck).words,
            ]
        }
        return TextTable(
            headers: [
                "series", "threads/VM (≥ 95 %)", "throughput", "of best", "best", "best at threads/VM",
                "bottleneck there",
            ],
            rows: rows, numeric: [1, 2, 3, 4, 5])
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
            let label = analysis.label(kind)
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
