/// Work-hours and non-work-hours upload caps, as the MARS agent's `Set-OBMachineSetting` sets them
/// (docs/sources.md §1.2: `-WorkDay`, `-StartWorkHour`, `-EndWorkHour`, `-WorkHourBandwidth`, `-NonWorkHourBandwidth`).
///
/// The core enforces it by pacing chunk *starts*: after a chunk of `L` bytes starts at `t`, the next may start
/// at `t + L × 8 / rate(t)` at the earliest, so bytes started in any window `[a, b)` are at most
/// `rate × (b − a) + one chunk`. The rate is read at each start from the `now` the core is given (Unix-epoch
/// nanoseconds shifted by `utcOffsetSeconds`); no clock and no Foundation calendar are used.
///
/// Units: bits per second. Whether MARS's parameters are bits or bytes per second is not documented
/// (docs/sources.md §1.2, [U]); the documented valid range is 512 Kbps to 1,023 Mbps, which this type does not enforce.
public struct BandwidthThrottle: Hashable, Sendable {
    /// A day of the week, numbered as in POSIX `tm_wday`.
    public enum Weekday: Int, Hashable, Sendable, CaseIterable {
        case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday
    }

    /// The days on which `workStartHour..<workEndHour` are work hours.
    public let workDays: [Weekday]
    /// First work hour, local time, `0...23`.
    public let workStartHour: Int
    /// End of work hours (exclusive), local time, `1...24`, greater than `workStartHour`.
    public let workEndHour: Int
    /// The cap during work hours, bits per second.
    public let workHourBitsPerSecond: Int64
    /// The cap outside work hours, bits per second.
    public let nonWorkHourBitsPerSecond: Int64
    /// Local time minus UTC, seconds (for example 3600 for UTC+1).
    public let utcOffsetSeconds: Int64

    /// Creates a throttle; throws ``UploadCoreError/invalidThrottle(reason:)`` naming the bad field.
    public init(
        workDays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday],
        workStartHour: Int = 9,
        workEndHour: Int = 18,
        workHourBitsPerSecond: Int64,
        nonWorkHourBitsPerSecond: Int64,
        utcOffsetSeconds: Int64 = 0
    ) throws(UploadCoreError) {
        guard (0...23).contains(workStartHour), (1...24).contains(workEndHour), workStartHour < workEndHour else {
            throw .invalidThrottle(
                reason: "need 0 <= workStartHour < workEndHour <= 24, got \(workStartHour) and \(workEndHour)"
            )
        }
        guard workHourBitsPerSecond > 0 else {
            throw .invalidThrottle(reason: "workHourBitsPerSecond must be positive, got \(workHourBitsPerSecond)")
        }
        guard nonWorkHourBitsPerSecond > 0 else {
            throw .invalidThrottle(reason: "nonWorkHourBitsPerSecond must be positive, got \(nonWorkHourBitsPerSecond)")
        }
        guard abs(utcOffsetSeconds) <= 14 * 3600 else {
            throw .invalidThrottle(reason: "utcOffsetSeconds must be within ±14 h, got \(utcOffsetSeconds)")
        }
        self.workDays = workDays
        self.workStartHour = workStartHour
        self.workEndHour = workEndHour
        self.workHourBitsPerSecond = workHourBitsPerSecond
        self.nonWorkHourBitsPerSecond = nonWorkHourBitsPerSecond
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The local weekday and hour at `now` (Unix-epoch nanoseconds). 1970-01-01 was a Thursday.
    ///
    /// - Complexity: O(1).
    public func localWeekdayAndHour(at now: Int64) -> (weekday: Weekday, hour: Int) {
        let localSeconds = Self.floorDiv(now, 1_000_000_000) + utcOffsetSeconds
        let days = Self.floorDiv(localSeconds, 86_400)
        let secondOfDay = localSeconds - days * 86_400
        let weekdayNumber = Int(((days + 4) % 7 + 7) % 7)
        guard let weekday = Weekday(rawValue: weekdayNumber) else {
            preconditionFailure("weekday arithmetic produced \(weekdayNumber)")
        }
        return (weekday, Int(secondOfDay / 3600))
    }

    /// Whether `now` falls in work hours.
    ///
    /// - Complexity: O(`workDays.count`).
    public func isWorkHour(at now: Int64) -> Bool {
        let (weekday, hour) = localWeekdayAndHour(at: now)
        return workDays.contains(weekday) && hour >= workStartHour && hour < workEndHour
    }

    /// The cap in force at `now`, bits per second.
    public func bitsPerSecond(at now: Int64) -> Int64 {
        isWorkHour(at: now) ? workHourBitsPerSecond : nonWorkHourBitsPerSecond
    }

    /// How long after starting `bytes` at `now` the next chunk may start: `ceil(bytes × 8 × 10⁹ / rate)` ns.
    ///
    /// - Complexity: O(`workDays.count`).
    public func pacingInterval(forBytes bytes: Int64, at now: Int64) -> Int64 {
        // Integer arithmetic (128-bit intermediate): no libm, exact, and no overflow for any chunk size.
        let rate = bitsPerSecond(at: now)
        let product = (bytes * 8).multipliedFullWidth(by: 1_000_000_000)
        let (quotient, remainder) = rate.dividingFullWidth(product)
        return remainder > 0 ? quotient + 1 : quotient
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
