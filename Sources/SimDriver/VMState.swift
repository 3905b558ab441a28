import NetModel
import Results
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

/// Which VM's chunk a network transfer carries, kept per transfer slot (`TransferID.slot` is dense).
struct TransferOwner {
    var transfer: TransferID
    var vm: Int
    var chunk: ChunkID
}

/// One replicating VM: its core (nil while its host is down) and the driver's bookkeeping around it.
struct VMState {
    let host: Int
    let configuration: UploadCoreConfiguration
    let connections: [ConnectionID]
    let blobs: [BlobID]
    let storagePaths: [[ResourceID]]
    var core: UploadCore?
    var threads: [ThreadActivity]
    var inFlight: [ChunkID: InFlightChunk] = [:]
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
        host: Int, configuration: UploadCoreConfiguration, connections: [ConnectionID], blobs: [BlobID],
        storagePaths: [[ResourceID]]
    ) {
        self.host = host
        self.configuration = configuration
        self.connections = connections
        self.blobs = blobs
        self.storagePaths = storagePaths
        self.threads = Array(repeating: .idle, count: connections.count)
    }

    /// All statistics of this VM: earlier incarnations and the current core.
    var allStats: [UploadCoreStats] { retiredStats + (core.map { [$0.stats] } ?? []) }
}
