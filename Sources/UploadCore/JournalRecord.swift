/// A chunk as the journal remembers it.
public struct ChunkRecord: Hashable, Sendable, Codable {
    /// The chunk.
    public let id: ChunkID
    /// Index of the disk.
    public let disk: Int
    /// Byte offset.
    public let offset: Int64
    /// Bytes.
    public let length: Int64
    /// What it carried.
    public let purpose: ChunkPurpose

    /// The range of the disk it covers.
    public var range: Range<Int64> { offset..<(offset + length) }

    /// A record of a chunk (tests and drivers that write journals by hand).
    public init(id: ChunkID, disk: Int, offset: Int64, length: Int64, purpose: ChunkPurpose) {
        self.id = id
        self.disk = disk
        self.offset = offset
        self.length = length
        self.purpose = purpose
    }
}

/// A sealed cycle as the journal remembers it: enough for recovery to re-send what was not acknowledged.
public struct CycleRecord: Hashable, Sendable, Codable {
    /// Cycle number.
    public let cycle: Int
    /// Delta or resync.
    public let kind: CycleKind
    /// When the log was sealed.
    public let sealedAt: Int64
    /// The changed ranges per disk (disks without change omitted), ascending by disk.
    public let disks: [DiskRanges]
    /// The uncommitted cycles a resync replaced, ascending; empty for delta cycles.
    public let supersedes: [Int]
}

/// One journal entry. The journal is the core's memory across a host restart:
/// `UploadCore(configuration:recoveringFrom:openLog:)` replays it.
///
/// What is promised: every acknowledged chunk that belongs to a committed cycle or a completed disk has a
/// `chunkAcknowledged` record before the `cycleCommitted` / `initialReplicationCompleted` record. `chunkStarted`
/// records only serve to count bytes re-sent after recovery; losing them loses no data.
public enum JournalRecord: Hashable, Sendable, Codable {
    /// A chunk was handed to a thread.
    case chunkStarted(ChunkRecord)
    /// A chunk was acknowledged by storage.
    case chunkAcknowledged(ChunkRecord)
    /// A cycle was sealed (its ranges are final).
    case cycleSealed(CycleRecord)
    /// A cycle became a recovery point.
    case cycleCommitted(cycle: Int, at: Int64)
    /// Initial replication of a disk completed.
    case initialReplicationCompleted(disk: Int, at: Int64)
}
