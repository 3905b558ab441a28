import Foundation

/// The live driver's clock: monotonic (`ContinuousClock`), anchored once to the Unix epoch.
///
/// UploadCore takes `now` as Unix-epoch nanoseconds (its bandwidth throttle reads the hour of day from it).
/// Reading the wall clock for every event would let NTP steps move time backwards; instead the wall clock is read
/// once at creation and monotonic elapsed time is added to it, so `now()` never decreases.
public struct LiveClock: Sendable {
    /// The monotonic instant the clock was created.
    public let origin: ContinuousClock.Instant
    /// Unix-epoch nanoseconds at `origin`.
    public let originEpochNanos: Int64

    /// A clock anchored at the current wall-clock time.
    public init() {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        origin = ContinuousClock.now
        originEpochNanos = Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Unix-epoch nanoseconds now (monotonic).
    /// - Complexity: O(1).
    public func now() -> Int64 { originEpochNanos + Self.nanoseconds(ContinuousClock.now - origin) }

    /// Seconds since the clock was created.
    public func elapsedSeconds() -> Double { Double(Self.nanoseconds(ContinuousClock.now - origin)) / 1e9 }

    /// The monotonic instant that corresponds to core time `epochNanos`.
    public func instant(atEpochNanos epochNanos: Int64) -> ContinuousClock.Instant {
        origin + .nanoseconds(epochNanos - originEpochNanos)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
    }
}
