import UploadCore

/// Everything one live run needs; checked by ``validate()``.
public struct LiveConfiguration: Sendable {
    /// The Blob endpoint and credentials.
    public var target: LiveTarget
    /// Source images, one page blob each (`disk0`, `disk1`, ... in the container).
    public var sources: [String]
    /// Upload threads = persistent connections (`UploadThreadsPerVM`, 1...32, DOMAIN.md §1.1).
    public var threads: Int
    /// Largest Put Page, bytes: a multiple of 512, at most 4 MiB (the Put Page limit, DOMAIN.md §1.4).
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
    /// What the core does after failures. The default retries fast (100 ms doubling to 5 s, 10 % jitter, never
    /// gives up), suited to loopback tests; `.asrOutageSchedule` waits minutes as ASR does (DOMAIN.md §1.3).
    public var retryPolicy: RetryPolicy
    /// Per-request deadline, seconds.
    public var requestTimeoutSeconds: Int64
    /// Seed of the core's retry jitter.
    public var seed: UInt64

    /// The fast retry policy used by default (see ``retryPolicy``).
    public static let fastRetry = RetryPolicy.exponential(
        base: 100_000_000, cap: 5_000_000_000, multiplier: 2, jitter: 0.1, maxAttempts: nil)

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
        seed: UInt64 = 0
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
    }

    /// Blob name of disk `index`.
    public static func blobName(disk index: Int) -> String { "disk\(index)" }
}
