import NetModel
import Results
import Scenario
import SimKernel
import UploadCore

/// What an upload thread is doing, for time-weighted attribution of the threads that are not transferring
/// (the network model attributes those that are).
enum ThreadActivity: Equatable {
    case idle
    case transferring
    /// The body is sent; waiting one RTT plus the server's latency for the response.
    case awaitingResponse
    /// Not sending although work may exist: throttled (503), backing off, pacing, or its host is down.
    case waiting(BottleneckKind)
}

/// A chunk the driver has handed to the network (or to the request-rate check).
struct InFlightChunk {
    var thread: Int
    var transfer: TransferID?
    var startedAt: SimTime
    var payloadBytes: Int64
    var wireBytes: Int64
    /// The RTT (s) of the path the body took; the response arrives one RTT (plus server latency) after its
    /// last byte.
    var rttSeconds = 0.0
}

/// A VM's chunks in flight, one slot per upload thread (a thread carries at most one chunk), looked up by chunk
/// id with a scan of a compact id array: cheaper than hashing at up to 32 threads.
struct InFlightTable {
    private var ids: [UInt64]
    private var chunks: [InFlightChunk?]

    init(threads: Int) {
        ids = Array(repeating: .max, count: threads)
        chunks = Array(repeating: nil, count: threads)
    }

    /// The chunk `id` in flight; setting stores it in its thread's slot (nil removes it).
    /// - Complexity: O(threads).
    subscript(id: ChunkID) -> InFlightChunk? {
        get { ids.firstIndex(of: id.rawValue).flatMap { chunks[$0] } }
        set {
            if let old = ids.firstIndex(of: id.rawValue) {
                ids[old] = .max
                chunks[old] = nil
            }
            guard let newValue else { return }
            precondition(ids[newValue.thread] == .max, "thread \(newValue.thread) already carries a chunk")
            ids[newValue.thread] = id.rawValue
            chunks[newValue.thread] = newValue
        }
    }

    /// Removes and returns the chunk `id`, if in flight.
    /// - Complexity: O(threads).
    mutating func removeValue(forKey id: ChunkID) -> InFlightChunk? {
        guard let thread = ids.firstIndex(of: id.rawValue) else { return nil }
        let chunk = chunks[thread]
        ids[thread] = .max
        chunks[thread] = nil
        return chunk
    }

    mutating func removeAll() {
        for thread in ids.indices {
            ids[thread] = .max
            chunks[thread] = nil
        }
    }

    /// The chunks in flight in chunk-id order.
    /// - Complexity: O(threads log threads).
    func sortedByChunk() -> [(key: ChunkID, value: InFlightChunk)] {
        ids.indices.compactMap { thread in chunks[thread].map { (ChunkID(ids[thread]), $0) } }.sorted { $0.key < $1.key }
    }
}

/// Which VM's chunk a network transfer carries, kept per transfer slot (`TransferID.slot` is dense).
struct TransferOwner {
    var transfer: TransferID
    var vm: Int
    var chunk: ChunkID
}

/// One replicating VM: its core (nil while its host is down) and the driver's bookkeeping around it.
struct VMState {
    let host: Int
    /// The VM's write churn (the group's, or its own when the VMs differ).
    let churn: Churn
    /// Its disks' sizes in bytes (scenario sizes), the weights churn is spread over.
    let diskBytes: [Double]
    /// Bytes its initial replication copies.
    let usedBytes: Int64
    let configuration: UploadCoreConfiguration
    let connections: [ConnectionID]
    let blobs: [BlobID]
    let storagePaths: [[ResourceID]]
    var core: UploadCore?
    var threads: [ThreadActivity]
    var inFlight: InFlightTable
    var timers: [EventHandle?] = [nil, nil, nil]
    /// Bumped when the host restarts, so that events of the previous incarnation are recognised as stale.
    var epoch = 0
    /// The journal (kept only when the scenario restarts hosts) and the writes since the last seal (the
    /// host's `.hrl` log, which survives a restart).
    var journal: [JournalRecord] = []
    var openLog: [DiskRanges] = []
    var initialReplicationDoneAt: SimTime?
    /// Final statistics of earlier incarnations (host restarts), added to the live core's.
    var retiredStats: [UploadCoreStats] = []
    var failed = false

    init(
        host: Int, churn: Churn, diskBytes: [Double], usedBytes: Int64, configuration: UploadCoreConfiguration,
        connections: [ConnectionID], blobs: [BlobID], storagePaths: [[ResourceID]]
    ) {
        self.host = host
        self.churn = churn
        self.diskBytes = diskBytes
        self.usedBytes = usedBytes
        self.configuration = configuration
        self.connections = connections
        self.blobs = blobs
        self.storagePaths = storagePaths
        self.threads = Array(repeating: .idle, count: connections.count)
        self.inFlight = InFlightTable(threads: connections.count)
    }

    /// All statistics of this VM: earlier incarnations and the current core.
    var allStats: [UploadCoreStats] { retiredStats + (core.map { [$0.stats] } ?? []) }
}
