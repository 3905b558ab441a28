import Testing

@testable import UploadCore

@Suite struct CycleTests {
    private func deltaOnly(threads: Int = 4, diskBytes: Int64 = 64 * MiB, chunk: Int64 = 64 * KiB) throws
        -> UploadCoreConfiguration
    {
        try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: diskBytes, usedBytes: diskBytes)], threadsPerVM: threads, chunkBytes: chunk,
            initialReplication: false, deltaFrequencyNanos: 30 * second
        )
    }

    @Test func cyclesCommitInOrderWhenChunksCompleteOutOfOrder() throws {
        var driver = try MockUploadDriver.started(try deltaOnly())
        try driver.write(disk: 0, 0..<128 * KiB)
        try driver.fireNextTimer()  // cycle 1: 2 chunks
        try driver.write(disk: 0, MiB..<MiB + 128 * KiB)
        try driver.fireNextTimer()  // cycle 2: 2 chunks
        #expect(
            driver.inFlight.map(\.purpose) == [.delta(cycle: 1), .delta(cycle: 1), .delta(cycle: 2), .delta(cycle: 2)])
        for request in driver.inFlight.reversed() where request.purpose == .delta(cycle: 2) {
            try driver.succeed(request.id)
        }
        #expect(driver.commits.isEmpty)
        try driver.succeed(try #require(driver.inFlight.last?.id))
        #expect(driver.commits.isEmpty)
        try driver.succeed(try #require(driver.inFlight.first?.id))
        #expect(driver.committedOrder == [1, 2])
        let stats = driver.core.stats.cycles
        #expect(stats.map(\.sealedAt) == [30 * second, 60 * second])
        #expect(stats.map(\.committedAt) == [60 * second, 60 * second])
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    /// A newer cycle's chunk for bytes an older cycle is still sending waits for that send to be answered (storage
    /// applies writes in arrival order); a disjoint chunk queued behind it starts meanwhile.
    @Test func aChunkOverlappingOneInFlightWaitsForIt() throws {
        var driver = try MockUploadDriver.started(try deltaOnly())
        try driver.write(disk: 0, 0..<64 * KiB)
        try driver.fireNextTimer()  // cycle 1: [0, 64 KiB) in flight
        try driver.write(disk: 0, 32 * KiB..<96 * KiB)  // overlaps it
        try driver.write(disk: 0, MiB..<MiB + 64 * KiB)  // does not
        try driver.fireNextTimer()  // cycle 2: [32, 96) KiB waits, [1 MiB, +64 KiB) starts
        let ranges = { (d: MockUploadDriver) in d.inFlight.map { $0.offset..<($0.offset + $0.length) } }
        #expect(ranges(driver) == [0..<64 * KiB, MiB..<MiB + 64 * KiB])
        #expect(driver.core.queueDepth == 1)
        try driver.succeed(try #require(driver.inFlight.first?.id))
        #expect(ranges(driver).contains(32 * KiB..<96 * KiB), "starts once the overlapping send is answered")
        try driver.drain(until: { $0.commits.count == 2 })
        #expect(driver.committedOrder == [1, 2])
    }

    @Test func emptyCyclesAreRecoveryPointsToo() throws {
        var driver = try MockUploadDriver.started(try deltaOnly())
        for _ in 0..<3 { try driver.fireNextTimer() }
        #expect(driver.committedOrder == [1, 2, 3])
        #expect(driver.commits.allSatisfy { $0.disks.isEmpty && $0.bytes == 0 })
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    @Test func writesAreCoalescedAndAlignedToPages() throws {
        var driver = try MockUploadDriver.started(try deltaOnly(threads: 1))
        try driver.write(disk: 0, 10..<20)
        try driver.write(disk: 0, 500..<700)
        try driver.write(disk: 0, 0..<1)
        try driver.write(disk: 0, 64 * MiB - 1..<64 * MiB + 100)  // clipped to the disk
        try driver.fireNextTimer()
        #expect(driver.inFlight.map { $0.offset..<($0.offset + $0.length) } == [0..<1024])
        try driver.drain(until: { $0.commits.count == 1 })
        #expect(driver.commits.first?.bytes == Int64(1024 + 512))
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    /// Pending change = sealed, uncommitted cycles + the current log; at 50 % of the disk a resync replaces them.
    @Test func resyncAtHalfTheDiskThenCyclesResume() throws {
        var driver = try MockUploadDriver.started(try deltaOnly(threads: 1, diskBytes: MiB, chunk: 128 * KiB))
        try driver.write(disk: 0, 0..<256 * KiB)
        try driver.fireNextTimer()  // cycle 1 (256 KiB), first chunk in flight
        let stale = try #require(driver.inFlight.first)
        try driver.write(disk: 0, 512 * KiB..<768 * KiB - 512)
        #expect(driver.resyncsStarted.isEmpty)
        try driver.write(disk: 0, 768 * KiB - 512..<768 * KiB)  // 256 KiB sealed + 256 KiB logged = 50 %
        #expect(driver.resyncsStarted == [2])
        #expect(driver.core.stats.cycles.first?.supersededBy == 2)
        try driver.succeed(stale.id)  // completes for a superseded cycle: not journaled, not counted for a cycle
        #expect(driver.core.stats.staleCompletions == 1)
        try driver.drain(until: { !$0.resyncsCompleted.isEmpty })
        #expect(driver.committedOrder == [2])
        #expect(driver.commits.first?.kind == .resync)
        #expect(driver.commits.first?.bytes == 512 * KiB)
        try driver.write(disk: 0, 0..<512)
        try driver.fireNextTimer()
        try driver.drain(until: { $0.commits.count == 2 })
        #expect(driver.committedOrder == [2, 3])
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    @Test func noResyncDuringInitialReplication() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: MiB, usedBytes: MiB)], threadsPerVM: 1, chunkBytes: 128 * KiB,
            deltaFrequencyNanos: 30 * second
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.write(disk: 0, 0..<MiB)
        #expect(driver.resyncsStarted.isEmpty)
        try driver.drain(until: { $0.commits.count == 1 })
        #expect(driver.commits.first?.bytes == MiB)
        try driver.assertQuiescent(allowCycleTimer: true)
    }
}
