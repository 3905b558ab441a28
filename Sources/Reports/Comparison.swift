import Results

/// Compares a result with a baseline for `replsim check` and `replsim compare`: runs matched by id, metrics per
/// replication phase, each with its own threshold and direction (``Thresholds``).
///
/// | metric | phase | better when | change measured as |
/// |---|---|---|---|
/// | initialReplicationSeconds | initial replication | lower; a run whose IR time vanished regressed | relative % |
/// | initialReplicationThroughput | initial replication | higher | relative % |
/// | rpoWithinTargetShare | delta | higher | percentage points |
/// | rpoP99Seconds | delta | lower | relative % |
/// | throughput | runs with neither phase (mean over the measured interval) | higher | relative % |
///
/// Mean throughput over the whole measured interval is not compared when a run has a phase: it averages the
/// initial copy with the idle time after it, so a faster copy would read as lower throughput.
/// A change is a regression when it goes the bad way by more than the metric's tolerance; by more than the
/// tolerance the good way it is an improvement; otherwise unchanged. A metric absent on both sides is not
/// compared. Runs only in the baseline are "missing" (the CLI treats them as a failure); runs only in the
/// current result are "new" (reported, not a failure). When both files carry their inputs and the scenario's
/// hash differs, the changed keys are listed, so the verdicts read as the effect of the new inputs.
public enum Comparison {
    /// - Throws: ``ComparisonError/invalidTolerance(_:)`` for a negative or non-finite tolerance.
    /// - Complexity: O(n + m) in the number of runs (ids hashed for lookup; output in baseline order).
    public static func compare(
        current: ResultFile, baseline: ResultFile, tolerancePercent: Double
    ) throws(ComparisonError) -> ComparisonResult {
        try compare(current: current, baseline: baseline, thresholds: Thresholds(tolerancePercent: tolerancePercent))
    }

    /// As ``compare(current:baseline:tolerancePercent:)`` with a threshold and direction per metric.
    public static func compare(
        current: ResultFile, baseline: ResultFile, thresholds: Thresholds
    ) throws(ComparisonError) -> ComparisonResult {
        for threshold in thresholds.metrics where !(threshold.tolerancePercent.isFinite && threshold.tolerancePercent >= 0) {
            throw .invalidTolerance(threshold.tolerancePercent)
        }
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
            metrics += compareRun(old: old, new: new, thresholds: thresholds)
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
        let changed = changedInputs(current: current.inputs, baseline: baseline.inputs)
        if let old = baseline.inputs, let new = current.inputs,
            old.replsimVersion != new.replsimVersion || old.replsimCommit != new.replsimCommit
        {
            notes.append(
                "replsim differs: baseline \(old.replsimVersion) \(old.replsimCommit ?? "(no commit)"), "
                    + "current \(new.replsimVersion) \(new.replsimCommit ?? "(no commit)")")
        }
        return ComparisonResult(
            scenario: current.scenario, tolerancePercent: thresholds.metrics.map(\.tolerancePercent).max() ?? 0,
            metrics: metrics, missingInCurrent: missing,
            newInCurrent: current.runs.map(\.id).filter { !baselineIDs.contains($0) }, notes: notes,
            changedInputs: changed)
    }

    /// The scenario keys whose resolved values differ (`key: old → new`), when both files carry inputs and the
    /// hashes differ; `nil` when the inputs are unknown on either side, `[]` when they are the same.
    static func changedInputs(current: ResultInputs?, baseline: ResultInputs?) -> [String]? {
        guard let current, let baseline else { return nil }
        guard current.scenarioSHA256 != baseline.scenarioSHA256 else { return [] }
        let old = baseline.scenario.leaves + baseline.sweep.map { ("sweep." + $0.key, $0.value) }
        let new = current.scenario.leaves + current.sweep.map { ("sweep." + $0.key, $0.value) }
        var oldByPath: [String: String] = [:]
        for (path, value) in old { oldByPath[path] = value }
        var newByPath: [String: String] = [:]
        for (path, value) in new { newByPath[path] = value }
        var changes: [String] = []
        for (path, value) in new where oldByPath[path] != value {
            changes.append("\(path): \(oldByPath[path] ?? "(absent)") → \(value)")
        }
        for (path, value) in old where newByPath[path] == nil { changes.append("\(path): \(value) → (absent)") }
        return changes.isEmpty ? ["(seed or encoding only)"] : changes
    }

    static func compareRun(old: RunResult, new: RunResult, thresholds: Thresholds) -> [MetricComparison] {
        var result: [MetricComparison] = []
        func judge(_ metric: ComparedMetric, _ baseline: Double?, _ current: Double?) {
            result.append(.judge(runID: old.id, threshold: thresholds[metric], baseline: baseline, current: current))
        }
        let hasIR = old.initialReplication != nil || new.initialReplication != nil
        let hasCycles = old.cycles != nil || new.cycles != nil
        if hasIR {
            judge(
                .initialReplicationSeconds, old.initialReplication?.reportedSeconds,
                new.initialReplication?.reportedSeconds)
            judge(
                .initialReplicationThroughput, old.initialReplication?.throughputBitsPerSecond,
                new.initialReplication?.throughputBitsPerSecond)
        }
        if hasCycles {
            // A run without a judged cycle (initial replication never finished) has no RPO, not a perfect one.
            let (oldCycles, newCycles) = (old.cycles.flatMap { $0.count > 0 ? $0 : nil }, new.cycles.flatMap { $0.count > 0 ? $0 : nil })
            judge(.rpoWithinTargetShare, oldCycles?.shareWithinTargetRPO, newCycles?.shareWithinTargetRPO)
            judge(.rpoP99Seconds, oldCycles?.rpoSeconds.p99, newCycles?.rpoSeconds.p99)
        }
        if !hasIR && !hasCycles { judge(.throughput, old.throughputBitsPerSecond, new.throughputBitsPerSecond) }
        return result
    }
}

