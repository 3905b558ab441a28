import Foundation
import Scenario

/// A VM's write rate at a simulated instant, from its churn profile (bytes per second).
enum ChurnProfile {
    /// - Complexity: O(1), or O(log samples) for a trace.
    static func rate(_ churn: Churn, atNanoseconds t: Int64, doc: ScenarioDocument) -> Double {
        switch churn {
        case .none:
            return 0
        case .constant(let bytesPerSecond):
            return bytesPerSecond
        case .diurnal(let d):
            // A daily cosine peaking at `peakHour` of the wall clock (simulated time 0 is `startsAt`).
            let day: Int64 = 86_400_000_000_000
            let wall = (doc.startOffsetNanoseconds + t) % day
            let hour = Double(wall) / 3.6e12
            return d.meanBytesPerSecond + (d.peakBytesPerSecond - d.meanBytesPerSecond)
                * cos(2 * Double.pi * (hour - d.peakHour) / 24)
        case .bursty(let b):
            let phase = ((t % b.periodNanoseconds) + b.periodNanoseconds) % b.periodNanoseconds
            return phase < b.burstLengthNanoseconds ? b.burstBytesPerSecond : b.baseBytesPerSecond
        case .trace(let trace):
            var low = 0
            var high = trace.samples.count
            while low < high {
                let mid = (low + high) / 2
                if trace.samples[mid].timeNanoseconds <= t { low = mid + 1 } else { high = mid }
            }
            return low == 0 ? 0 : trace.samples[low - 1].bytesPerSecond
        }
    }
}
