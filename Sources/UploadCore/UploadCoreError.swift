/// A configuration or journal that UploadCore refuses, with a message naming what is wrong and where.
///
/// Every public initialiser that takes outside input throws this instead of trapping.
public enum UploadCoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `UploadThreadsPerVM` outside `1...32` (docs/sources.md §1.1: default 4, maximum 32).
    case invalidThreadsPerVM(Int)
    /// The chunk size is not positive or not a multiple of the 512-byte page.
    case invalidChunkBytes(Int64)
    /// The configuration lists no disk.
    case noDisks
    /// Disk `index` is invalid; `reason` says why.
    case invalidDisk(index: Int, reason: String)
    /// The delta-cycle period is not positive.
    case invalidDeltaFrequency(Int64)
    /// The resync threshold is outside `(0, 1]`.
    case invalidResyncThreshold(Double)
    /// The bandwidth throttle is inconsistent; `reason` says why.
    case invalidThrottle(reason: String)
    /// The retry policy is inconsistent; `reason` says why.
    case invalidRetryPolicy(reason: String)
    /// Journal record number `index` (0-based) cannot be replayed; `reason` says why.
    case corruptJournal(index: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidThreadsPerVM(let n):
            return "UploadThreadsPerVM must be 1...32, got \(n)"
        case .invalidChunkBytes(let n):
            return "chunkBytes must be a positive multiple of 512, got \(n)"
        case .noDisks:
            return "disks must list at least one disk"
        case .invalidDisk(let index, let reason):
            return "disks[\(index)]: \(reason)"
        case .invalidDeltaFrequency(let n):
            return "deltaFrequencyNanos must be positive, got \(n)"
        case .invalidResyncThreshold(let t):
            return "resyncThreshold must be in (0, 1], got \(t)"
        case .invalidThrottle(let reason):
            return "throttle: \(reason)"
        case .invalidRetryPolicy(let reason):
            return "retryPolicy: \(reason)"
        case .corruptJournal(let index, let reason):
            return "journal record \(index): \(reason)"
        }
    }
}
