/// One virtual disk of the replicating VM: its size and the extents initial replication has to copy.
public struct DiskSpec: Hashable, Sendable, Codable {
    /// Size of the disk (the page blob), bytes; a positive multiple of 512.
    public let sizeBytes: Int64
    /// The extents holding data, which initial replication copies (coalesced, 512-aligned on validation).
    public let usedExtents: [Range<Int64>]

    /// A disk whose used data is the given extents.
    public init(sizeBytes: Int64, usedExtents: [Range<Int64>]) {
        self.sizeBytes = sizeBytes
        self.usedExtents = usedExtents
    }

    /// A disk whose first `usedBytes` bytes hold data.
    public init(sizeBytes: Int64, usedBytes: Int64) {
        self.init(sizeBytes: sizeBytes, usedExtents: usedBytes > 0 ? [0..<usedBytes] : [])
    }
}

/// Everything one VM's upload core needs to know; validated on creation.
///
/// Defaults follow ASR for Hyper-V → Azure (docs/sources.md §1): 4 upload threads per VM (1...32), 4 MiB chunks (the
/// Put Page maximum, §1.4), a 5-minute copy frequency (§1.3), resync at 50 % of a disk (§1.3), and the outage
/// retry schedule (§1.3).
public struct UploadCoreConfiguration: Hashable, Sendable {
    /// The allowed values of `UploadThreadsPerVM` (docs/sources.md §1.1).
    public static let threadsPerVMRange = 1...32
    /// 4 MiB: the largest page range one Put Page may write.
    public static let defaultChunkBytes: Int64 = 4 * 1024 * 1024
    /// ASR's copy frequencies (ReplicationFrequencyInSeconds ∈ {30, 300, 900}), in nanoseconds.
    public static let thirtySeconds: Int64 = 30_000_000_000
    /// 5 minutes, the default copy frequency.
    public static let fiveMinutes: Int64 = 300_000_000_000
    /// 15 minutes.
    public static let fifteenMinutes: Int64 = 900_000_000_000

    /// Upload threads (persistent connections) of this VM.
    public let threadsPerVM: Int
    /// Largest chunk, bytes.
    public let chunkBytes: Int64
    /// The VM's disks; a disk is referred to by its index here.
    public let disks: [DiskSpec]
    /// The used extents of each disk, coalesced and aligned out to 512 bytes.
    public let usedExtents: [ByteRangeSet]
    /// Whether to copy the disks first; `false` means they are already in sync.
    public let initialReplication: Bool
    /// Delta-cycle period; `nil` uploads no delta cycles (initial replication only, then `.finished`).
    public let deltaFrequencyNanos: Int64?
    /// What to do after failures.
    public let retryPolicy: RetryPolicy
    /// Work-hours / non-work-hours caps; `nil` means unthrottled.
    public let throttle: BandwidthThrottle?
    /// Pending change, as a fraction of a disk's size, that forces a resync.
    public let resyncThreshold: Double
    /// Seed of the core's random generator (retry jitter).
    public let seed: UInt64

    /// Creates a configuration, or throws an ``UploadCoreError`` naming the bad field and value.
    ///
    /// - Complexity: O(total extents²) for coalescing the disks' extents.
    public init(
        disks: [DiskSpec],
        threadsPerVM: Int = 4,
        chunkBytes: Int64 = defaultChunkBytes,
        initialReplication: Bool = true,
        deltaFrequencyNanos: Int64? = fiveMinutes,
        retryPolicy: RetryPolicy = .asrOutageSchedule,
        throttle: BandwidthThrottle? = nil,
        resyncThreshold: Double = 0.5,
        seed: UInt64 = 0
    ) throws(UploadCoreError) {
        guard Self.threadsPerVMRange.contains(threadsPerVM) else { throw .invalidThreadsPerVM(threadsPerVM) }
        guard chunkBytes > 0, chunkBytes % 512 == 0 else { throw .invalidChunkBytes(chunkBytes) }
        guard !disks.isEmpty else { throw .noDisks }
        var extents: [ByteRangeSet] = []
        for (index, disk) in disks.enumerated() {
            guard disk.sizeBytes > 0, disk.sizeBytes % 512 == 0 else {
                throw .invalidDisk(
                    index: index, reason: "sizeBytes must be a positive multiple of 512, got \(disk.sizeBytes)")
            }
            var set = ByteRangeSet()
            for extent in disk.usedExtents {
                guard extent.lowerBound >= 0, extent.upperBound <= disk.sizeBytes else {
                    throw .invalidDisk(
                        index: index,
                        reason: "used extent \(extent) is outside the disk (0..<\(disk.sizeBytes))"
                    )
                }
                if let aligned = Self.aligned(extent, diskSize: disk.sizeBytes) { set.insert(aligned) }
            }
            extents.append(set)
        }
        if let deltaFrequencyNanos, deltaFrequencyNanos <= 0 { throw .invalidDeltaFrequency(deltaFrequencyNanos) }
        guard resyncThreshold > 0, resyncThreshold <= 1 else { throw .invalidResyncThreshold(resyncThreshold) }
        try retryPolicy.validate()
        self.threadsPerVM = threadsPerVM
        self.chunkBytes = chunkBytes
        self.disks = disks
        self.usedExtents = extents
        self.initialReplication = initialReplication
        self.deltaFrequencyNanos = deltaFrequencyNanos
        self.retryPolicy = retryPolicy
        self.throttle = throttle
        self.resyncThreshold = resyncThreshold
        self.seed = seed
    }

    /// `range` widened to 512-byte pages and clipped to the disk, or `nil` if nothing is left.
    static func aligned(_ range: Range<Int64>, diskSize: Int64) -> Range<Int64>? {
        let lower = Swift.max(0, range.lowerBound) / 512 * 512
        let upper = Swift.min(diskSize, (Swift.max(range.upperBound, 0) + 511) / 512 * 512)
        return lower < upper ? lower..<upper : nil
    }
}
