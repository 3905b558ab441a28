import Results

/// The answer a report leads with, per series (the runs that share every setting but the thread count):
/// for initial replication the threads the series needs and its initial-replication (IR) time; for delta
/// replication the share of cycles within the target RPO and the worst RPO.
///
/// Only the thread count is treated as a choice: the VM count and every other swept axis are givens, so an
/// answer is given for each of their values and no "best" is picked across them.
public struct PhaseAnswer: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable, CaseIterable {
        case initialReplication, delta
    }

    public var phase: Phase
    /// The series label (`"10 VMs"`, `"10 VMs, circuit.bandwidth=500Mbps"`).
    public var label: String
    /// The run the answer rests on (the smallest thread count within the fraction of the series' best).
    public var run: RunResult
    /// Whether the series swept threads (the answer then names the thread count needed).
    public var threadSweep: Bool

    /// IR time of ``run`` (measured or estimated), seconds.
    public var irSeconds: Double? { run.initialReplication?.reportedSeconds }
    /// Whether ``irSeconds`` is an estimate.
    public var irIsEstimate: Bool { run.initialReplication?.reportedIsEstimate ?? false }

    /// Share of IR time a thread count may lose against the series' fastest and still be "enough".
    public static let irSlack = 0.05
    /// Percentage points of RPO share a thread count may lose against the series' best and still be "enough".
    public static let rpoSlack = 0.01

    /// The IR answer of a series: the smallest thread count whose IR time is within ``irSlack`` of the fastest.
    /// `nil` when no run of the series has an IR time.
    /// - Complexity: O(n).
    public static func initialReplication(_ runs: [RunResult], label: String, threadSweep: Bool) -> PhaseAnswer? {
        let timed = runs.compactMap { run in run.initialReplication?.reportedSeconds.map { (run, $0) } }
            .filter { $0.1.isFinite }
        guard let fastest = timed.map(\.1).min() else { return nil }
        let enough = timed.filter { $0.1 <= fastest * (1 + irSlack) }
        guard let pick = enough.min(by: { $0.0.threadsPerVM < $1.0.threadsPerVM }) else { return nil }
        return PhaseAnswer(phase: .initialReplication, label: label, run: pick.0, threadSweep: threadSweep)
    }

    /// The delta answer of a series: the smallest thread count within ``rpoSlack`` of the best share within
    /// target (ties: the lower worst RPO). `nil` when no run of the series has cycles.
    /// - Complexity: O(n).
    public static func delta(_ runs: [RunResult], label: String, threadSweep: Bool) -> PhaseAnswer? {
        let withCycles = runs.filter { ($0.cycles?.count ?? 0) > 0 }
        guard let best = withCycles.compactMap({ $0.cycles?.shareWithinTargetRPO }).max() else { return nil }
        let enough = withCycles.filter { ($0.cycles?.shareWithinTargetRPO ?? 0) >= best - rpoSlack }
        guard let pick = enough.min(by: { $0.threadsPerVM < $1.threadsPerVM }) else { return nil }
        return PhaseAnswer(phase: .delta, label: label, run: pick, threadSweep: threadSweep)
    }

    /// "10 VMs need 4 threads per VM: initial replication 7.5 min (1.2 Gbps)", "10 VMs: 62 % of cycles within
    /// the 15 min target RPO, worst RPO 48 min (4 threads per VM)".
    public var sentence: String {
        let threads = "\(run.threadsPerVM) thread\(run.threadsPerVM == 1 ? "" : "s") per VM"
        switch phase {
        case .initialReplication:
            let time = Self.irTime(run.initialReplication)
            let rate = run.initialReplication?.throughputBitsPerSecond.map { ", \(Format.bitsPerSecond($0))" } ?? ""
            let verb = run.vms == 1 && !label.contains(",") ? "needs" : "need"
            return threadSweep
                ? "\(label) \(verb) \(threads) (IR \(time)\(rate))"
                : "\(label), \(threads): IR \(time)\(rate)"
        case .delta:
            guard let cycles = run.cycles else { return "\(label): no delta cycles" }
            let what =
                "\(Format.percent(cycles.shareWithinTargetRPO)) of cycles within the "
                + "\(Format.duration(cycles.targetRPOSeconds)) target RPO, worst RPO \(Format.duration(cycles.rpoSeconds.max))"
            return threadSweep ? "\(label): \(what) from \(threads)" : "\(label), \(threads): \(what)"
        }
    }

    /// An IR time as text, `"≈ 1.2 h, estimated"` when extrapolated, `"not estimable"` without progress.
    public static func irTime(_ ir: InitialReplication?) -> String {
        guard let seconds = ir?.reportedSeconds else { return "not estimable (no progress)" }
        return (ir?.reportedIsEstimate ?? false)
            ? "≈ \(Format.duration(seconds)), estimated" : Format.duration(seconds)
    }
}