/// The metrics `replsim check` compares.
public enum ComparedMetric: String, Sendable, Equatable, Codable, CaseIterable {
    case initialReplicationSeconds
    case initialReplicationThroughput
    case rpoWithinTargetShare
    case rpoP99Seconds
    case throughput

    /// Whether a larger value is better, by default (a thresholds file may say otherwise).
    public var higherIsBetter: Bool {
        switch self {
        case .throughput, .rpoWithinTargetShare, .initialReplicationThroughput: return true
        case .initialReplicationSeconds, .rpoP99Seconds: return false
        }
    }

    /// Whether a change is measured in percentage points (shares) rather than relative percent.
    public var inPoints: Bool {
        switch self {
        case .rpoWithinTargetShare: return true
        case .throughput, .initialReplicationThroughput, .initialReplicationSeconds, .rpoP99Seconds: return false
        }
    }

    /// How a value of this metric prints.
    public func format(_ value: Double?) -> String {
        switch self {
        case .throughput, .initialReplicationThroughput: return value.map { Format.bitsPerSecond($0) } ?? "n/a"
        case .initialReplicationSeconds: return value.map { Format.seconds($0) } ?? "not estimable"
        case .rpoP99Seconds: return value.map { Format.seconds($0) } ?? "n/a"
        case .rpoWithinTargetShare: return Format.percent(value)
        }
    }
}

/// Per-metric thresholds and directions, stored with a baseline as `thresholds.json` (written by
/// `replsim check --update` when missing, edited by hand to tighten or loosen one metric).
public struct Thresholds: Codable, Sendable, Equatable {
    public struct Metric: Codable, Sendable, Equatable {
        public var metric: ComparedMetric
        /// `higher` or `lower`: which way is better.
        public var better: Direction
        /// Allowed change before a verdict: percent (relative), or percentage points for shares.
        public var tolerancePercent: Double

        public init(metric: ComparedMetric, better: Direction, tolerancePercent: Double) {
            self.metric = metric
            self.better = better
            self.tolerancePercent = tolerancePercent
        }
    }

    public enum Direction: String, Codable, Sendable, Equatable, CaseIterable {
        case higher, lower
    }

    public var metrics: [Metric]

    public init(metrics: [Metric]) { self.metrics = metrics }

    /// The tolerance of a metric that neither `--tolerance` nor a thresholds file sets: 5 %.
    public static let defaultTolerancePercent = 5.0

    /// Every metric with its default direction and the same tolerance.
    public init(tolerancePercent: Double = Thresholds.defaultTolerancePercent) {
        metrics = ComparedMetric.allCases.map {
            Metric(metric: $0, better: $0.higherIsBetter ? .higher : .lower, tolerancePercent: tolerancePercent)
        }
    }

    /// The threshold of `metric`; the default direction and tolerance when the file does not list it.
    public subscript(metric: ComparedMetric) -> Metric {
        metrics.first { $0.metric == metric }
            ?? Metric(metric: metric, better: metric.higherIsBetter ? .higher : .lower,
                tolerancePercent: Thresholds.defaultTolerancePercent)
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
        runID: String, threshold: Thresholds.Metric, baseline: Double?, current: Double?
    ) -> MetricComparison {
        let metric = threshold.metric
        let tolerance = threshold.tolerancePercent
        let change: Double?
        let status: Status
        switch (baseline, current) {
        case (nil, nil):
            (change, status) = (nil, .unchanged)
        case (.some, nil):
            (change, status) = (nil, .regressed)  // measurable before, not now (or the metric vanished)
        case (nil, .some):
            (change, status) = (nil, .improved)
        case (.some(let old), .some(let new)):
            let delta: Double
            if metric.inPoints {
                delta = (new - old) * 100
            } else if old != 0 {
                delta = (new - old) / abs(old) * 100
            } else {
                delta = new == 0 ? 0 : (new > 0 ? .infinity : -.infinity)
            }
            let better = threshold.better == .higher ? delta : -delta
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
        let unit = metric.inPoints ? " pp" : " %"
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
    /// Differences worth a look that do not fail the check (scenario name, seed, mode, replsim's commit).
    public var notes: [String]
    /// Scenario keys that changed since the baseline (`key: old → new`); `nil` when either file lacks its
    /// inputs, empty when the scenario is the same.
    public var changedInputs: [String]? = nil

    /// Some metric improved beyond its tolerance.
    public var hasImprovement: Bool { metrics.contains { $0.status == .improved } }

    /// The verdict as an exit code: 1 a regression or a missing run, 3 improvements only (the baseline is out
    /// of date: record it again with `--update`), 0 nothing moved. (2 is bad input, decided by the CLI.)
    public var exitCode: Int32 { !passed ? 1 : hasImprovement ? 3 : 0 }

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
        if let changedInputs, !changedInputs.isEmpty {
            lines.append(
                "SCENARIO CHANGED since the baseline (the verdicts above are the effect of these inputs, "
                    + "not of a change in replsim):")
            lines += changedInputs.prefix(12).map { "  \($0)" }
            if changedInputs.count > 12 { lines.append("  … and \(changedInputs.count - 12) more") }
        }
        let improved = metrics.filter { $0.status == .improved }.count
        lines.append(
            !passed
                ? "FAIL: \(regressions.count) regression(s), \(missingInCurrent.count) missing run(s)"
                : improved > 0 ? "IMPROVED: \(improved) metric(s) better than the baseline (update it)" : "PASS")
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
