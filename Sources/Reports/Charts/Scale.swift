import Foundation

/// A mapping from data values to pixels along one axis, with its ticks.
struct Scale {
    enum Kind { case linear, log2 }

    let kind: Kind
    let domain: ClosedRange<Double>
    let range: ClosedRange<Double>
    /// Ticks as (value, label), ascending.
    let ticks: [(Double, String)]
    let reversed: Bool

    /// A linear scale over `0...max(data)` (or `min...max` when `zeroBased` is false) with about `count`
    /// "nice" ticks (1, 2, 2.5, 5 × 10ⁿ). Empty, constant or non-finite data give a 0...1 domain. `tight` keeps the
    /// data's extent as the domain instead of widening it to the next tick.
    /// - Complexity: O(n) in the data plus O(ticks).
    static func linear(
        data: [Double], pixels: ClosedRange<Double>, reversed: Bool = false, zeroBased: Bool = true,
        tight: Bool = false, count: Int = 6, integers: Bool = false, label: (Double) -> String
    ) -> Scale {
        let finite = data.filter { $0.isFinite }
        var low = zeroBased ? Swift.min(0, finite.min() ?? 0) : (finite.min() ?? 0)
        var high = finite.max() ?? 1
        if high <= low { high = low + 1 }
        let raw = niceStep((high - low) / Double(Swift.max(count, 1)))
        // Counts get whole-number steps (1, 2, 5, 10 …): a 2.5 step would label two ticks alike.
        let step = integers ? (raw < 1 ? 1 : raw == 2.5 ? 5 : raw) : raw
        let (dataLow, dataHigh) = (low, high)
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        var ticks: [(Double, String)] = []
        var value = low
        if tight {
            // Keep the data's own extent (time axes); ticks only inside it.
            value = (dataLow / step).rounded(.up) * step
            (low, high) = (dataLow, dataHigh)
        }
        while value <= high + (tight ? step * 1e-9 : step / 2), ticks.count < 50 {
            ticks.append((value, label(value)))
            value += step
        }
        return Scale(kind: .linear, domain: low...high, range: pixels, ticks: ticks, reversed: reversed)
    }

    /// A base-2 logarithmic scale for positive integers such as thread counts; ticks at powers of two.
    static func log2(values: [Int], pixels: ClosedRange<Double>) -> Scale {
        let positive = values.filter { $0 > 0 }
        let low = Double(positive.min() ?? 1)
        var high = Double(positive.max() ?? 2)
        if high <= low { high = low * 2 }
        var ticks: [(Double, String)] = []
        var tick = 1
        while Double(tick) <= high {
            if Double(tick) >= low { ticks.append((Double(tick), String(tick))) }
            tick *= 2
        }
        return Scale(kind: .log2, domain: low...high, range: pixels, ticks: ticks, reversed: false)
    }

    /// Integer positions `values` on a linear scale with a tick per value (thinned to at most ~16 labels).
    static func integers(values: [Int], pixels: ClosedRange<Double>) -> Scale {
        let low = Double(values.min() ?? 0)
        var high = Double(values.max() ?? 1)
        if high <= low { high = low + 1 }
        let stride = Swift.max(1, (values.count + 15) / 16)
        let ticks = values.enumerated().filter { $0.offset % stride == 0 }.map {
            (Double($0.element), String($0.element))
        }
        return Scale(kind: .linear, domain: low...high, range: pixels, ticks: ticks, reversed: false)
    }

    /// The pixel position of `value`; clamps to the range, never returns a non-finite number.
    func callAsFunction(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear:
            fraction = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log2:
            let v = Swift.max(value, domain.lowerBound)
            fraction = Foundation.log2(v / domain.lowerBound) / Foundation.log2(domain.upperBound / domain.lowerBound)
        }
        let clamped = fraction.isFinite ? Swift.min(Swift.max(fraction, 0), 1) : 0
        let t = reversed ? 1 - clamped : clamped
        return range.lowerBound + t * (range.upperBound - range.lowerBound)
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }
}
