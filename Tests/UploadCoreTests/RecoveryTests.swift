import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct RecoveryTests {
    /// A host restart mid-cycle: committed cycles stay committed, acknowledged chunks are not sent again, and the
    /// bytes sent again are exactly those in flight at the restart.
    @Test func restartMidCycleLosesNothingAndResendsOnlyTheInFlightChunks() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 64 * MiB, usedBytes: 64 * MiB)], threadsPerVM: 4, chunkBytes: MiB,
            initialReplication: false, deltaFrequencyNanos: 30 * second
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.write(disk: 0, 40 * MiB..<41 * MiB)
        try driver.fireNextTimer()
        try driver.drain(until: { $0.commits.count == 1 })
        try driver.write(disk: 0, 0..<16 * MiB)
        try driver.fireNextTimer()  // cycle 2: 16 chunks, 4 in flight
        let inFlightBefore = driver.inFlight
        try driver.succeed(inFlightBefore[1].id)
        try driver.succeed(inFlightBefore[3].id)
        #expect(driver.inFlight.count == 4)
        let startsBefore = driver.starts.count

        try driver.restart()
        #expect(driver.bytesInFlightAtRestarts == 4 * MiB)
        try driver.drain(until: { $0.commits.count == 2 })
        #expect(driver.committedOrder == [1, 2])
        let resent = driver.starts[startsBefore...].reduce(Int64(0)) { $0 + $1.request.length }
        #expect(resent == 14 * MiB)  // 16 MiB sealed − 2 MiB acknowledged before the restart
        #expect(driver.bytesResentAfterRestartsSeen == 4 * MiB)
        #expect(driver.core.stats.bytesResentAfterRecovery == 4 * MiB)
        #expect(driver.core.stats.bytesResentAfterRecovery <= driver.bytesInFlightAtRestarts)
        let lastIDBefore = try #require(driver.starts[..<startsBefore].map(\.request.id).max())
        #expect(driver.starts[startsBefore...].allSatisfy { $0.request.id > lastIDBefore })  // IDs never reused
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    @Test func restartDuringInitialReplicationResumesTheCurrentDisk() throws {
        let configuration = try UploadCoreConfiguration(
            disks: Array(repeating: DiskSpec(sizeBytes: 8 * MiB, usedBytes: 8 * MiB), count: 3),
            threadsPerVM: 4, chunkBytes: MiB, deltaFrequencyNanos: nil
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.drain(until: {
            $0.initialReplicationOrder == [0] && $0.starts.filter { $0.request.disk == 1 }.count >= 6
        })
        try driver.succeed(try #require(driver.inFlight.first?.id))
        try driver.restart()
        try driver.drain()
        #expect(driver.finished)
        #expect(driver.initialReplicationOrder == [0, 1, 2])
        let totalStarted = driver.starts.reduce(Int64(0)) { $0 + $1.request.length }
        #expect(totalStarted == 24 * MiB + driver.bytesInFlightAtRestarts)
        #expect(driver.core.stats.bytesResentAfterRecovery == driver.bytesInFlightAtRestarts)
        try driver.assertQuiescent()
    }

    /// Regression (found by the randomized runs): acknowledged ranges are kept per disk across recovery.
    @Test func restartMidCycleWithSeveralDisksKeepsAcknowledgementsPerDisk() throws {
        let configuration = try UploadCoreConfiguration(
            disks: Array(repeating: DiskSpec(sizeBytes: 8 * MiB, usedBytes: 0), count: 2), threadsPerVM: 2,
            chunkBytes: MiB, initialReplication: false, deltaFrequencyNanos: 30 * second
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.write(disk: 0, 0..<2 * MiB)
        try driver.write(disk: 1, 0..<2 * MiB)
        try driver.fireNextTimer()  // disk 0's two chunks in flight
        for request in driver.inFlight { try driver.succeed(request.id) }
        try driver.restart()
        try driver.drain(until: { $0.commits.count == 1 })
        let disk1Bytes = driver.starts.filter { $0.request.disk == 1 }.reduce(Int64(0)) { $0 + $1.request.length }
        #expect(disk1Bytes >= 2 * MiB)
        #expect(driver.commits.first?.bytes == 4 * MiB)
    }

    @Test func openLogFromTheHostIsSealedAfterRecovery() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 8 * MiB, usedBytes: 0)], initialReplication: false,
            deltaFrequencyNanos: 30 * second
        )
        var driver = try MockUploadDriver.started(configuration)
        try driver.restart(openLog: [DiskRanges(disk: 0, ranges: [0..<4096])])
        try driver.fireNextTimer()
        try driver.drain(until: { $0.commits.count == 1 })
        #expect(driver.commits.first?.bytes == 4096)
    }

    @Test func corruptJournalsAreRejectedWithTheRecordNamed() throws {
        let configuration = try UploadCoreConfiguration(disks: [DiskSpec(sizeBytes: 8 * MiB, usedBytes: 0)])
        let chunk = ChunkRecord(id: ChunkID(0), disk: 0, offset: 0, length: 512, purpose: .initial)
        #expect(throws: UploadCoreError.corruptJournal(index: 1, reason: "chunk#0 acknowledged twice")) {
            try UploadCore(
                configuration: configuration, recoveringFrom: [.chunkAcknowledged(chunk), .chunkAcknowledged(chunk)])
        }
        #expect(throws: UploadCoreError.corruptJournal(index: 0, reason: "cycle 3 committed out of order")) {
            try UploadCore(configuration: configuration, recoveringFrom: [.cycleCommitted(cycle: 3, at: 0)])
        }
        let outside = ChunkRecord(id: ChunkID(1), disk: 2, offset: 0, length: 512, purpose: .initial)
        #expect(throws: UploadCoreError.corruptJournal(index: 0, reason: "chunk#1 names no disk 2")) {
            try UploadCore(configuration: configuration, recoveringFrom: [.chunkStarted(outside)])
        }
        let early = CycleRecord(cycle: 1, kind: .delta, sealedAt: 0, disks: [], supersedes: [])
        #expect(
            throws: UploadCoreError.corruptJournal(
                index: 0, reason: "cycle 1 sealed before initial replication completed")
        ) {
            try UploadCore(configuration: configuration, recoveringFrom: [.cycleSealed(early)])
        }
        let unknownCycle = ChunkRecord(id: ChunkID(2), disk: 0, offset: 0, length: 512, purpose: .delta(cycle: 9))
        #expect(throws: UploadCoreError.self) {
            try UploadCore(configuration: configuration, recoveringFrom: [.chunkAcknowledged(unknownCycle)])
        }
    }
}
