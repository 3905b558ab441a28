import Results

/// `results.csv`: one row per run, RFC 4180 quoting, a fixed column order, raw numbers in base units.
///
/// Columns: the fixed ``columns`` first, then one `param.<key>` column per sweep key in order of first
/// appearance in the file. Empty cells mean "absent".
public enum CSVReport {
    /// The fixed columns, in order.
    public static let columns = [
        "id", "vms", "threadsPerVM", "seed", "simulatedSeconds", "measuredStartSeconds", "measuredEndSeconds",
        "throughputBitsPerSecond", "peakThroughputBitsPerSecond", "bytesPayload", "bytesOnWire", "bottleneck",
        "bottleneckShare", "initialReplicationSeconds", "initialReplicationCompletedVMs", "cycles", "cyclesCommitted",
        "uploadSecondsP50", "uploadSecondsP90", "uploadSecondsP99", "uploadSecondsMax", "rpoSecondsP50",
        "rpoSecondsP90", "rpoSecondsP99", "rpoSecondsMax", "targetRPOSeconds", "shareWithinTargetRPO", "retries",
        "throttledRequests", "resets", "bytesResent", "eventCount", "wallSeconds", "initialReplicationTimeSeconds",
        "initialReplicationTimeIsEstimate", "initialReplicationThroughputBitsPerSecond", "rpoViolations",
        "rpoLongestViolationSeconds", "rpoPeakViolationsPerDay",
    ]

    /// - Complexity: O(runs × columns).
    public static func render(_ file: ResultFile) -> String {
        var keys: [String] = []
        for run in file.runs {
            for parameter in run.parameters where !keys.contains(parameter.key) { keys.append(parameter.key) }
        }
        var lines = [(columns + keys.map { "param." + $0 }).map(quote).joined(separator: ",")]
        for run in file.runs {
            let values = fields(run) + keys.map { key in run.parameters.first { $0.key == key }?.value ?? "" }
            lines.append(values.map(quote).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func fields(_ run: RunResult) -> [String] {
        let ir = run.initialReplication
        let cycles = run.cycles
        let raw = Format.raw
        return [
            run.id, String(run.vms), String(run.threadsPerVM), String(run.seed), raw(run.simulatedSeconds),
            raw(run.measuredInterval.startSeconds), raw(run.measuredInterval.endSeconds),
            raw(run.throughputBitsPerSecond), raw(run.peakThroughputBitsPerSecond), String(run.bytesPayload),
            String(run.bytesOnWire), run.bottleneck, raw(run.bottleneckShare), raw(ir?.overallSeconds),
            ir.map { String($0.completedVMs) } ?? "", cycles.map { String($0.count) } ?? "",
            cycles.map { String($0.committed) } ?? "", raw(cycles?.uploadSeconds.p50), raw(cycles?.uploadSeconds.p90),
            raw(cycles?.uploadSeconds.p99), raw(cycles?.uploadSeconds.max), raw(cycles?.rpoSeconds.p50),
            raw(cycles?.rpoSeconds.p90), raw(cycles?.rpoSeconds.p99), raw(cycles?.rpoSeconds.max),
            raw(cycles?.targetRPOSeconds), raw(cycles?.shareWithinTargetRPO), String(run.retries),
            String(run.throttledRequests), String(run.resets), String(run.bytesResent), String(run.eventCount),
            raw(run.live?.wallSeconds), raw(ir?.reportedSeconds),
            ir.map { $0.reportedIsEstimate ? "true" : "false" } ?? "", raw(ir?.throughputBitsPerSecond),
            cycles?.violations.map { String($0.count) } ?? "", raw(cycles?.violations?.longestSeconds),
            cycles?.violations.map { String($0.peakPerDay) } ?? "",
        ]
    }

    /// A field, quoted when it holds a comma, quote, CR or LF (quotes doubled).
    static func quote(_ field: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would match neither "\r" nor "\n".
        guard field.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
