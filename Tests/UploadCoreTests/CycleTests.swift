import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct CycleTests {
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

/// Memory of delta and resync cycles follows the threads and the ranges, not the bytes they move: a cycle's chunks
/// are cut as threads take them, in the order and with the IDs that queueing them all at seal time gave.
@Suite(.cpuBound) struct CycleChunkCuttingTests {
    private static let pieceBytes: Int64 = 4096

    private static func configuration(threads: Int = 8) throws -> UploadCoreConfiguration {
        try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 64 * MiB, usedBytes: 64 * MiB), DiskSpec(sizeBytes: 64 * MiB, usedBytes: 0)],
            threadsPerVM: threads, chunkBytes: pieceBytes, initialReplication: false,
            deltaFrequencyNanos: 30 * second, resyncThreshold: 0.5
        )
    }

    @Test func aBigDeltaCycleIsCutAsThreadsTakeIt() throws {
        var driver = try MockUploadDriver.started(try Self.configuration())
        try driver.write(disk: 0, 0..<20 * MiB)
        try driver.write(disk: 1, 8 * MiB..<12 * MiB)
        try driver.fireNextTimer()  // cycle 1: 6,144 chunks over two disks
        try driver.write(disk: 0, 10 * MiB..<11 * MiB)  // cycle 2 overlaps cycle 1's bytes
        try driver.fireNextTimer()
        let cycle1 = Int(24 * MiB / Self.pieceBytes), cycle2 = Int(MiB / Self.pieceBytes)
        #expect(driver.core.queue.count <= 8, "the cycles were queued whole: \(driver.core.queue.count) chunks")
        #expect(driver.core.queueDepth == cycle1 + cycle2 - 8)
        #expect(driver.core.stats.bytesPlanned == 25 * MiB)
        try driver.drain(maxSteps: 100_000, until: { $0.core.queue.count > 16 || $0.commits.count == 2 })
        #expect(driver.core.queue.count <= 16, "the queue grew to \(driver.core.queue.count) chunks")
        #expect(driver.committedOrder == [1, 2])
        #expect(driver.starts.count == cycle1 + cycle2)
        let inOrder = driver.starts.map(\.request.id.rawValue) == (0..<UInt64(cycle1 + cycle2)).map { $0 }
        #expect(inOrder, "chunk IDs are not 0, 1, 2, ... in start order")
        let expected =
            ByteRangeSet([0..<20 * MiB]).pieces(ofAtMost: Self.pieceBytes).map { (0, $0.lowerBound) }
            + ByteRangeSet([8 * MiB..<12 * MiB]).pieces(ofAtMost: Self.pieceBytes).map { (1, $0.lowerBound) }
            + ByteRangeSet([10 * MiB..<11 * MiB]).pieces(ofAtMost: Self.pieceBytes).map { (0, $0.lowerBound) }
        let started = driver.starts.map { ($0.request.disk, $0.request.offset) }
        #expect(started.elementsEqual(expected, by: ==), "chunks do not start in the order of the cycles' pieces")
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    /// Queued chunks that overlap ones in flight are passed over: chunks are cut until one can start, and no further.
    @Test func chunksOverlappingOnesInFlightArePassedOverCuttingOnlyUpToTheFirstThatCanStart() throws {
        var driver = try MockUploadDriver.started(try Self.configuration(threads: 3))
        try driver.write(disk: 0, 0..<8 * KiB)
        try driver.fireNextTimer()  // cycle 1: [0, 4) and [4, 8) KiB in flight, the third thread idle
        for page in stride(from: Int64(0), to: 8 * KiB, by: 1024) { try driver.write(disk: 0, page..<page + 512) }
        try driver.write(disk: 0, MiB..<2 * MiB)
        try driver.fireNextTimer()  // cycle 2: eight 512-byte chunks under cycle 1's, then 256 chunks from 1 MiB
        #expect(driver.inFlight.map(\.offset) == [0, 4 * KiB, MiB])
        #expect(driver.inFlight.map(\.purpose) == [.delta(cycle: 1), .delta(cycle: 1), .delta(cycle: 2)])
        #expect(driver.core.queue.count == 8, "cut \(driver.core.queue.count) chunks to pass over eight")
        #expect(driver.core.queueDepth == 8 + 255)
        try driver.drain(until: { $0.commits.count == 2 })
        #expect(driver.committedOrder == [1, 2])
        try driver.assertQuiescent(allowCycleTimer: true)
    }

    @Test func aResyncIsCutAsThreadsTakeItAndDropsTheUncutChunksItReplaces() throws {
        var driver = try MockUploadDriver.started(try Self.configuration())
        try driver.write(disk: 0, 0..<16 * MiB)
        try driver.fireNextTimer()  // cycle 1: 4,096 chunks, 8 in flight
        let idsBefore = driver.core.nextChunkID
        try driver.write(disk: 0, 16 * MiB..<32 * MiB)  // 16 MiB sealed + 16 MiB logged = 50 %: resync 2
        #expect(driver.resyncsStarted == [2])
        #expect(driver.core.queue.count <= 8, "the resync was queued whole: \(driver.core.queue.count) chunks")
        #expect(driver.core.uncut.count == 1, "cycle 1's uncut chunks were not dropped")
        #expect(driver.core.queueDepth == Int(32 * MiB / Self.pieceBytes))
        #expect(driver.core.nextChunkID == idsBefore + UInt64(32 * MiB / Self.pieceBytes))
        try driver.drain(maxSteps: 100_000, until: { $0.core.queue.count > 16 || !$0.resyncsCompleted.isEmpty })
        #expect(driver.core.queue.count <= 16, "the queue grew to \(driver.core.queue.count) chunks")
        #expect(driver.committedOrder == [2])
        #expect(driver.commits.first?.bytes == 32 * MiB)
        // Cycle 1's chunks still in flight hold back the resync's first chunks over the same bytes (order per byte),
        // so the starts are not in ID order; each ID still names the piece cutting everything at once gave it.
        let resyncStarts = driver.starts.filter { $0.request.purpose == .resync(cycle: 2) }
        let pieces = ByteRangeSet([0..<32 * MiB]).pieces(ofAtMost: Self.pieceBytes)
        #expect(resyncStarts.count == pieces.count)
        let sameIDs = resyncStarts.map(\.request.id.rawValue).sorted() == (0..<UInt64(pieces.count)).map { idsBefore + $0 }
        #expect(sameIDs, "the resync's chunk IDs are not the \(pieces.count) reserved at its start")
        let idsMatchPieces = resyncStarts.allSatisfy {
            let piece = pieces[Int($0.request.id.rawValue - idsBefore)]
            return $0.request.offset == piece.lowerBound && $0.request.length == piece.count
        }
        #expect(idsMatchPieces, "a resync chunk's ID does not name its piece in the eager order")
    }
}
