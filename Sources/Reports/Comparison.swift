import Results

/// Compares a result with a baseline for `replsim check`: runs matched by id, three metrics each.
///
/// | metric | regression when | change measured as |
/// |---|---|---|
/// | throughput | lower | relative: (current − baseline) / baseline × 100 |
/// | initial-replication overall seconds | higher, or the run no longer finishes | relative |
/// | share of RPO samples within target | lower | percentage points: (current − baseline) × 100 |
///
/// A change is a regression when it goes the bad way by more than `tolerancePercent`; by more than the
/// tolerance the good way it is an improvement; otherwise unchanged. A metric absent on both sides is not
/// compared. Runs only in the baseline are "missing" (the CLI should treat them as a failure); runs only in
/// the current result are "new" (reported, not a failure).
public enum Comparison {
    /// - Throws: ``ComparisonError/invalidTolerance(_:)`` for a negative or non-finite tolerance.
    /// - Complexity: O(n + m) in the number of runs (ids hashed for lookup; output in baseline order).
    public static func compare(
        current: ResultFile, baseline: ResultFile, tolerancePercent: Double
    ) throws(ComparisonError) -> ComparisonResult {
        guard tolerancePercent.isFinite, tolerancePercent >= 0 else { throw .invalidTolerance(tolerancePercent) }
        var currentByID: [String: RunResult] = [:]
        for run in current.runs where currentByID[run.id] == nil { currentByID[run.id] = run }
        let baselineIDs = Set(baseline.runs.map(\.id))
        var metrics: [MetricComparison] = []
        var missing: [String] = []
        for old in baseline.runs {
            guard let new = currentByID[old.id] else {
                missing.append(old.id)
                continue
            }
            metrics += compareRun(old: old, new: new, tolerance: tolerancePercent)
        }
        var notes: [String] = []
        if current.scenario != baseline.scenario {
            notes.append("scenario differs: current \"\(current.scenario)\", baseline \"\(baseline.scenario)\"")
        }
        if current.seed != baseline.seed {
            notes.append("seed differs: current \(current.seed), baseline \(baseline.seed)")
        }
        if current.mode != baseline.mode {
            notes.append("mode differs: current \(current.mode.rawValue), baseline \(baseline.mode.rawValue)")
        }
        return ComparisonResult(
            scenario: current.scenario, tolerancePercent: tolerancePercent, metrics: metrics,
            missingInCurrent: missing, newInCurrent: current.runs.map(\.id).filter { !baselineIDs.contains($0) },
            notes: notes)
    }

    static func compareRun(old: RunResult, new: RunResult, tolerance: Double) -> [MetricComparison] {
        var result = [
            MetricComparison.judge(
                runID: old.id, metric: .throughput, baseline: old.throughputBitsPerSecond,
                current: new.throughputBitsPerSecond, tolerance: tolerance)
        ]
        if old.initialReplication != nil || new.initialReplication != nil {
            result.append(
                .judge(
                    runID: old.id, metric: .initialReplicationSeconds,
                    baseline: old.initialReplication?.overallSeconds,
                    current: new.initialReplication?.overallSeconds, tolerance: tolerance))
        }
        if old.cycles != nil || new.cycles != nil {
            result.append(
                .judge(
                    runID: old.id, metric: .rpoWithinTargetShare, baseline: old.cycles?.shareWithinTargetRPO,
                    current: new.cycles?.shareWithinTargetRPO, tolerance: tolerance))
        }
        return result
    }
}

/// The metrics `replsim check` compares.
public enum ComparedMetric: String, Sendable, Equatable, CaseIterable {
    case throughput
    case initialReplicationSeconds
    case rpoWithinTargetShare

    /// Whether a larger value is better.
    public var higherIsBetter: Bool {
        switch self {
        case .throughput, .rpoWithinTargetShare: return true
        case .initialReplicationSeconds: return false
        }
    }

    /// How a value of this metric prints.
    public func format(_ value: Double?) -> String {
        switch self {
        case .throughput: return value.map { Format.bitsPerSecond($0) } ?? "n/a"
        case .initialReplicationSeconds: return value.map { Format.seconds($0) } ?? "not finished"
        case .rpoWithinTargetShare: return Format.percent(value)
        }
    }
}

