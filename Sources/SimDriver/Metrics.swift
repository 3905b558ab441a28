import NetModel
import Results
import Scenario
import SimKernel

/// What a run measures while it runs: delivered bytes in time buckets, the measured-interval totals, and
/// thread-time per activity for bottleneck attribution. O(1) per event apart from bucket spreading, which
/// touches the buckets a transfer spans.
struct Metrics {
    let measureStart: Int64
    let measureEnd: Int64
    let bucketNanos: Int64
    let perVMSeries: Bool
    var buckets: [Double]
    var vmBuckets: [[Double]]
    var measuredPayloadBytes: Double = 0
    var measuredVMBytes: [Double]
    var wireBytes: Double = 0
    var payloadBytes: Double = 0
    var throttled = 0
    var resets = 0
    var commits = 0
    /// Threads per activity right now, and thread-seconds per activity inside the measured interval, indexed
    /// by `Metrics.kinds` (arrays, not dictionaries: the order of floating-point sums must not depend on hashing).
    var activityCounts = [Int](repeating: 0, count: Metrics.kinds.count)
    var activitySeconds = [Double](repeating: 0, count: Metrics.kinds.count)
    var clock: Int64 = 0
    var netAtStart = BottleneckTotals()
    var netAtEnd: BottleneckTotals?
    var measurementStarted: Bool

    /// At most this many time-series points per run; per-VM series only up to `perVMSeriesLimit` VMs.
    static let maxPoints = 300
    static let kinds = BottleneckKind.allCases

    static func index(_ kind: BottleneckKind) -> Int { kinds.firstIndex(of: kind)! }
    static let perVMSeriesLimit = 10

    init(document: ScenarioDocument, vmCount: Int, threadsPerVM: Int) {
        measureStart = document.measurement.startNanoseconds
        measureEnd = Swift.min(document.measurement.endNanoseconds, document.durationNanoseconds)
        bucketNanos = Self.niceInterval(nanoseconds: document.durationNanoseconds / Int64(Self.maxPoints))
        let count = Int((document.durationNanoseconds + bucketNanos - 1) / bucketNanos)
        buckets = Array(repeating: 0, count: count)
        perVMSeries = vmCount <= Self.perVMSeriesLimit
        vmBuckets = perVMSeries ? Array(repeating: Array(repeating: 0, count: count), count: vmCount) : []
        measuredVMBytes = Array(repeating: 0, count: vmCount)
        activityCounts[Self.index(.idle)] = vmCount * threadsPerVM
        measurementStarted = measureStart == 0
    }

    /// A round interval (1, 2, 5 × 10ⁿ ms … s, or whole minutes) of at least `nanoseconds`.
    static func niceInterval(nanoseconds: Int64) -> Int64 {
        let steps: [Int64] = [
            1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
            600_000, 900_000, 1_800_000, 3_600_000,
        ].map { $0 * 1_000_000 }
        return steps.first { $0 >= nanoseconds } ?? 3_600_000_000_000
    }

    /// Integrates thread activity up to `time` (only the part inside the measured interval counts).
    /// `attribution` is read only when the measured interval ends (a closure, so that the per-event call does not
    /// copy the network model).
    mutating func advance(to time: SimTime, attribution: () -> BottleneckTotals) {
        let now = time.nanoseconds
        let lower = Swift.max(clock, measureStart)
        let upper = Swift.min(now, measureEnd)
        if upper > lower {
            let seconds = Double(upper - lower) / 1e9
            for index in activityCounts.indices where activityCounts[index] > 0 {
                activitySeconds[index] += Double(activityCounts[index]) * seconds
            }
        }
        if netAtEnd == nil, now >= measureEnd { netAtEnd = attribution() }
        clock = now
    }

    mutating func startMeasurement(net: NetModel) {
        netAtStart = net.attribution
        measurementStarted = true
    }

    mutating func threadChanged(from old: ThreadActivity, to new: ThreadActivity) {
        if let kind = Self.kind(old) { activityCounts[Self.index(kind)] -= 1 }
        if let kind = Self.kind(new) { activityCounts[Self.index(kind)] += 1 }
    }

    /// The attribution kind of a thread that is not transferring (transferring threads are the model's).
    static func kind(_ activity: ThreadActivity) -> BottleneckKind? {
        switch activity {
        case .idle: return .idle
        case .transferring: return nil
        case .awaitingResponse: return .requestOverhead
        case .waiting(let kind): return kind
        }
    }

    mutating func chunkAcknowledged(vm: Int, payloadBytes: Int64) {
        self.payloadBytes += Double(payloadBytes)
    }

    mutating func cycleCommitted(vm: Int) { commits += 1 }

    /// `bytes` crossed the wire between `from` and `to`; spread evenly over that span. Wasted bytes (a reset or
    /// cancelled transfer) count on the wire only; others count as payload minus the request headers.
    mutating func delivered(vm: Int, bytes: Int64, from: SimTime, to: SimTime, wasted: Bool = false) {
        wireBytes += Double(bytes)
        guard !wasted else { return }
        let payload = Double(Swift.max(0, bytes - World.requestHeaderBytes))
        let start = from.nanoseconds
        let end = Swift.max(to.nanoseconds, start + 1)
        let span = Double(end - start)
        let overlap = Swift.max(0, Swift.min(end, measureEnd) - Swift.max(start, measureStart))
        measuredPayloadBytes += payload * Double(overlap) / span
        measuredVMBytes[vm] += payload * Double(overlap) / span
        var bucket = Int(start / bucketNanos)
        while bucket < buckets.count {
            let lower = Int64(bucket) * bucketNanos
            let upper = lower + bucketNanos
            let part = Swift.max(0, Swift.min(end, upper) - Swift.max(start, lower))
            if part > 0 {
                let share = payload * Double(part) / span
                buckets[bucket] += share
                if perVMSeries { vmBuckets[vm][bucket] += share }
            }
            if upper >= end { break }
            bucket += 1
        }
    }
}
