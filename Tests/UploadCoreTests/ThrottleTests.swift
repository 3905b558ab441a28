import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct ThrottleTests {
    @Test func computesLocalWeekdayAndHourWithoutFoundation() throws {
        let utc = try BandwidthThrottle(workHourBitsPerSecond: 1, nonWorkHourBitsPerSecond: 2)
        #expect(utc.localWeekdayAndHour(at: 0) == (.thursday, 0))
        #expect(utc.localWeekdayAndHour(at: monday2024 + 9 * 3600 * second) == (.monday, 9))
        #expect(utc.isWorkHour(at: monday2024 + 9 * 3600 * second))
        #expect(!utc.isWorkHour(at: monday2024 + 18 * 3600 * second))
        #expect(!utc.isWorkHour(at: monday2024 + 5 * 86_400 * second + 10 * 3600 * second))  // Saturday
        let behind = try BandwidthThrottle(
            workHourBitsPerSecond: 1, nonWorkHourBitsPerSecond: 2, utcOffsetSeconds: -3600)
        #expect(behind.localWeekdayAndHour(at: monday2024) == (.sunday, 23))
        #expect(behind.bitsPerSecond(at: monday2024 + 10 * 3600 * second) == 1)
        #expect(behind.localWeekdayAndHour(at: -1) == (.wednesday, 22))
    }

    /// Starts at 08:59:50 on a Monday: non-work pacing (80 Mbit/s), then work-hour pacing (8 Mbit/s) from 09:00.
    @Test func pacesChunkStartsToTheCapAcrossTheWorkHourBoundary() throws {
        let throttle = try BandwidthThrottle(workHourBitsPerSecond: 8_000_000, nonWorkHourBitsPerSecond: 80_000_000)
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 256 * MiB, usedBytes: 256 * MiB)], chunkBytes: MiB, deltaFrequencyNanos: nil,
            throttle: throttle
        )
        let startTime = monday2024 + 9 * 3600 * second - 10 * second
        var driver = try MockUploadDriver.started(configuration, now: startTime)
        try driver.drain()
        #expect(driver.finished)
        let starts = driver.startTimesAndBytes
        #expect(starts.count == 256)
        for (previous, next) in zip(starts, starts.dropFirst()) {
            let expected = throttle.pacingInterval(forBytes: previous.1, at: previous.0)
            #expect(next.0 - previous.0 == expected)
        }
        let nonWork = starts.filter { $0.0 < startTime + 10 * second }.count
        #expect(nonWork == 96)  // ceil(10 s / 104.8576 ms)
        // In any window, bytes started <= cap × window + one chunk.
        for (index, first) in starts.enumerated() {
            for last in starts[index...] where last.0 - first.0 <= 30 * second {
                let window = last.0 - first.0
                let bytes = starts[index...].prefix { $0.0 <= last.0 }.reduce(0) { $0 + $1.1 }
                let capBytes = Double(throttle.bitsPerSecond(at: first.0)) / 8 * Double(window) / 1e9
                #expect(Double(bytes) <= capBytes + Double(MiB) + 1)
            }
        }
        try driver.assertQuiescent()
    }
}
