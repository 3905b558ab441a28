import TestHarness
import Testing

@testable import UploadCore

/// Hundreds of small seeded scenarios with random failures, throttling, writes and host restarts, driven through
/// the validating mock, which throws on any illegal action. At the end everything sealed must be committed or
/// superseded, nothing left over, and the counters consistent.
@Suite(.cpuBound) struct RandomizedTests {
    static let seedsPerBatch: UInt64 = 60

    @Test(arguments: 0..<5)
    func invariantsHoldUnderRandomFaults(batch: Int) {
        let first = UInt64(batch) * Self.seedsPerBatch
        for seed in first..<(first + Self.seedsPerBatch) {
            do {
                try Self.run(seed: seed)
            } catch {
                Issue.record("\(error) — reproduce with seed \(seed)")
            }
        }
    }

    static func configuration(_ random: inout SplitMix64, seed: UInt64) throws -> UploadCoreConfiguration {
        let chunkBytes = [64 * KiB, 128 * KiB, 256 * KiB].randomElement(using: &random) ?? 64 * KiB
        let disks = (0..<Int.random(in: 1...3, using: &random)).map { _ in
            let size = Int64.random(in: 512...8192, using: &random) * 512
            let used = Int64.random(in: 0...size, using: &random)
            return DiskSpec(sizeBytes: size, usedBytes: used)
        }
        let throttle: BandwidthThrottle? =
            Bool.random(using: &random)
            ? try BandwidthThrottle(workHourBitsPerSecond: 200_000_000, nonWorkHourBitsPerSecond: 1_000_000_000) : nil
        let policy: RetryPolicy =
            Int.random(in: 0..<10, using: &random) == 0
            ? .exponential(base: 50_000_000, cap: second, multiplier: 2, jitter: 0.2, maxAttempts: 3)
            : .exponential(base: 100_000_000, cap: 5 * second, multiplier: 2, jitter: 0.2, maxAttempts: nil)
        return try UploadCoreConfiguration(
            disks: disks,
            threadsPerVM: Int.random(in: 1...32, using: &random),
            chunkBytes: chunkBytes,
            initialReplication: Int.random(in: 0..<4, using: &random) != 0,
            deltaFrequencyNanos: Bool.random(using: &random) ? 30 * second : nil,
            retryPolicy: policy,
            throttle: throttle,
            resyncThreshold: Double.random(in: 0.2...1.0, using: &random),
            seed: seed
        )
    }

