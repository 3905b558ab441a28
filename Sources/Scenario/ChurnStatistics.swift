import Foundation

extension Churn {
    /// Mean bytes per second the churn writes (a trace: the mean of its samples).
    /// - Complexity: O(1), O(samples) for a trace.
    public var meanBytesPerSecond: Double {
        switch self {
        case .none: return 0
        case .constant(let rate): return rate
        case .diurnal(let diurnal): return diurnal.meanBytesPerSecond
        case .bursty(let bursty):
            let share = Double(bursty.burstLengthNanoseconds) / Double(Swift.max(bursty.periodNanoseconds, 1))
            return bursty.baseBytesPerSecond + (bursty.burstBytesPerSecond - bursty.baseBytesPerSecond) * share
        case .trace(let trace):
            guard !trace.samples.isEmpty else { return 0 }
            return trace.samples.reduce(0) { $0 + $1.bytesPerSecond } / Double(trace.samples.count)
        }
    }

    /// The rate the churn stays at or below for `percentile` (in (0, 1]) of the time in `[0, duration)`: the
    /// Deployment Planner's "95th percentile churn" for profiles and traces alike. Exact for each profile: a
    /// diurnal cosine's quantile is `mean + (peak − mean)·cos(π(1 − p))`; a bursty profile is its burst rate
    /// when the bursts' time share exceeds 1 − p; a trace is weighted by how long each sample holds.
    /// - Complexity: O(1), O(samples · log samples) for a trace.
    public func percentileBytesPerSecond(_ percentile: Double, durationNanoseconds: Int64) -> Double {
        let p = Swift.min(Swift.max(percentile, 0), 1)
        switch self {
        case .none: return 0
        case .constant(let rate): return rate
        case .diurnal(let d):
            return d.meanBytesPerSecond + (d.peakBytesPerSecond - d.meanBytesPerSecond) * cos(Double.pi * (1 - p))
        case .bursty(let b):
            let burstShare = Double(b.burstLengthNanoseconds) / Double(Swift.max(b.periodNanoseconds, 1))
            return p > 1 - burstShare ? b.burstBytesPerSecond : b.baseBytesPerSecond
        case .trace(let trace):
            var weighted: [(rate: Double, weight: Double)] = []
            if let first = trace.samples.first, first.timeNanoseconds > 0 {
                weighted.append((0, Double(Swift.min(first.timeNanoseconds, durationNanoseconds))))
            }
            for (index, sample) in trace.samples.enumerated() where sample.timeNanoseconds < durationNanoseconds {
                let next = index + 1 < trace.samples.count ? trace.samples[index + 1].timeNanoseconds : durationNanoseconds
                weighted.append((sample.bytesPerSecond, Double(Swift.min(next, durationNanoseconds) - sample.timeNanoseconds)))
            }
            weighted.sort { $0.rate < $1.rate }
            let total = weighted.reduce(0) { $0 + $1.weight }
            guard total > 0 else { return 0 }
            var covered = 0.0
            for entry in weighted {
                covered += entry.weight
                if covered >= p * total * (1 - 1e-12) { return entry.rate }
            }
            return weighted.last?.rate ?? 0
        }
    }

    /// The same profile with every rate multiplied by `factor` (≥ 0): growth applied to profiles and traces alike.
    public func scaled(by factor: Double) -> Churn {
        switch self {
        case .none: return .none
        case .constant(let rate): return .constant(bytesPerSecond: rate * factor)
        case .diurnal(var d):
            d.meanBytesPerSecond *= factor
            d.peakBytesPerSecond *= factor
            return .diurnal(d)
        case .bursty(var b):
            b.baseBytesPerSecond *= factor
            b.burstBytesPerSecond *= factor
            return .bursty(b)
        case .trace(var trace):
            trace.samples = trace.samples.map { ChurnSample(timeNanoseconds: $0.timeNanoseconds, bytesPerSecond: $0.bytesPerSecond * factor) }
            return .trace(trace)
        }
    }
}

extension VMGroup {
    /// Bytes initial replication copies for all VMs (as a `Double`: the group's per-VM bytes × count, or the
    /// members' sum).
    public var totalUsedBytes: Double {
        guard let members else { return Double(disks.reduce(Int64(0)) { $0 + $1.usedBytes }) * Double(count) }
        return Double(members.reduce(Int64(0)) { $0 + $1.usedBytes })
    }

    /// Whether any VM has churn.
    public var hasChurn: Bool {
        let all = members.map { $0.map(\.churn) } ?? [churn]
        return all.contains { if case .none = $0 { false } else { true } }
    }
}
