/// A point in virtual time: integer nanoseconds since the start of a run.
///
/// Integer time (as `NIODeadline` uses) keeps event order exact: two runs with the same inputs see the same
/// instants bit for bit, which floating-point seconds cannot promise once values are added up over a run.
/// Floating point appears only at the edges (`seconds(_:)`, `inSeconds`).
///
/// - Complexity: every operation is O(1).
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the run (may be negative only through arithmetic).
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of every run.
    public static let zero = SimTime(nanoseconds: 0)
    /// A time later than any event a run can schedule.
    public static let distantFuture = SimTime(nanoseconds: .max)

    @inlinable public static func nanoseconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value) }
    @inlinable public static func microseconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value * 1_000) }
    @inlinable public static func milliseconds(_ value: Int64) -> SimTime { SimTime(nanoseconds: value * 1_000_000) }
    /// Rounds to the nearest nanosecond; saturates at the representable range.
    @inlinable public static func seconds(_ value: Double) -> SimTime { SimTime(nanoseconds: nanosFromSeconds(value)) }

    /// This time in seconds (for reports; not for comparisons).
    @inlinable public var inSeconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable public static func + (lhs: SimTime, rhs: SimDuration) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds.addingSaturating(rhs.nanoseconds))
    }
    @inlinable public static func - (lhs: SimTime, rhs: SimDuration) -> SimTime {
        SimTime(nanoseconds: lhs.nanoseconds.addingSaturating(-rhs.nanoseconds))
    }
    @inlinable public static func - (lhs: SimTime, rhs: SimTime) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds.addingSaturating(-rhs.nanoseconds))
    }

    public var description: String { "t=\(inSeconds)s" }
}

/// A span of virtual time in integer nanoseconds.
///
/// - Complexity: every operation is O(1).
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimDuration(nanoseconds: 0)

    @inlinable public static func nanoseconds(_ value: Int64) -> SimDuration { SimDuration(nanoseconds: value) }
    @inlinable public static func microseconds(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 1_000)
    }
    @inlinable public static func milliseconds(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 1_000_000)
    }
    /// Rounds to the nearest nanosecond; saturates at the representable range.
    @inlinable public static func seconds(_ value: Double) -> SimDuration {
        SimDuration(nanoseconds: nanosFromSeconds(value))
    }

    @inlinable public var inSeconds: Double { Double(nanoseconds) / 1e9 }

    @inlinable public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds.addingSaturating(rhs.nanoseconds))
    }
    @inlinable public static func * (lhs: SimDuration, rhs: Int64) -> SimDuration {
        let (value, overflow) = lhs.nanoseconds.multipliedReportingOverflow(by: rhs)
        return SimDuration(nanoseconds: overflow ? (lhs.nanoseconds < 0) != (rhs < 0) ? .min : .max : value)
    }

    public var description: String { "\(inSeconds)s" }
}

extension Int64 {
    @inlinable func addingSaturating(_ other: Int64) -> Int64 {
        let (value, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : value
    }
}

/// Seconds → nanoseconds, rounded to nearest and saturated; NaN maps to zero.
@inlinable func nanosFromSeconds(_ seconds: Double) -> Int64 {
    let nanos = (seconds * 1e9).rounded()
    if nanos.isNaN { return 0 }
    if nanos >= 9.2e18 { return .max }
    if nanos <= -9.2e18 { return .min }
    return Int64(nanos)
}
