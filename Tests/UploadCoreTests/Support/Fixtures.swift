@testable import UploadCore

let KiB: Int64 = 1024
let MiB: Int64 = 1024 * 1024
let second: Int64 = 1_000_000_000
let minute: Int64 = 60 * second

/// 2024-01-01T00:00:00Z, a Monday, in Unix-epoch nanoseconds.
let monday2024: Int64 = 19_723 * 86_400 * second

extension MockUploadDriver {
    /// A started driver for `configuration`.
    static func started(_ configuration: UploadCoreConfiguration, now: Int64 = 0) throws -> MockUploadDriver {
        var driver = MockUploadDriver(configuration: configuration, now: now)
        try driver.start()
        return driver
    }

    /// Fires `timer` although it is not armed and returns what the core answered (a race it must ignore).
    mutating func fireStale(_ timer: TimerID) -> [UploadAction] {
        core.timerFired(timer, now: now)
    }

    /// Starts of chunks, in order, as (time, bytes).
    var startTimesAndBytes: [(Int64, Int64)] { starts.map { ($0.at, $0.request.length) } }
}
