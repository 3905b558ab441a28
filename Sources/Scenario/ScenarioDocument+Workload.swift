/// A VM's write churn: bytes per second of changed data that delta cycles must upload. Per VM, spread over its
/// disks in proportion to their sizes (a driver decision; ASR's limits are per VM, docs/sources.md §1.5).
public enum Churn: Sendable, Equatable, Codable {
    /// No churn (delta cycles upload nothing).
    case none
    /// A constant rate in bytes/s. YAML `churn: 2MB/s` or `churn: {constant: 2MB/s}`.
    case constant(bytesPerSecond: Double)
    /// A daily sine between `2·mean − peak` and `peak`, highest at `peakHour` (wall-clock hour 0...24, UTC,
    /// relative to `startsAt`). YAML `churn: {diurnal: {mean: 1MB/s, peak: 3MB/s, peakHour: 14}}`.
    case diurnal(DiurnalChurn)
    /// `base` most of the time and `burstRate` for `burstLength` at the start of every `period`.
    /// YAML `churn: {bursty: {base: 1MB/s, burstRate: 20MB/s, burstLength: 30s, period: 10m}}`.
    case bursty(BurstyChurn)
    /// A piecewise-constant trace read at load from a CSV file (`time,bytesPerSecond`; time as a duration or
    /// seconds). The rate of sample i holds from its time to the next sample's; the last holds to the end.
    /// YAML `churn: {trace: traces/day.csv}` (path relative to the scenario file).
    case trace(ChurnTrace)
}

/// Parameters of `Churn.diurnal`. `mean > 0`, `mean ≤ peak ≤ 2·mean` (so the trough is ≥ 0).
public struct DiurnalChurn: Sendable, Equatable, Codable {
    /// Mean rate over a day in bytes/s.
    public var meanBytesPerSecond: Double
    /// Peak rate in bytes/s.
    public var peakBytesPerSecond: Double
    /// Wall-clock hour of the peak in [0, 24), UTC.
    public var peakHour: Double
}

/// Parameters of `Churn.bursty`. `burstLength < period`.
public struct BurstyChurn: Sendable, Equatable, Codable {
    /// Rate outside bursts in bytes/s (≥ 0).
    public var baseBytesPerSecond: Double
    /// Rate during a burst in bytes/s (≥ base).
    public var burstBytesPerSecond: Double
    /// Length of each burst in ns (> 0).
    public var burstLengthNanoseconds: Int64
    /// Time between burst starts in ns (> burst length).
    public var periodNanoseconds: Int64
}

/// A churn trace loaded from CSV.
public struct ChurnTrace: Sendable, Equatable, Codable {
    /// The file as written in the scenario (relative to the scenario file).
    public var path: String
    /// Samples in strictly increasing time order; the first at time 0 (an earlier rate of 0 is implied otherwise).
    public var samples: [ChurnSample]
}

/// One trace sample: from `timeNanoseconds` on, churn is `bytesPerSecond`.
public struct ChurnSample: Sendable, Equatable, Codable {
    /// Simulated time in ns (≥ 0).
    public var timeNanoseconds: Int64
    /// Rate in bytes/s (≥ 0).
    public var bytesPerSecond: Double
}

/// ASR replication settings.
public struct Replication: Sendable, Equatable, Codable {
    /// Delta-cycle interval in ns: 30 s, 5 min or 15 min only (ASR's set, docs/sources.md §1.3); default 5 min
    /// (Deployment Planner default copy frequency, docs/sources.md §1.3).
    public var frequencyNanoseconds: Int64
    /// Target RPO in ns, ≥ frequency (default 15 min, the planner's `-DesiredRPO` default, docs/sources.md §2.1).
    public var targetRPONanoseconds: Int64
    /// `UploadThreadsPerVM`, 1...32 (default 4, docs/sources.md §1.1). Sweep alias `threadsPerVM`.
    public var uploadThreadsPerVM: Int
    /// Bytes per upload request: a multiple of 512 and ≤ 4 MiB (Put Page maximum, docs/sources.md §1.4); default 4 MiB.
    public var chunkSizeBytes: Int64
    /// Wire bytes / raw bytes, in (0, 1] (default 1: Hyper-V→Azure has no built-in compression, docs/sources.md §1.4).
    public var compressibility: Double
    /// Compression throughput in raw bytes/s per host core; nil (default) means compression costs no CPU.
    public var compressionBytesPerSecondPerCore: Double?
    /// Pending change as a fraction of a disk that forces a resync (default 0.5, docs/sources.md §1.3).
    public var resyncThreshold: Double
    /// Retry schedule for failed or throttled uploads (default `.asrOutage`).
    public var retry: RetryPolicy
    /// MARS-agent bandwidth throttle (default nil: no throttling).
    public var throttle: BandwidthThrottle?
}

/// When a failed chunk is retried. The core also honours a server's "retry after".
public enum RetryPolicy: Sendable, Equatable, Codable {
    /// ASR's schedule for recoverable errors: 1, 2, 4, 8, 10 min, then every 30 min (docs/sources.md §1.3).
    /// YAML `retry: asr-outage`.
    case asrOutage
    /// delay(n) = min(cap, base · 2ⁿ⁻¹) · (1 ± jitter·u), u uniform in [0, 1).
    /// YAML `retry: {base: 2s, cap: 30s, jitter: 20%}`.
    case exponential(ExponentialBackoff)

    /// The ASR outage schedule in ns, attempts 1...5; attempt 6 and later wait 30 min.
    public static let asrOutageDelaysNanoseconds: [Int64] = [1, 2, 4, 8, 10].map { Int64($0) * 60_000_000_000 }
}

/// Parameters of `RetryPolicy.exponential`.
public struct ExponentialBackoff: Sendable, Equatable, Codable {
    /// First delay in ns (> 0; default 2 s, the storage checklist's first retry, docs/sources.md §3.3).
    public var baseNanoseconds: Int64
    /// Largest delay in ns (≥ base; default 30 s, docs/sources.md §3.3).
    public var capNanoseconds: Int64
    /// Relative jitter in [0, 1) (default 0.2; replsim assumption).
    public var jitter: Double
}

/// MARS-agent throttle (`Set-OBMachineSetting`, docs/sources.md §1.2): one cap during work hours on work days, another
/// outside. Each cap is in 512 Kbps ... 1,023 Mbps (the newer documented range, docs/sources.md §1.2).
public struct BandwidthThrottle: Sendable, Equatable, Codable {
    /// Work days (default Monday to Friday), in week order.
    public var workDays: [Weekday]
    /// Start of work hours in ns after local midnight (default 09:00, as in the `Set-OBMachineSetting` example).
    public var workStartNanoseconds: Int64
    /// End of work hours in ns after local midnight (default 18:00), > start.
    public var workEndNanoseconds: Int64
    /// Cap during work hours in bits/s (required).
    public var workHourBitsPerSecond: Double
    /// Cap outside work hours in bits/s (required).
    public var nonWorkHourBitsPerSecond: Double
    /// Local time minus UTC in ns (YAML `utcOffset: "+01:00"`, default 0), within ±14 h.
    public var utcOffsetNanoseconds: Int64
}

/// Days of the week, Monday first (ISO 8601 order).
public enum Weekday: String, Sendable, Equatable, Codable, CaseIterable {
    /// Monday … Sunday, written `mon` … `sun` in YAML.
    case mon, tue, wed, thu, fri, sat, sun
}
