import Results

/// What a report says about a result file: the best run, the run to show in detail, the sweep as
/// series (one per VM count and other non-thread parameters), and the thread recommendation.
///
/// Pure and deterministic: ties go to the earlier run in file order; nothing iterates a dictionary to
/// decide an order.
public struct ReportAnalysis: Sendable {
    /// The runs sharing every assignment except the thread count, sorted by `threadsPerVM` (stable).
    public struct Series: Sendable, Equatable {
        /// A readable label, e.g. `"25 VMs"` or `"25 VMs, chunkSize=1MiB"`.
        public var label: String
        /// The VM count of the series.
        public var vms: Int
        public var runs: [RunResult]
    }

    /// The file analysed.
    public let file: ResultFile
    /// The run with the highest throughput; `nil` for a file without runs.
    public let best: RunResult?
    /// The run shown in detail: the file's `referenceRunID` if present, else the best run.
    public let chosen: RunResult?
    /// The series, ordered by VM count, then by first appearance.
    public let series: [Series]
    /// Distinct thread counts over all runs, ascending.
    public let threadValues: [Int]
    /// One recommendation per series, in series order.
    public let recommendations: [Recommendation]
    /// The per-phase answers the headline gives: per series, IR answers first, then delta answers.
    public let answers: [PhaseAnswer]

    /// Share of a series' best throughput a recommendation must reach.
    public static let recommendationFraction = 0.95

    /// - Complexity: O(n log n) in the number of runs.
    public init(_ file: ResultFile) {
        self.file = file
        let best = Self.bestRun(file.runs)
        self.best = best
        self.chosen = file.referenceRunID.flatMap { id in file.runs.first { $0.id == id } } ?? best
        self.series = Self.makeSeries(file.runs)
        self.threadValues = Array(Set(file.runs.map(\.threadsPerVM))).sorted()
        self.recommendations = series.compactMap { series in
            Recommendation.smallestThreads(series.runs, fraction: Self.recommendationFraction, label: series.label)
        }
        let threadSweep = Set(file.runs.map(\.threadsPerVM)).count > 1
        let series = self.series
        self.answers =
            series.compactMap { PhaseAnswer.initialReplication($0.runs, label: $0.label, threadSweep: threadSweep) }
            + series.compactMap { PhaseAnswer.delta($0.runs, label: $0.label, threadSweep: threadSweep) }
    }

    /// Whether the file holds a sweep over thread counts (more than one thread value).
    public var isThreadSweep: Bool { threadValues.count > 1 }

    /// The label of a bottleneck kind, naming capacities from the file's limits.
    public func label(_ kind: String) -> BottleneckLabel { BottleneckLabel.of(kind, limits: file.limits) }

    /// The headline: the per-phase answers ("Initial replication (IR): 3 VMs need 2 threads per VM (IR 1.2 h at
    /// 1.51 Gbps); …" and "RPO: 100 VMs: 62 % of cycles within the 15 min target RPO, worst RPO 48 min from 4
    /// threads per VM"). A file with neither phase (no IR, no cycles) falls back to throughput per run, and only a
    /// single run is named without a series.
    public var headline: String {
        guard let best else { return "The result file holds no runs." }
        var parts: [String] = []
        let ir = answers.filter { $0.phase == .initialReplication }
        let delta = answers.filter { $0.phase == .delta }
        if !ir.isEmpty { parts.append("Initial replication (IR): " + ir.map(\.sentence).joined(separator: "; ") + ".") }
        if !delta.isEmpty { parts.append("RPO: " + delta.map(\.sentence).joined(separator: "; ") + ".") }
        if !parts.isEmpty { return parts.joined(separator: " ") }
        if file.runs.count == 1 || series.count == 1 {
            let lead = file.runs.count == 1 ? "Throughput" : "Highest throughput"
            return "\(lead): \(Format.bitsPerSecond(best.throughputBitsPerSecond)) with \(Self.setting(best)), "
                + "bound by \(label(best.bottleneck, run: best).words) \(Format.percent(best.bottleneckShare)) of the time."
        }
        return "Throughput: "
            + recommendations.map { "\($0.label): \(Format.bitsPerSecond($0.bestThroughputBitsPerSecond))" }
            .joined(separator: "; ") + "."
    }

    /// The label of a bottleneck kind for one run, naming its own capacities (a 500 Mbps run of a bandwidth sweep
    /// says 500 Mbps), falling back to the file's limits.
    public func label(_ kind: String, run: RunResult) -> BottleneckLabel {
        BottleneckLabel.of(kind, limits: run.limits ?? file.limits)
    }

