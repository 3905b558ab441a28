/// The interval a run's mean throughput is taken over, in seconds since the run started.
public struct MeasuredInterval: Codable, Sendable, Equatable {
    /// Start of the interval (end of warm-up), seconds.
    public var startSeconds: Double
    /// End of the interval, seconds.
    public var endSeconds: Double

    public init(startSeconds: Double, endSeconds: Double) {
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
    }

    /// Length of the interval in seconds (never negative).
    public var seconds: Double { Swift.max(0, endSeconds - startSeconds) }
}

/// Throughput over time, sampled in fixed intervals like a bandwidth graph.
public struct ThroughputSeries: Codable, Sendable, Equatable {
    /// Length of one sample interval, seconds.
    public var intervalSeconds: Double
    /// Time of the first sample's start, seconds since the run started (usually 0).
    public var startSeconds: Double
    /// Mean aggregate payload throughput of each interval, bits per second.
    public var aggregateBitsPerSecond: [Double]
    /// Optional: the same per VM (`perVMBitsPerSecond[vm][sample]`), each as long as the aggregate.
    public var perVMBitsPerSecond: [[Double]]?

    public init(
        intervalSeconds: Double,
        startSeconds: Double = 0,
        aggregateBitsPerSecond: [Double],
        perVMBitsPerSecond: [[Double]]? = nil
    ) {
        self.intervalSeconds = intervalSeconds
        self.startSeconds = startSeconds
        self.aggregateBitsPerSecond = aggregateBitsPerSecond
        self.perVMBitsPerSecond = perVMBitsPerSecond
    }
}

/// Initial replication: when each VM's disks were fully copied.
public struct InitialReplication: Codable, Sendable, Equatable {
    /// Seconds from the run's start until each VM finished, indexed by VM; `nil` for a VM that did not finish.
    public var perVMCompletionSeconds: [Double?]
    /// Seconds until the last VM finished; `nil` when any VM did not finish within the run.
    public var overallSeconds: Double?
    /// Bytes initial replication had to copy (used bytes of all disks, before compression).
    public var bytesToCopy: Int64
    /// Bytes still to copy when the run ended (before compression); 0 when every VM finished. Optional (older files).
    public var bytesLeft: Int64?
    /// Initial-replication time per VM, seconds: the completion time, or for a VM that did not finish within the
    /// run an estimate (the run's end plus the bytes left at the VM's copy rate over the measured interval);
    /// `nil` for a VM with no progress to extrapolate from. Optional (older files).
    public var perVMTimeSeconds: [Double?]?
    /// Initial-replication time of all VMs (the largest of ``perVMTimeSeconds``), seconds; `nil` when a VM's time
    /// cannot be estimated. Equal to ``overallSeconds`` when every VM finished.
    public var timeSeconds: Double?
    /// Whether ``timeSeconds`` is an estimate (some VM had not finished when the run ended).
    public var timeIsEstimate: Bool?
    /// Initial-replication throughput of all VMs: payload bits of the copy (after compression) over
    /// ``timeSeconds``, bits per second.
    public var throughputBitsPerSecond: Double?
    /// The same per VM (its payload bits over its own time), bits per second; `nil` where the time is `nil`.
    public var perVMThroughputBitsPerSecond: [Double?]?

    public init(
        perVMCompletionSeconds: [Double?], overallSeconds: Double?, bytesToCopy: Int64, bytesLeft: Int64? = nil,
        perVMTimeSeconds: [Double?]? = nil, timeSeconds: Double? = nil, timeIsEstimate: Bool? = nil,
        throughputBitsPerSecond: Double? = nil, perVMThroughputBitsPerSecond: [Double?]? = nil
    ) {
        self.perVMCompletionSeconds = perVMCompletionSeconds
        self.overallSeconds = overallSeconds
        self.bytesToCopy = bytesToCopy
        self.bytesLeft = bytesLeft
        self.perVMTimeSeconds = perVMTimeSeconds
        self.timeSeconds = timeSeconds
        self.timeIsEstimate = timeIsEstimate
        self.throughputBitsPerSecond = throughputBitsPerSecond
        self.perVMThroughputBitsPerSecond = perVMThroughputBitsPerSecond
    }

