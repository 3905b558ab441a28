/// Counters the drivers read to report a run. All monotone except the per-cycle records, which gain
/// `committedAt` or `supersededBy` once.
public struct UploadCoreStats: Hashable, Sendable {
    /// One sealed cycle, for RPO: a recovery point's data is as of `sealedAt` and usable from `committedAt`.
    public struct Cycle: Hashable, Sendable {
        /// Cycle number.
        public let cycle: Int
        /// Delta or resync.
        public let kind: CycleKind
        /// Bytes of changed blocks in the cycle.
        public let bytes: Int64
        /// When the log was sealed.
        public let sealedAt: Int64
        /// When the cycle committed; `nil` while uncommitted or if superseded.
        public internal(set) var committedAt: Int64?
        /// The resync cycle that replaced this one, if any.
        public internal(set) var supersededBy: Int?
    }

    /// Bytes of all chunks the core created (each chunk once, whatever its attempts).
    public internal(set) var bytesPlanned: Int64 = 0
    /// Bytes of all chunks acknowledged (each chunk once). Always `<= bytesPlanned`.
    public internal(set) var bytesAcknowledged: Int64 = 0
    /// Bytes sent again because an earlier attempt of the same chunk failed.
    public internal(set) var bytesResentAfterFailure: Int64 = 0
    /// Bytes sent again after recovery because they were in flight, unacknowledged, at the restart.
    public internal(set) var bytesResentAfterRecovery: Int64 = 0
    /// Chunk sends, retries included.
    public internal(set) var chunksStarted: Int = 0
    /// Chunks acknowledged.
    public internal(set) var chunksAcknowledged: Int = 0
    /// Sends with `attempt > 1`.
    public internal(set) var retries: Int = 0
    /// Failures by reason.
    public internal(set) var throttledResponses: Int = 0
    /// Connection resets.
    public internal(set) var connectionResets: Int = 0
    /// Other server errors.
    public internal(set) var serverErrors: Int = 0
    /// Timeouts.
    public internal(set) var timeouts: Int = 0
    /// Completions that arrived for chunks the core had dropped (superseded by a resync).
    public internal(set) var staleCompletions: Int = 0
    /// When initial replication of each disk completed (indexed by disk); `nil` until then.
    public internal(set) var initialReplicationCompletedAt: [Int64?]
    /// Every sealed cycle, in sealing order.
    public internal(set) var cycles: [Cycle] = []

    init(diskCount: Int) {
        self.initialReplicationCompletedAt = Array(repeating: nil, count: diskCount)
    }

    mutating func recordCommit(cycle: Int, at now: Int64) {
        if let index = cycles.lastIndex(where: { $0.cycle == cycle }) { cycles[index].committedAt = now }
    }

    mutating func recordSupersede(cycle: Int, by resync: Int) {
        if let index = cycles.lastIndex(where: { $0.cycle == cycle }) { cycles[index].supersededBy = resync }
    }
}