/// The verdict on one metric of one run.
public struct MetricComparison: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case improved, unchanged, regressed
    }

    public var runID: String
    public var metric: ComparedMetric
    /// Baseline and current values in the metric's unit; `nil` when absent (initial replication not finished).
    public var baseline: Double?
    public var current: Double?
    /// Relative change in percent (percentage points for shares); `nil` when it cannot be computed.
    public var changePercent: Double?
    public var status: Status

    static func judge(
        runID: String, metric: ComparedMetric, baseline: Double?, current: Double?, tolerance: Double
    ) -> MetricComparison {
        let change: Double?
        let status: Status
        switch (baseline, current) {
        case (nil, nil):
            (change, status) = (nil, .unchanged)
        case (.some, nil):
            (change, status) = (nil, .regressed)  // finished before, not now (or the metric vanished)
        case (nil, .some):
            (change, status) = (nil, .improved)
        case (.some(let old), .some(let new)):
            let delta: Double
            if metric == .rpoWithinTargetShare {
                delta = (new - old) * 100
            } else if old != 0 {
                delta = (new - old) / abs(old) * 100
            } else {
                delta = new == 0 ? 0 : (new > 0 ? .infinity : -.infinity)
            }
            let better = metric.higherIsBetter ? delta : -delta
            change = delta.isFinite ? delta : nil
            if !new.isFinite || better.isNaN || better < -tolerance {
                status = .regressed
            } else if better > tolerance {
                status = .improved
            } else {
                status = .unchanged
            }
        }
        return MetricComparison(
            runID: runID, metric: metric, baseline: baseline, current: current,
            changePercent: change, status: status)
    }

    /// One line of text: "vms=3,threadsPerVM=8 throughput 1.51 Gbps → 1.36 Gbps (-10.0 %) REGRESSED".
    public var summary: String {
        "\(runID) \(metric.rawValue) \(metric.format(baseline)) → \(metric.format(current)) (\(changeText)) "
            + status.rawValue.uppercased()
    }

    var changeText: String {
        guard let changePercent else { return "n/a" }
        let unit = metric == .rpoWithinTargetShare ? " pp" : " %"
        return (changePercent > 0 ? "+" : "") + Format.fixed(changePercent, 1) + unit
    }
}

/// The outcome of ``Comparison/compare(current:baseline:tolerancePercent:)``.
public struct ComparisonResult: Sendable, Equatable {
    public var scenario: String
    public var tolerancePercent: Double
    /// Per run (baseline order) and metric (throughput, initial replication, RPO share).
    public var metrics: [MetricComparison]
    /// Baseline runs with no run of the same id in the current result.
    public var missingInCurrent: [String]
    /// Current runs with no baseline (informational).
    public var newInCurrent: [String]
    /// Differences worth a look that do not fail the check (scenario name, seed, mode).
    public var notes: [String]

    public var regressions: [MetricComparison] { metrics.filter { $0.status == .regressed } }
    /// Any metric regressed beyond the tolerance.
    public var hasRegression: Bool { metrics.contains { $0.status == .regressed } }
    /// The check passes: no regression and no baseline run missing. (CLI: exit 0 if true, 1 if false.)
    public var passed: Bool { !hasRegression && missingInCurrent.isEmpty }

    /// A text table of what moved (improved or regressed) plus missing and new runs; "nothing moved" otherwise.
    /// Pass `all: true` to list unchanged metrics too.
    public func table(all: Bool = false) -> String {
        let shown = metrics.filter { all || $0.status != .unchanged }
        var lines = ["replsim check: \(scenario), tolerance \(Format.trimmed(Format.fixed(tolerancePercent, 2))) %"]
        if !shown.isEmpty {
            let headers = ["run", "metric", "baseline", "current", "change", "status"]
            let rows = shown.map { m in
                [
                    m.runID, m.metric.rawValue, m.metric.format(m.baseline), m.metric.format(m.current), m.changeText,
                    m.status.rawValue,
                ]
            }
            lines += Self.aligned([headers] + rows)
        } else {
            lines.append("nothing moved beyond the tolerance (\(metrics.count) metrics compared)")
        }
        lines += missingInCurrent.map { "missing in current result: \($0)" }
        lines += newInCurrent.map { "new run (no baseline): \($0)" }
        lines += notes.map { "note: \($0)" }
        lines.append(
            passed ? "PASS" : "FAIL: \(regressions.count) regression(s), \(missingInCurrent.count) missing run(s)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Left-aligned columns separated by two spaces (character counts, so "→" and "≥" align).
    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
    }
}

/// Invalid comparison input (the CLI's exit code 2).
public enum ComparisonError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidTolerance(Double)

    public var description: String {
        switch self {
        case .invalidTolerance(let value): return "--tolerance must be a finite percentage ≥ 0, got \(value)"
        }
    }
}
