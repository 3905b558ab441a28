import UploadCore

/// Everything one live run needs; checked by ``validate()``.
public struct LiveConfiguration: Sendable {
    /// The Blob endpoint and credentials.
    public var target: LiveTarget
    /// Source images, one page blob each (`disk0`, `disk1`, ... in the container).
    public var sources: [String]
    /// Upload threads = persistent connections (`UploadThreadsPerVM`, 1...32, docs/sources.md §1.1).
    public var threads: Int
    /// Largest Put Page, bytes: a multiple of 512, at most 4 MiB (the Put Page limit, docs/sources.md §1.4).
    public var chunkBytes: Int64
    /// zlib level (0...9) whose cost and ratio are measured per chunk; `nil` measures nothing. The bytes sent stay
    /// raw either way (see docs/live.md: a page blob stores pages, not compressed streams).
    public var compressionLevel: Int?
    /// Integrity header per chunk.
    public var checksum: ChunkChecksum
    /// Journal directory; `nil` keeps the journal in memory only (no resume).
    public var journalDirectory: String?
    /// Container holding the blobs (created if missing).
    public var container: String
    /// What the core does after failures (also before the first chunk, for Create Container and Put Blob). The
    /// default retries fast (100 ms doubling to 5 s, 10 % jitter) and gives up after 10 failures in a row, about
    /// 20 s of a dead endpoint; `.asrOutageSchedule` waits minutes and never gives up, as ASR does.
    public var retryPolicy: RetryPolicy
    /// Per-request deadline, seconds.
    public var requestTimeoutSeconds: Int64
    /// Seed of the core's retry jitter (and of the churn writer's offsets and bytes).
    public var seed: UInt64
    /// Delta cycles to run after initial replication; 0 runs initial replication only. Every
    /// ``deltaIntervalNanos`` the core seals the changes recorded since the last cycle into a new one, which commits
    /// (a recovery point) once all its chunks are acknowledged; the run ends when the last one commits.
    public var deltaCycles: Int
    /// Time between cycles, nanoseconds (ASR for Hyper-V: 30 s, 5 min or 15 min, docs/sources.md §1.3).
    public var deltaIntervalNanos: Int64
    /// The RPO the run is judged against in `result.json` (as `replication.targetRPO` in a scenario).
    public var targetRPONanos: Int64
    /// A writer inside the run that changes the sources while they replicate, as a VM would; `nil`: none.
    public var churn: LiveChurn?

    /// The fast retry policy used by default (see ``retryPolicy``).
    public static let fastRetry = fastRetry(giveUpAfter: 10)

    /// 100 ms doubling to 5 s, ±10 % jitter, giving up after `failures` failures in a row (`nil`: never).
    public static func fastRetry(giveUpAfter failures: Int?) -> RetryPolicy {
        .exponential(base: 100_000_000, cap: 5_000_000_000, multiplier: 2, jitter: 0.1, maxAttempts: failures)
    }

    public init(
        target: LiveTarget,
        sources: [String],
        threads: Int = 4,
        chunkBytes: Int64 = UploadCoreConfiguration.defaultChunkBytes,
        compressionLevel: Int? = nil,
        checksum: ChunkChecksum = .crc64,
        journalDirectory: String? = nil,
        container: String = "replsim-live",
        retryPolicy: RetryPolicy = LiveConfiguration.fastRetry,
        requestTimeoutSeconds: Int64 = 60,
        seed: UInt64 = 0,
        deltaCycles: Int = 0,
        deltaIntervalNanos: Int64 = 30_000_000_000,
        targetRPONanos: Int64 = 900_000_000_000,
        churn: LiveChurn? = nil
    ) {
        self.target = target
        self.sources = sources
        self.threads = threads
        self.chunkBytes = chunkBytes
        self.compressionLevel = compressionLevel
        self.checksum = checksum
        self.journalDirectory = journalDirectory
        self.container = container
        self.retryPolicy = retryPolicy
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.seed = seed
        self.deltaCycles = deltaCycles
        self.deltaIntervalNanos = deltaIntervalNanos
        self.targetRPONanos = targetRPONanos
        self.churn = churn
    }

    /// Throws ``LiveError/badSetting(_:)`` naming the first bad field.
    public func validate() throws {
        guard !sources.isEmpty else { throw LiveError.badSetting("no source image given") }
        guard UploadCoreConfiguration.threadsPerVMRange.contains(threads) else {
            throw LiveError.badSetting("--threads must be in 1...32 (UploadThreadsPerVM), got \(threads)")
        }
        guard chunkBytes > 0, chunkBytes % 512 == 0, chunkBytes <= 4 * 1_048_576 else {
            throw LiveError.badSetting(
                "--chunk-size must be a multiple of 512 between 512 B and 4 MiB (Put Page limit), got \(chunkBytes)")
        }
        if let level = compressionLevel, !(0...9).contains(level) {
            throw LiveError.badSetting("--compress must be a zlib level 0...9, got \(level)")
        }
        guard (3...63).contains(container.count),
            container.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        else {
            throw LiveError.badSetting("container '\(container)' must be 3 to 63 lowercase letters, digits and '-'")
        }
        guard requestTimeoutSeconds > 0 else { throw LiveError.badSetting("request timeout must be positive") }
        guard deltaCycles >= 0 else { throw LiveError.badSetting("--cycles must be 0 or more, got \(deltaCycles)") }
        guard deltaIntervalNanos > 0 else { throw LiveError.badSetting("--delta-every must be positive") }
        guard targetRPONanos > 0 else { throw LiveError.badSetting("--target-rpo must be positive") }
        if let churn {
            guard deltaCycles > 0 else {
                throw LiveError.badSetting("--churn needs --cycles N (N ≥ 1): changes are replicated by delta cycles")
            }
            guard churn.bytesPerSecond > 0 else {
                throw LiveError.badSetting("--churn must be a positive rate (e.g. 20MiB/s)")
            }
            guard churn.writeBytes > 0, churn.writeBytes % 512 == 0, churn.writeBytes <= 4 << 20 else {
                throw LiveError.badSetting(
                    "--churn-write-size must be a multiple of 512 between 512 B and 4 MiB, got \(churn.writeBytes)")
            }
        }
    }

    /// Blob name of disk `index`.
    public static func blobName(disk index: Int) -> String { "disk\(index)" }
}

/// What the churn writer does: `writeBytes` random bytes at a random `writeBytes`-aligned offset of a source,
/// `bytesPerSecond` on average, from the start of the run until the last cycle is sealed.
public struct LiveChurn: Sendable, Equatable {
    /// Average bytes written per second, over all sources.
    public var bytesPerSecond: Double
    /// Bytes per write (a multiple of 512).
    public var writeBytes: Int

    public init(bytesPerSecond: Double, writeBytes: Int = 64 << 10) {
        self.bytesPerSecond = bytesPerSecond
        self.writeBytes = writeBytes
    }
}
