import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct InitialReplicationTests {
    @Test func copiesSeveralDisksOneAtATimeAndFinishes() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [
                DiskSpec(sizeBytes: 16 * MiB, usedBytes: 8 * MiB),
                DiskSpec(sizeBytes: 8 * MiB, usedExtents: [0..<MiB, 4 * MiB..<7 * MiB]),
                DiskSpec(sizeBytes: 4 * MiB, usedBytes: 0),
                DiskSpec(sizeBytes: 4 * MiB, usedBytes: 2 * MiB + 512),
            ],
            chunkBytes: MiB, deltaFrequencyNanos: nil
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.drain()
        #expect(driver.finished)
        #expect(driver.initialReplicationOrder == [0, 1, 2, 3])
        #expect(driver.core.stats.bytesAcknowledged == 8 * MiB + 4 * MiB + 0 + 2 * MiB + 512)
        #expect(driver.core.stats.bytesPlanned == driver.core.stats.bytesAcknowledged)
        #expect(driver.core.stats.initialReplicationCompletedAt.allSatisfy { $0 != nil })
        // One at a time: every chunk of disk k starts after the last chunk of disk k-1 started.
        let disks = driver.starts.map(\.request.disk)
        #expect(disks == disks.sorted())
        try driver.assertQuiescent()
    }

    @Test(arguments: [1, 4, 32])
    func everyThreadTakesTheNextChunkOfTheQueue(threads: Int) throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 64 * MiB, usedBytes: 64 * MiB)], threadsPerVM: threads, chunkBytes: MiB,
            deltaFrequencyNanos: nil
        )
        var driver = try MockUploadDriver.started(configuration)
        #expect(driver.inFlight.count == threads)
        #expect(driver.core.inFlightCount == threads)
        #expect(driver.core.queueDepth == 64 - threads)
        #expect(driver.inFlight.map(\.thread) == Array(0..<threads))
        try driver.drain()
        #expect(driver.finished)
        #expect(driver.maxConcurrentInFlight == threads)
        #expect(driver.starts.count == 64)
        #expect(driver.starts.map(\.request.offset) == (0..<64).map { Int64($0) * MiB })
        try driver.assertQuiescent()
    }

    @Test func writesDuringInitialReplicationFormTheFirstDeltaCycle() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [
                DiskSpec(sizeBytes: 8 * MiB, usedBytes: 4 * MiB), DiskSpec(sizeBytes: 8 * MiB, usedBytes: 4 * MiB),
            ],
            threadsPerVM: 2, chunkBytes: MiB, deltaFrequencyNanos: 30 * second
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.write(disk: 1, 100..<5000)
        try driver.write(disk: 0, 6 * MiB..<6 * MiB + 10)
        try driver.drain(until: { $0.core.isInitialReplicationComplete && $0.inFlight.isEmpty })
        #expect(driver.commits.count == 1)
        #expect(driver.commits.first?.disks == [0, 1])
        #expect(driver.commits.first?.bytes == Int64(512 + 5120))
        #expect(driver.timers[.cycle] == driver.now + 30 * second)
        // The next timer seals an empty cycle, which commits at once.
        try driver.fireNextTimer()
        #expect(driver.committedOrder == [1, 2])
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    @Test func withoutInitialReplicationOnlyTheCycleTimerIsArmed() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 8 * MiB, usedBytes: 8 * MiB)], initialReplication: false,
            deltaFrequencyNanos: 30 * second
        )
        let driver = try MockUploadDriver.started(configuration)
        #expect(driver.inFlight.isEmpty)
        #expect(driver.timers[.cycle] == 30 * second)
        try driver.assertQuiescent(allowCycleTimer: true)
    }
}

/// Memory of initial replication follows the threads, not the disk's size over the chunk size: a disk's chunks are
/// cut as threads take them, in the order and with the IDs cutting them all at once gave.
@Suite(.cpuBound) struct InitialChunkCuttingTests {
    @Test func queueHoldsAtMostOneChunkPerThreadAhead() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 64 * MiB, usedExtents: [0..<MiB, 3 * MiB..<64 * MiB])],
            threadsPerVM: 8, chunkBytes: 4096, deltaFrequencyNanos: nil
        )
        var driver = try MockUploadDriver.started(configuration)
        let pieces = 62 * MiB / 4096
        #expect(driver.core.queue.count <= 8, "the whole disk was queued: \(driver.core.queue.count) chunks")
        #expect(driver.core.queueDepth == Int(pieces) - 8)
        #expect(driver.core.stats.bytesPlanned == 62 * MiB)
        try driver.drain(maxSteps: 2_000_000) { $0.core.queue.count > 16 }
        #expect(driver.finished)
        #expect(driver.starts.count == Int(pieces))
        let inOrder = driver.starts.map(\.request.id.rawValue) == (0..<UInt64(pieces)).map { $0 }
        #expect(inOrder, "chunk IDs are not 0, 1, 2, ... in start order")
        let expected = ByteRangeSet([0..<MiB, 3 * MiB..<64 * MiB]).pieces(ofAtMost: 4096).map(\.lowerBound)
        let sameOffsets = driver.starts.map(\.request.offset) == expected
        #expect(sameOffsets, "chunks do not start in the order of the disk's pieces")
        try driver.assertQuiescent()
    }
}