extension ReportAnalysis {
    /// The swept axes as "vms (3, 10, 25) × threadsPerVM (1…32)", from the runs' parameters in first-seen order.
    public var sweptAxes: String? {
        var keys: [String] = []
        var values: [String: [String]] = [:]
        for run in file.runs {
            for parameter in run.parameters {
                if values[parameter.key] == nil { keys.append(parameter.key) }
                if !(values[parameter.key] ?? []).contains(parameter.value) {
                    values[parameter.key, default: []].append(parameter.value)
                }
            }
        }
        let axes = keys.compactMap { key -> String? in
            guard let list = values[key], list.count > 1 else { return nil }
            let shown = list.count > 6 ? "\(list[0])…\(list[list.count - 1])" : list.joined(separator: ", ")
            let role = key == "threadsPerVM" ? "the choice" : "given"
            return "\(key) (\(shown); \(role))"
        }
        return axes.isEmpty ? nil : axes.joined(separator: " × ")
    }

    /// The note under the headline when the detailed charts show a run the headline did not name.
    public var detailNote: String? {
        guard let chosen, !answers.isEmpty, file.runs.count > 1 else { return nil }
        if answers.contains(where: { $0.run.id == chosen.id }) {
            return "The detailed charts below show run \(chosen.id), one of the runs the headline names."
        }
        return "The detailed charts below show run \(chosen.id) (the scenario's own settings), not a run the "
            + "headline names."
    }

    /// Assumptions and warnings: the scenario's (from result.json), then those that follow from the runs.
    public var warnings: [ScenarioNote] {
        var notes = file.warnings ?? []
        let estimated = file.runs.filter { $0.initialReplication?.reportedIsEstimate ?? false }
        if !estimated.isEmpty {
            notes.append(
                ScenarioNote(
                    level: .warning, code: "irEstimated",
                    message: "initial replication did not finish within the simulated duration in \(estimated.count) "
                        + "of \(file.runs.count) run\(file.runs.count == 1 ? "" : "s"); those IR times are "
                        + "extrapolated from the bytes left at each VM's measured copy rate (marked ≈)"))
        }
        let never = file.runs.filter { $0.initialReplication != nil && $0.initialReplication?.reportedSeconds == nil }
        if !never.isEmpty {
            notes.append(
                ScenarioNote(
                    level: .warning, code: "irNotEstimable",
                    message: "\(never.count) run(s) copied nothing in the measured interval, so their IR time cannot "
                        + "be estimated: \(never.prefix(3).map(\.id).joined(separator: ", "))"))
        }
        let late = file.runs.filter { ($0.cycles?.shareWithinTargetRPO ?? 1) < 1 }
        if let cycles = late.first?.cycles, cycles.targetRPOSeconds > 0,
            late.allSatisfy({ ($0.cycles?.shareWithinTargetRPO ?? 1) == 0 })
        {
            notes.append(
                ScenarioNote(
                    level: .warning, code: "rpoNeverMet",
                    message: "no cycle of any run met the \(Format.duration(cycles.targetRPOSeconds)) target RPO"))
        }
        let warnings = notes.filter { $0.level == .warning }
        return warnings + notes.filter { $0.level == .assumption }
    }
}