    /// "3 VMs × 8 threads per VM" (singular forms for 1).
    public static func setting(_ run: RunResult) -> String {
        let threads = run.threadsPerVM
        return "\(run.vms) VM\(run.vms == 1 ? "" : "s") × \(threads) thread\(threads == 1 ? "" : "s") per VM"
    }

    static func bestRun(_ runs: [RunResult]) -> RunResult? {
        var best: RunResult?
        for run in runs where run.throughputBitsPerSecond.isFinite {
            if let current = best, run.throughputBitsPerSecond <= current.throughputBitsPerSecond { continue }
            best = run
        }
        return best ?? runs.first
    }

    static func makeSeries(_ runs: [RunResult]) -> [Series] {
        var keys: [String] = []
        var grouped: [String: Series] = [:]
        for run in runs {
            let others = run.parameters.filter { $0.key != "vms" && $0.key != "threadsPerVM" }
            let key = "vms=\(run.vms)|" + RunResult.makeID(others)
            if grouped[key] == nil {
                keys.append(key)
                let suffix = others.map { ", \($0.key)=\($0.value)" }.joined()
                grouped[key] = Series(label: "\(run.vms) VM\(run.vms == 1 ? "" : "s")\(suffix)", vms: run.vms, runs: [])
            }
            grouped[key]?.runs.append(run)
        }
        let ordered = keys.enumerated().compactMap { index, key in grouped[key].map { (index, $0) } }
        return ordered.sorted { ($0.1.vms, $0.0) < ($1.1.vms, $1.0) }.map { _, series in
            var sorted = series
            sorted.runs = series.runs.enumerated()
                .sorted { ($0.element.threadsPerVM, $0.offset) < ($1.element.threadsPerVM, $1.offset) }
                .map(\.element)
            return sorted
        }
    }
}

/// "For 25 VMs, 8 threads per VM reach 97 % of the best throughput."
public struct Recommendation: Sendable, Equatable {
    /// The series label (`"25 VMs"`).
    public var label: String
    public var vms: Int
    /// The smallest thread count reaching the fraction of the series' best throughput.
    public var threadsPerVM: Int
    /// Throughput at that thread count, bits per second.
    public var throughputBitsPerSecond: Double
    /// The series' best throughput, bits per second, and the thread count that reached it.
    public var bestThroughputBitsPerSecond: Double
    public var bestThreadsPerVM: Int
    /// The recommended run's bottleneck kind.
    public var bottleneck: String

    /// `throughput / best` (1 when the best is zero).
    public var shareOfBest: Double {
        bestThroughputBitsPerSecond > 0 ? throughputBitsPerSecond / bestThroughputBitsPerSecond : 1
    }

    /// The smallest thread count among `runs` whose throughput is at least `fraction` of the best among them.
    /// Runs with non-finite throughput are ignored; `nil` when none is left.
    /// - Complexity: O(n).
    public static func smallestThreads(_ runs: [RunResult], fraction: Double, label: String) -> Recommendation? {
        let usable = runs.filter { $0.throughputBitsPerSecond.isFinite }
        guard let best = ReportAnalysis.bestRun(usable) else { return nil }
        let threshold = best.throughputBitsPerSecond * fraction
        var pick = best
        for run in usable where run.throughputBitsPerSecond >= threshold {
            if run.threadsPerVM < pick.threadsPerVM { pick = run }
        }
        return Recommendation(
            label: label, vms: pick.vms, threadsPerVM: pick.threadsPerVM,
            throughputBitsPerSecond: pick.throughputBitsPerSecond,
            bestThroughputBitsPerSecond: best.throughputBitsPerSecond, bestThreadsPerVM: best.threadsPerVM,
            bottleneck: pick.bottleneck
        )
    }

    /// The sentence, e.g. "For 25 VMs, 8 threads per VM reach 97 % of the best throughput (9.41 Gbps of 9.70 Gbps)."
    public var sentence: String {
        let threads = "\(threadsPerVM) thread\(threadsPerVM == 1 ? "" : "s") per VM"
        return "For \(label), \(threads) \(threadsPerVM == 1 ? "reaches" : "reach") \(Format.percent(shareOfBest)) "
            + "of the best throughput (\(Format.bitsPerSecond(throughputBitsPerSecond)) of "
            + "\(Format.bitsPerSecond(bestThroughputBitsPerSecond)))."
    }
}