    /// The initial-replication time to report: ``timeSeconds`` (measured or estimated), else the measured
    /// ``overallSeconds`` (files written before estimates existed).
    public var reportedSeconds: Double? { timeSeconds ?? overallSeconds }
    /// Whether ``reportedSeconds`` is an estimate.
    public var reportedIsEstimate: Bool { overallSeconds == nil && (timeIsEstimate ?? false) }

    /// Number of VMs that finished.
    public var completedVMs: Int { perVMCompletionSeconds.count { $0 != nil } }
}

/// Delta replication cycles and the recovery point objective they achieved.
public struct CycleStats: Codable, Sendable, Equatable {
    /// Cycles started (all VMs).
    public var count: Int
    /// Cycles committed (a recovery point exists).
    public var committed: Int
    /// The target RPO of the scenario, seconds.
    public var targetRPOSeconds: Double
    /// Time from a cycle's start to its commit, seconds (committed cycles).
    public var uploadSeconds: Summary
    /// Recovery point objective achieved: age of the newest recovery point at each cycle boundary, seconds.
    public var rpoSeconds: Summary
    /// Distribution of the RPO samples, in ascending, non-overlapping buckets.
    public var rpoHistogram: [HistogramBucket]
    /// Share (0...1) of RPO samples at or below ``targetRPOSeconds``.
    public var shareWithinTargetRPO: Double
    /// Runs of consecutive cycles of one VM over the target RPO. Optional (simulated runs fill it).
    public var violations: RPOViolations?

    public init(
        count: Int,
        committed: Int,
        targetRPOSeconds: Double,
        uploadSeconds: Summary,
        rpoSeconds: Summary,
        rpoHistogram: [HistogramBucket],
        shareWithinTargetRPO: Double
    ) {
        self.count = count
        self.committed = committed
        self.targetRPOSeconds = targetRPOSeconds
        self.uploadSeconds = uploadSeconds
        self.rpoSeconds = rpoSeconds
        self.rpoHistogram = rpoHistogram
        self.shareWithinTargetRPO = shareWithinTargetRPO
        self.violations = nil
    }

    /// The statistics of `uploads` (commit − seal of committed cycles) and `rpos` (RPO samples), seconds, with the
    /// RPO histogram's bounds at the cycle frequency, half the target, the target, twice and four times it.
    /// Shared by simulated and live runs so both judge cycles the same way.
    public init(
        count: Int,
        committed: Int,
        uploads: [Double],
        rpos: [Double],
        frequencySeconds: Double,
        targetRPOSeconds: Double
    ) {
        let within = rpos.filter { $0 <= targetRPOSeconds }.count
        let bounds = [
            frequencySeconds, targetRPOSeconds / 2, targetRPOSeconds, targetRPOSeconds * 2, targetRPOSeconds * 4,
        ].filter { $0 > 0 }
        self.init(
            count: count, committed: committed, targetRPOSeconds: targetRPOSeconds,
            uploadSeconds: Summary(samples: uploads), rpoSeconds: Summary(samples: rpos),
            rpoHistogram: HistogramBucket.histogram(samples: rpos, bounds: Array(Set(bounds)).sorted()),
            shareWithinTargetRPO: rpos.isEmpty ? 1 : Double(within) / Double(rpos.count))
    }
}

/// Violations of the target RPO: a violation is a run of consecutive cycles of one VM whose RPO exceeded the
/// target; its length is its cycle count × the cycle frequency.
public struct RPOViolations: Codable, Sendable, Equatable {
    /// Number of violations (all VMs).
    public var count: Int
    /// Length of the longest violation, seconds.
    public var longestSeconds: Double
    /// Most violations that began within one day of the run (day 1 = its first 24 hours).
    public var peakPerDay: Int

    public init(count: Int, longestSeconds: Double, peakPerDay: Int) {
        self.count = count
        self.longestSeconds = longestSeconds
        self.peakPerDay = peakPerDay
    }