    static func failure(_ random: inout SplitMix64) -> ChunkFailure {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return .connectionReset
        case 1:
            return .throttled(
                retryAfterNanos: Bool.random(using: &random) ? Int64.random(in: 0...2 * second, using: &random) : nil)
        case 2: return .serverError(status: 500)
        default: return .timedOut
        }
    }

    @discardableResult
    static func run(seed: UInt64) throws -> MockUploadDriver {
        var random = SplitMix64(seed: seed ^ 0xC0FF_EE00)
        let configuration = try configuration(&random, seed: seed)
        var driver = try MockUploadDriver.started(configuration, now: monday2024)
        for _ in 0..<Int.random(in: 50...400, using: &random) {
            if driver.finished || driver.failed { break }
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 50, let request = driver.inFlight.randomElement(using: &random) {
                try driver.advance(by: Int64.random(in: 0...50_000_000, using: &random))
                if Int.random(in: 0..<100, using: &random) < 80 {
                    try driver.succeed(request.id)
                } else {
                    try driver.fail(request.id, failure(&random))
                }
            } else if roll < 75 {
                let disk = Int.random(in: 0..<configuration.disks.count, using: &random)
                let size = configuration.disks[disk].sizeBytes
                let lower = Int64.random(in: 0..<size, using: &random)
                let upper = Swift.min(size, lower + Int64.random(in: 1...(256 * KiB), using: &random))
                try driver.write(disk: disk, lower..<upper)
            } else if roll < 78 {
                try driver.restart()
            } else if !(try driver.fireNextTimer()), driver.inFlight.isEmpty {
                throw MockDriverViolation("stalled: nothing in flight, no timer armed, not finished")
            }
        }
        if driver.failed {
            #expect(driver.core.hasFailed)
            return driver
        }
        // Settle: no more faults or writes; everything sealed must commit (or have been superseded).
        try driver.drain(maxSteps: 200_000) { driver in
            driver.finished
                || (driver.core.isInitialReplicationComplete && driver.core.uncommittedCycleCount == 0
                    && driver.inFlight.isEmpty && driver.core.queueDepth == 0)
        }
        if configuration.deltaFrequencyNanos == nil {
            guard driver.finished else { throw MockDriverViolation("initial-replication-only run did not finish") }
        }
        try driver.assertQuiescent(allowCycleTimer: configuration.deltaFrequencyNanos != nil)
        let stats = driver.core.stats
        guard stats.bytesAcknowledged <= stats.bytesPlanned else {
            throw MockDriverViolation("acknowledged \(stats.bytesAcknowledged) > planned \(stats.bytesPlanned)")
        }
        guard driver.bytesResentAfterRestartsSeen <= driver.bytesInFlightAtRestarts else {
            throw MockDriverViolation("re-sent \(driver.bytesResentAfterRestartsSeen) > in flight at restarts")
        }
        let sealed = Set(driver.sealedCycles.keys)
        guard sealed == driver.committedCycles.union(driver.superseded) else {
            throw MockDriverViolation("cycles neither committed nor superseded")
        }
        if configuration.initialReplication {
            guard driver.initialCompleted.allSatisfy({ $0 }) else {
                throw MockDriverViolation("a disk never completed")
            }
        }
        return driver
    }

    /// The random runs are only worth something if they reach every feature: check that they do.
    @Test func randomRunsReachEveryFeature() throws {
        var restarts = 0, resyncs = 0, retries = 0, throttled = 0, finished = 0, failed = 0, commits = 0
        var resentAfterRecovery: Int64 = 0, stale = 0, maxThreads = 0
        for seed: UInt64 in 0..<100 {
            let driver = try Self.run(seed: seed)
            restarts += driver.restarts
            resyncs += driver.resyncsCompleted.count
            retries += driver.core.stats.retries
            throttled += driver.core.stats.throttledResponses
            finished += driver.finished ? 1 : 0
            failed += driver.failed ? 1 : 0
            commits += driver.commits.count
            resentAfterRecovery += driver.core.stats.bytesResentAfterRecovery
            stale += driver.core.stats.staleCompletions
            maxThreads = Swift.max(maxThreads, driver.maxConcurrentInFlight)
        }
        #expect(restarts > 20 && resyncs > 5 && retries > 100 && throttled > 20)
        #expect(finished > 10 && failed > 0 && commits > 100 && resentAfterRecovery > 0 && stale > 0)
        #expect(maxThreads > 16)
        print(
            "random runs: restarts \(restarts), resyncs \(resyncs), retries \(retries), throttled \(throttled), "
                + "finished \(finished), failed \(failed), commits \(commits), "
                + "resent after recovery \(resentAfterRecovery) B, "
                + "stale \(stale), max threads \(maxThreads)")
    }

    /// The same seed gives the same run: the core is deterministic.
    @Test func sameSeedSameActions() throws {
        func trace(seed: UInt64) throws -> [UploadAction] {
            var random = SplitMix64(seed: seed)
            let configuration = try Self.configuration(&random, seed: seed)
            var core = UploadCore(configuration: configuration)
            var actions = core.start(now: 0)
            var now: Int64 = 0
            for _ in 0..<200 {
                now += 1_000_000
                let started = actions.compactMap { action -> ChunkID? in
                    if case .startChunk(let request) = action { return request.id } else { return nil }
                }
                guard let id = started.first else { break }
                actions =
                    Bool.random(using: &random)
                    ? core.chunkSucceeded(id, now: now) : core.chunkFailed(id, reason: .timedOut, now: now)
            }
            return actions + [.cancelTimer(.cycle)] + core.stats.cycles.map { .resyncCompleted(cycle: $0.cycle) }
        }
        for seed: UInt64 in [1, 2, 3] {
            #expect(try trace(seed: seed) == trace(seed: seed), "reproduce with seed \(seed)")
        }
    }
}
