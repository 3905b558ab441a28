import Foundation
import Results
import Scenario
import TestHarness
import Testing

@testable import NetModel
@testable import SimDriver
import UploadCore

/// Every VM finishes initial replication when the network reuses transfer slots at once: at 10 VMs × 32
/// threads, a response often starts a new transfer at the very nanosecond another one ends, before the driver
/// has taken that completion (the network model hands the freed slot to the new transfer). A lost owner would
/// leave the finished chunk unacknowledged and its VM stuck; the full default sweep showed it at this point. (In
/// debug builds the driver's end-of-run invariant also names such a chunk: "transfer ended but the chunk was never
/// answered".)
@Test(.cpuBound) func everyVMFinishesWhenSlotsAreReusedAtOnce() throws {
    let seed: UInt64 = 1
    let doc = try reference(vms: 10, threads: 32, minutes: 15)
    let result = try SimDriver.run(doc)
    let initial = try #require(result.initialReplication, "reproduce with seed \(seed)")
    #expect(initial.completedVMs == 10, "\(initial.perVMCompletionSeconds); reproduce with seed \(seed)")
    #expect(result.bytesPayload >= initial.bytesToCopy, "reproduce with seed \(seed)")
}

/// The driver's transfer-owner table keeps a displaced owner until its completion is taken.
@Test(.cpuBound) func aReusedSlotKeepsTheEarlierTransfersOwner() throws {
    let run = try ReplicationRun(document: try reference(threads: 1), checkInvariants: true)
    let first = TransferID(slot: 5, generation: 0)
    let second = TransferID(slot: 5, generation: 1)
    run.setOwner(of: first, vm: 0, chunk: ChunkID(7))
    run.setOwner(of: second, vm: 1, chunk: ChunkID(8))
    #expect(run.takeOwner(of: first)?.chunk == ChunkID(7))
    #expect(run.takeOwner(of: second)?.vm == 1)
    #expect(run.takeOwner(of: first) == nil, "an owner is taken once")
    #expect(run.takeOwner(of: TransferID(slot: 99, generation: 0)) == nil)
}
