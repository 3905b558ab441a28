import TestHarness
import Testing

@testable import UploadCore

/// The mock is only a safety net if it rejects illegal actions: feed it some by hand.
@Suite(.cpuBound) struct MockDriverTests {
    private func driver() throws -> MockUploadDriver {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 8 * MiB, usedBytes: 0)], threadsPerVM: 2, chunkBytes: MiB,
            initialReplication: false, deltaFrequencyNanos: 30 * second
        )
        return try MockUploadDriver.started(configuration)
    }

    private func chunk(_ id: UInt64, thread: Int, cycle: Int) -> [UploadAction] {
        let record = ChunkRecord(id: ChunkID(id), disk: 0, offset: 0, length: 512, purpose: .delta(cycle: cycle))
        let request = ChunkRequest(
            id: ChunkID(id), thread: thread, disk: 0, offset: 0, length: 512, purpose: .delta(cycle: cycle), attempt: 1
        )
        return [.appendJournal(.chunkStarted(record)), .startChunk(request)]
    }

    private func seal(_ cycle: Int) -> UploadAction {
        .appendJournal(
            .cycleSealed(
                CycleRecord(
                    cycle: cycle, kind: .delta, sealedAt: 0, disks: [DiskRanges(disk: 0, ranges: [0..<512])],
                    supersedes: []
                )
            )
        )
    }

    @Test func rejectsAChunkOnABusyThread() throws {
        var mock = try driver()
        try mock.apply([seal(100)] + chunk(900, thread: 0, cycle: 100))
        #expect(throws: MockDriverViolation.self) { try mock.apply(chunk(901, thread: 0, cycle: 100)) }
    }

    @Test func rejectsACommitBeforeItsChunksAreJournaled() throws {
        var mock = try driver()
        let commit = CycleCommit(cycle: 100, kind: .delta, disks: [0], sealedAt: 0, bytes: 512)
        #expect(throws: MockDriverViolation.self) {
            try mock.apply([seal(100), .appendJournal(.cycleCommitted(cycle: 100, at: 0)), .commitCycle(commit)])
        }
    }

    @Test func rejectsCommitsOutOfOrder() throws {
        var mock = try driver()
        let commit = CycleCommit(cycle: 101, kind: .delta, disks: [], sealedAt: 0, bytes: 0)
        let empty = CycleRecord(cycle: 101, kind: .delta, sealedAt: 0, disks: [], supersedes: [])
        #expect(throws: MockDriverViolation.self) {
            try mock.apply([
                seal(100), .appendJournal(.cycleSealed(empty)), .appendJournal(.cycleCommitted(cycle: 101, at: 0)),
                .commitCycle(commit),
            ])
        }
    }

    @Test func rejectsTimersArmedTwiceOrCancelledUnarmed() throws {
        var mock = try driver()
        #expect(throws: MockDriverViolation.self) { try mock.apply([.scheduleTimer(.cycle, at: 60 * second)]) }
        #expect(throws: MockDriverViolation.self) { try mock.apply([.cancelTimer(.pacing)]) }
    }

    @Test func rejectsAnAcknowledgementTwice() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 8 * MiB, usedBytes: 2 * MiB)], threadsPerVM: 1, chunkBytes: MiB,
            deltaFrequencyNanos: nil
        )
        var mock = try MockUploadDriver.started(configuration)
        let id = try #require(mock.inFlight.first?.id)
        try mock.succeed(id)
        #expect(throws: MockDriverViolation.self) { try mock.succeed(id) }
        let record = ChunkRecord(id: id, disk: 0, offset: 0, length: MiB, purpose: .initial)
        #expect(throws: MockDriverViolation.self) { try mock.apply([.appendJournal(.chunkAcknowledged(record))]) }
    }
}
