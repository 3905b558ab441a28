/// A span of virtual time during which a body is sent at a constant rate (from the flow model).
public struct RateSegment: Equatable, Sendable {
    public var startNs: Int64
    public var endNs: Int64
    public var bitsPerSecond: Double

    public init(startNs: Int64, endNs: Int64, bitsPerSecond: Double) {
        self.startNs = startNs
        self.endNs = endNs
        self.bitsPerSecond = bitsPerSecond
    }
}

/// Turns a piecewise-constant rate into completion times of successive segments. Pure.
///
/// A segment is stamped with the instant its last bit has been sent, so the bytes between the first and
/// the last packet of a transfer divided by their time difference is exactly the simulated rate. Gaps
/// between rate segments (and segments of rate 0) send nothing; bytes left when the segments run out are
/// sent at the last positive rate.
struct BodyPacer: Sendable {
    private let rates: [RateSegment]
    private let fallbackBitsPerSecond: Double
    private var index = 0
    /// Time (ns, fractional) at which the previous segment completed.
    private(set) var cursor: Double

    /// Checks the rate segments: finite, non-negative rates, `start <= end`, in time order, at least one
    /// positive rate. Returns the reason when they are unusable.
    static func problem(with rates: [RateSegment]) -> String? {
        var previousEnd = Int64.min
        for (i, r) in rates.enumerated() {
            if !(r.bitsPerSecond.isFinite && r.bitsPerSecond >= 0) { return "rateSegments[\(i)] rate is not >= 0" }
            if r.endNs < r.startNs { return "rateSegments[\(i)] ends before it starts" }
            if r.startNs < previousEnd { return "rateSegments[\(i)] overlaps the previous segment" }
            previousEnd = r.endNs
        }
        return rates.contains { $0.bitsPerSecond > 0 } ? nil : "rateSegments has no positive rate"
    }

    /// - Precondition: `BodyPacer.problem(with: rates) == nil`.
    init(rates: [RateSegment], startNs: Int64) {
        self.rates = rates
        fallbackBitsPerSecond = rates.last { $0.bitsPerSecond > 0 }?.bitsPerSecond ?? 1
        cursor = Double(startNs)
    }

    /// Sends `bits` more and returns the completion time (rounded to ns).
    /// - Complexity: amortized O(1) per call (each rate segment is passed once).
    mutating func complete(bits: Double) -> Int64 {
        var left = bits
        while index < rates.count {
            let r = rates[index]
            cursor = max(cursor, Double(r.startNs))
            let end = Double(r.endNs)
            if r.bitsPerSecond > 0 && cursor < end {
                let capacity = (end - cursor) * r.bitsPerSecond / 1e9
                if capacity >= left {
                    cursor += left / r.bitsPerSecond * 1e9
                    return Self.nanos(cursor)
                }
                left -= capacity
            }
            cursor = max(cursor, end)
            index += 1
        }
        cursor += left / fallbackBitsPerSecond * 1e9
        return Self.nanos(cursor)
    }

    /// Rounds to ns, saturating at 2^62 ns (146 years) for absurdly slow rates instead of trapping.
    private static func nanos(_ t: Double) -> Int64 { Int64(min(t.rounded(), 4.6e18)) }
}