    /// Violations from each VM's RPO samples in time order: `(startSeconds, rpoSeconds)` per cycle.
    /// - Complexity: O(n) in the number of samples.
    public init(perVM: [[(startSeconds: Double, rpoSeconds: Double)]], targetSeconds: Double, frequencySeconds: Double) {
        var starts: [Double] = []
        var longest = 0
        for samples in perVM {
            var length = 0
            for sample in samples {
                if sample.rpoSeconds > targetSeconds {
                    if length == 0 { starts.append(sample.startSeconds) }
                    length += 1
                    longest = Swift.max(longest, length)
                } else {
                    length = 0
                }
            }
        }
        var perDay: [Int: Int] = [:]
        for start in starts { perDay[Int(start / 86_400), default: 0] += 1 }
        self.init(
            count: starts.count, longestSeconds: Double(longest) * frequencySeconds,
            peakPerDay: perDay.values.max() ?? 0)
    }
}

/// Percentiles of a sample (nearest-rank), in the unit of the field that holds it.
public struct Summary: Codable, Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    public init(p50: Double, p90: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }

    /// Nearest-rank percentiles of `samples`; all zero for an empty sample.
    /// - Complexity: O(n log n) (sorts a copy).
    public init(samples: [Double]) {
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.min(Swift.max(index, 0), sorted.count - 1)]
        }
        self.init(p50: rank(0.50), p90: rank(0.90), p99: rank(0.99), max: sorted.last ?? 0)
    }
}

/// One histogram bucket: samples `x` with `lowerSeconds < x <= upperSeconds` (the first bucket also holds its
/// lower bound).
public struct HistogramBucket: Codable, Sendable, Equatable {
    /// Lower bound, seconds.
    public var lowerSeconds: Double
    /// Upper bound, seconds; `nil` for the overflow bucket (no upper bound).
    public var upperSeconds: Double?
    /// Number of samples in the bucket.
    public var count: Int

    public init(lowerSeconds: Double, upperSeconds: Double?, count: Int) {
        self.lowerSeconds = lowerSeconds
        self.upperSeconds = upperSeconds
        self.count = count
    }

    /// Buckets `samples` at ascending `bounds`: `[b0, b1], (b1, b2], …, (bn-1, bn]`, then an overflow bucket
    /// `(bn, ∞)`. Samples below `b0` are counted in the first bucket; non-finite samples in the overflow. A single
    /// bound gives one bucket holding every sample; no bounds give no buckets.
    /// Example: bounds `[0, 900, 1800, 3600]` give the planner's 15/30/60-minute RPO buckets plus "> 60 min".
    /// - Complexity: O(n log b) for n samples and b bounds.
    /// - Precondition: `bounds` is non-empty and strictly ascending (not checked beyond sorting a copy).
    public static func histogram(samples: [Double], bounds: [Double]) -> [HistogramBucket] {
        let edges = bounds.sorted()
        guard let first = edges.first else { return [] }
        var counts = Array(repeating: 0, count: edges.count)  // edges.count - 1 finite buckets + overflow
        for sample in samples {
            guard sample.isFinite, let last = edges.last, sample <= last else {
                counts[edges.count - 1] += 1
                continue
            }
            // The first edge at or above the sample closes its bucket (binary search).
            var low = 1, high = edges.count - 1
            while low < high {
                let mid = (low + high) / 2
                if edges[mid] >= sample { high = mid } else { low = mid + 1 }
            }
            counts[Swift.max(low, 1) - 1] += 1
        }
        var buckets: [HistogramBucket] = []
        for index in 0..<(edges.count - 1) {
            buckets.append(.init(lowerSeconds: edges[index], upperSeconds: edges[index + 1], count: counts[index]))
        }
        buckets.append(.init(lowerSeconds: edges.last ?? first, upperSeconds: nil, count: counts[edges.count - 1]))
        return buckets
    }
}

/// Wall-clock facts of a live run (absent in simulated runs).
public struct LiveRunInfo: Codable, Sendable, Equatable {
    /// Wall-clock duration of the run, seconds.
    public var wallSeconds: Double
    /// The endpoint uploaded to (host and port or URL without credentials).
    public var endpoint: String?
    /// Compression ratio achieved by real zlib (compressed / original), if compression ran.
    public var compressionRatio: Double?

    public init(wallSeconds: Double, endpoint: String? = nil, compressionRatio: Double? = nil) {
        self.wallSeconds = wallSeconds
        self.endpoint = endpoint
        self.compressionRatio = compressionRatio
    }
}
