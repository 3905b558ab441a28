/// Identifies one chunk for its whole life, across retries; never reused, also not after recovery.
public struct ChunkID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The dense number of the chunk, from 0.
    public let rawValue: UInt64

    /// Wraps a raw number (drivers normally only echo IDs the core gave them).
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: ChunkID, rhs: ChunkID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "chunk#\(rawValue)" }
}

/// The core's timers. At most one of each is armed at a time.
public enum TimerID: Hashable, Sendable, Codable {
    /// The delta-cycle timer: seal the current log into a cycle.
    case cycle
    /// The end of a retry backoff pause.
    case backoff
    /// The earliest moment the bandwidth throttle lets the next chunk start.
    case pacing
}

/// What a chunk carries.
public enum ChunkPurpose: Hashable, Sendable, Codable {
    /// Initial replication of a disk.
    case initial
    /// Changed blocks of delta cycle `cycle`.
    case delta(cycle: Int)
    /// Blocks of resync cycle `cycle`.
    case resync(cycle: Int)

    /// The cycle the chunk belongs to, or `nil` for initial replication.
    public var cycle: Int? {
        switch self {
        case .initial: return nil
        case .delta(let cycle), .resync(let cycle): return cycle
        }
    }
}

/// The driver's instruction to send one chunk on one thread's connection.
public struct ChunkRequest: Hashable, Sendable {
    /// The chunk; report its outcome with `chunkSucceeded` or `chunkFailed`.
    public let id: ChunkID
    /// The upload thread (connection), `0..<threadsPerVM`; it is busy until the outcome is reported.
    public let thread: Int
    /// Index of the disk (page blob) written.
    public let disk: Int
    /// Byte offset in the disk, a multiple of 512.
    public let offset: Int64
    /// Bytes to send, a multiple of 512, at most `chunkBytes`.
    public let length: Int64
    /// What the chunk carries.
    public let purpose: ChunkPurpose
    /// 1 for the first send, n for the n-th send of this chunk.
    public let attempt: Int
}

/// Why a chunk was not acknowledged.
public enum ChunkFailure: Hashable, Sendable {
    /// The connection was reset (or the path failed over).
    case connectionReset
    /// Storage answered 503 Server Busy / 500 Operation Timeout; `retryAfterNanos` if it sent Retry-After.
    case throttled(retryAfterNanos: Int64?)
    /// Another server error.
    case serverError(status: Int)
    /// No answer in time.
    case timedOut
}

/// Whether a cycle carries ordinary deltas or a resync.
public enum CycleKind: Hashable, Sendable, Codable {
    /// The changes logged during one replication interval (or during initial replication).
    case delta
    /// The coalesced union of all pending change, after it reached the resync threshold.
    case resync
}

/// Ranges of one disk.
public struct DiskRanges: Hashable, Sendable, Codable {
    /// Index of the disk.
    public let disk: Int
    /// Sorted, disjoint, 512-aligned ranges.
    public let ranges: [Range<Int64>]

    /// Ranges of `disk`.
    public init(disk: Int, ranges: [Range<Int64>]) {
        self.disk = disk
        self.ranges = ranges
    }
}

/// A recovery point the driver makes durable (`commitCycle`).
public struct CycleCommit: Hashable, Sendable {
    /// Cycle number; commits come in increasing order.
    public let cycle: Int
    /// Delta or resync.
    public let kind: CycleKind
    /// The disks that changed in this cycle, ascending.
    public let disks: [Int]
    /// When the cycle's log was sealed (its data is as of this instant).
    public let sealedAt: Int64
    /// Bytes of the cycle.
    public let bytes: Int64
}

/// What the driver must do, in the order given.
public enum UploadAction: Hashable, Sendable {
    /// Send the chunk on its thread's connection.
    case startChunk(ChunkRequest)
    /// Call `timerFired(timer, now:)` at `at` (Unix-epoch ns). The timer is not armed already.
    case scheduleTimer(TimerID, at: Int64)
    /// Forget the armed timer; if it fires anyway, the core ignores it.
    case cancelTimer(TimerID)
    /// Append the record to the journal (durable before the next `commitCycle` is acted on).
    case appendJournal(JournalRecord)
    /// Make the cycle a recovery point: every chunk of it is acknowledged and journaled. Fsync the journal first.
    case commitCycle(CycleCommit)
    /// Initial replication of the disk is complete.
    case initialReplicationCompleted(disk: Int)
    /// Pending change reached the resync threshold on `disk`; cycle `cycle` replaces all uncommitted ones.
    case resyncStarted(cycle: Int, disk: Int)
    /// The resync cycle committed.
    case resyncCompleted(cycle: Int)
    /// Nothing is left to do (only without delta cycles).
    case finished
    /// The retry policy gave up; the core ignores every later event.
    case replicationFailed(consecutiveFailures: Int, last: ChunkFailure)
}
