import UploadCore

/// Run invariants, checked after every batch of core actions when enabled (debug builds and tests):
/// bytes acknowledged ≤ bytes planned, no chunk acknowledged twice, cycles commit in order, every chunk of a
/// committed cycle is journaled as acknowledged. The first violation stops the run, and `SimDriver.run` throws
/// it (naming the VM and what broke) so that a randomized test can print its seed.
struct InvariantChecker {
    private(set) var violation: String?
    private var acknowledged: [Set<ChunkID>] = []
    private var journaledAcks: [Set<ChunkID>] = []
    private var chunksOfCycle: [[Int: Set<ChunkID>]] = []
    private var lastCommitted: [Int] = []

    private mutating func ensure(_ vm: Int) {
        while acknowledged.count <= vm {
            acknowledged.append([])
            journaledAcks.append([])
            chunksOfCycle.append([:])
            lastCommitted.append(0)
        }
    }

    mutating func started(vm: Int, _ request: ChunkRequest) {
        ensure(vm)
        if let cycle = request.purpose.cycle { chunksOfCycle[vm][cycle, default: []].insert(request.id) }
    }

    mutating func acknowledged(vm: Int, chunk: ChunkID) {
        ensure(vm)
        if !acknowledged[vm].insert(chunk).inserted { fail("VM \(vm) acknowledged \(chunk) twice") }
    }

    mutating func journaled(vm: Int, _ record: JournalRecord) {
        ensure(vm)
        if case .chunkAcknowledged(let chunk) = record { journaledAcks[vm].insert(chunk.id) }
    }

    mutating func committed(vm: Int, _ commit: CycleCommit) {
        ensure(vm)
        if commit.cycle <= lastCommitted[vm] {
            fail("VM \(vm) committed cycle \(commit.cycle) after cycle \(lastCommitted[vm])")
        }
        lastCommitted[vm] = commit.cycle
        let missing = (chunksOfCycle[vm][commit.cycle] ?? []).subtracting(journaledAcks[vm])
        if !missing.isEmpty { fail("VM \(vm) committed cycle \(commit.cycle) with unjournaled chunks \(missing.sorted())") }
        chunksOfCycle[vm][commit.cycle] = nil
    }

    /// A restart: chunks in flight are gone (the recovered core re-sends their ranges as new chunks);
    /// acknowledged history and commit order persist.
    mutating func restarted(vm: Int) {
        ensure(vm)
        for cycle in chunksOfCycle[vm].keys {
            chunksOfCycle[vm][cycle] = chunksOfCycle[vm][cycle]?.intersection(journaledAcks[vm])
        }
    }

    mutating func check(vm: Int, core: UploadCore) {
        if core.stats.bytesAcknowledged > core.stats.bytesPlanned {
            fail("VM \(vm) acknowledged \(core.stats.bytesAcknowledged) B of \(core.stats.bytesPlanned) B planned")
        }
    }

    /// A chunk whose body is still on the wire must have a live transfer in the network model; one whose
    /// transfer ended without the driver hearing of it would never be acknowledged (its VM would hang).
    mutating func bodyInFlight(vm: Int, chunk: ChunkID, transferIsLive: Bool) {
        if !transferIsLive { fail("VM \(vm): chunk \(chunk)'s transfer ended but the chunk was never answered") }
    }

    private mutating func fail(_ message: String) {
        if violation == nil { violation = "invariant violated: " + message }
    }
}
