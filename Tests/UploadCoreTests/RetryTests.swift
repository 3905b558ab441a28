import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct RetryTests {
    private func oneChunk(_ policy: RetryPolicy, threads: Int = 1, chunks: Int64 = 1) throws -> UploadCoreConfiguration
    {
        try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: chunks * MiB, usedBytes: chunks * MiB)], threadsPerVM: threads,
            chunkBytes: MiB, deltaFrequencyNanos: nil, retryPolicy: policy, seed: 42
        )
    }

    @Test func backoffTableMatchesTheDocComment() {
        let standard = (1...8).map { RetryPolicy.standard.nominalDelay(afterFailures: $0) / second }
        #expect(standard == [1, 2, 4, 8, 16, 32, 60, 60])
        let asr = (1...7).map { RetryPolicy.asrOutageSchedule.nominalDelay(afterFailures: $0) / minute }
        #expect(asr == [1, 2, 4, 8, 10, 30, 30])
        var generator = SplitMix64(seed: 1)
        for failures in 1...10 {
            let nominal = RetryPolicy.standard.nominalDelay(afterFailures: failures)
            let jittered = RetryPolicy.standard.delay(afterFailures: failures, using: &generator)
            #expect(jittered >= nominal * 9 / 10 && jittered <= nominal * 11 / 10)
        }
    }

    @Test func followsTheASROutageScheduleThenSucceeds() throws {
        var driver = try MockUploadDriver.started(try oneChunk(.asrOutageSchedule))
        var delays: [Int64] = []
        for _ in 0..<7 {
            let id = try #require(driver.inFlight.first?.id)
            try driver.fail(id, .connectionReset)
            #expect(driver.inFlight.isEmpty)
            let at = try #require(driver.timers[.backoff])
            delays.append((at - driver.now) / minute)
            try driver.fireNextTimer()
        }
        #expect(delays == [1, 2, 4, 8, 10, 30, 30])
        #expect(driver.inFlight.first?.attempt == 8)
        try driver.drain()
        #expect(driver.finished)
        #expect(driver.core.stats.retries == 7)
        #expect(driver.core.stats.connectionResets == 7)
        #expect(driver.core.stats.bytesResentAfterFailure == 7 * MiB)
        try driver.assertQuiescent()
    }

    @Test func honoursRetryAfterAndResetsOnSuccess() throws {
        var driver = try MockUploadDriver.started(try oneChunk(.standard, chunks: 2))
        try driver.fail(try #require(driver.inFlight.first?.id), .throttled(retryAfterNanos: 7 * second))
        #expect(driver.timers[.backoff] == driver.now + 7 * second)
        try driver.fireNextTimer()
        try driver.fail(try #require(driver.inFlight.first?.id), .throttled(retryAfterNanos: nil))
        let second2 = try #require(driver.timers[.backoff]) - driver.now
        #expect(second2 >= 1_800_000_000 && second2 <= 2_200_000_000)
        try driver.fireNextTimer()
        try driver.succeed(try #require(driver.inFlight.first?.id))
        try driver.fail(try #require(driver.inFlight.first?.id), .serverError(status: 500))
        let afterReset = try #require(driver.timers[.backoff]) - driver.now
        #expect(afterReset >= 900_000_000 && afterReset <= 1_100_000_000)
        try driver.drain()
        #expect(driver.core.stats.throttledResponses == 2)
        #expect(driver.core.stats.serverErrors == 1)
        try driver.assertQuiescent()
    }

    @Test func failuresOfOneOutageCountOnce() throws {
        var driver = try MockUploadDriver.started(try oneChunk(.asrOutageSchedule, threads: 4, chunks: 8))
        for request in driver.inFlight { try driver.fail(request.id, .timedOut) }
        #expect(driver.timers[.backoff] == driver.now + minute)
        #expect(driver.core.queueDepth == 8)
        try driver.fireNextTimer()
        #expect(driver.inFlight.count == 4)
        #expect(driver.inFlight.allSatisfy { $0.attempt == 2 })
        try driver.fail(try #require(driver.inFlight.first?.id), .timedOut)
        #expect(driver.timers[.backoff] == driver.now + 2 * minute)
        try driver.drain()
        #expect(driver.finished)
        try driver.assertQuiescent()
    }

    @Test func givesUpAfterMaxAttemptsAndIgnoresLaterOutcomes() throws {
        let policy = RetryPolicy.exponential(base: second, cap: 10 * second, multiplier: 2, jitter: 0, maxAttempts: 3)
        var driver = try MockUploadDriver.started(try oneChunk(policy, threads: 2, chunks: 4))
        let other = try #require(driver.inFlight.last?.id)
        for _ in 0..<2 {
            try driver.fail(try #require(driver.inFlight.first?.id), .connectionReset)
            try driver.fireNextTimer()
        }
        try driver.fail(try #require(driver.inFlight.first { $0.id != other }?.id), .connectionReset)
        #expect(driver.failed)
        #expect(driver.core.hasFailed)
        try driver.succeed(other)  // in flight when the core gave up: a no-op
        #expect(driver.timers.isEmpty)
        #expect(driver.fireStale(.backoff).isEmpty)
    }

    @Test func staleTimersAreIgnored() throws {
        var driver = try MockUploadDriver.started(try oneChunk(.standard, chunks: 4))
        #expect(driver.fireStale(.backoff).isEmpty)
        #expect(driver.fireStale(.pacing).isEmpty)
        #expect(driver.fireStale(.cycle).isEmpty)
        try driver.drain()
        try driver.assertQuiescent()
    }
}
