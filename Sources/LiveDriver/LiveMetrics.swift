import UploadCore

/// What a live run measures, on the uploader's actor; times are nanoseconds since the clock's origin.
struct LiveMetrics: Sendable {
    var startNanos: Int64 = 0
    var endNanos: Int64?
    /// Bytes acknowledged in this process, per time bucket since the start (bounded, not one record per chunk).
    var acknowledgedBytes = AcknowledgedBytes()
    /// Body bytes of every Put Page sent (acknowledged or not).
    var bytesSent: Int64 = 0
    var requestsSent = 0
    /// Raw bytes whose compression was measured, their zlib size, and the CPU time it took.
    var compressedInput: Int64 = 0
    var compressedOutput: Int64 = 0
    var compressNanos: Int64 = 0
    /// Time during which the core held every start for a retry pause, split by the last failure's kind.
    var pausedNanosThrottled: Int64 = 0
    var pausedNanosFaults: Int64 = 0
    var pauseStartedAt: Int64?
    var lastFailureWasThrottle = false
    var diskCompletedAt: [Int: Int64] = [:]

    mutating func started(at time: Int64) { startNanos = time }
    mutating func finished(at time: Int64) {
        pauseEnded(at: time)
        endNanos = time
    }

    mutating func sent(_ facts: ChunkSendFacts, at time: Int64) {
        bytesSent += facts.rawBytes
        requestsSent += 1
        if let compressed = facts.compressedBytes {
            compressedInput += facts.rawBytes
            compressedOutput += compressed
            compressNanos += facts.compressNanos
        }
    }

    mutating func acknowledged(bytes: Int64, at time: Int64) { acknowledgedBytes.add(bytes, atOffset: time - startNanos) }

    mutating func failed(_ reason: ChunkFailure, at time: Int64) {
        switch reason {
        case .throttled: lastFailureWasThrottle = true
        case .connectionReset, .serverError, .timedOut: lastFailureWasThrottle = false
        }
    }

    mutating func pauseBegan(at time: Int64) {
        if pauseStartedAt == nil { pauseStartedAt = time }
    }

    mutating func pauseEnded(at time: Int64) {
        guard let since = pauseStartedAt else { return }
        pauseStartedAt = nil
        if lastFailureWasThrottle { pausedNanosThrottled += time - since } else { pausedNanosFaults += time - since }
    }

    mutating func diskCompleted(_ disk: Int, at time: Int64) { diskCompletedAt[disk] = time }

    /// Wall seconds from the first start to the end.
    var wallSeconds: Double { Double((endNanos ?? startNanos) - startNanos) / 1e9 }

    /// Acknowledged bytes as bits per second over about 100 intervals of the run: each a multiple of 100 ms (a tenth
    /// of the run's hundredth, rounded up) and of the bucket width; the last one as wide as what is left of the run.
    /// - Complexity: O(buckets), at most ``AcknowledgedBytes/maxBuckets``.
    func throughputSeries() -> (intervalSeconds: Double, bitsPerSecond: [Double]) {
        let wallNanos = Swift.max(0, (endNanos ?? startNanos) - startNanos)
        let tenths = Swift.max(1, (wallNanos + 9_999_999_999) / 10_000_000_000)
        let width = acknowledgedBytes.bucketNanos
        let bucketsPerInterval = Int((tenths * AcknowledgedBytes.baseBucketNanos + width - 1) / width)
        let intervalNanos = Int64(bucketsPerInterval) * width
        let count = Swift.max(1, Int((wallNanos + intervalNanos - 1) / intervalNanos))
        var bits = Array(repeating: 0.0, count: count)
        for (bucket, bytes) in acknowledgedBytes.buckets.enumerated() where bytes > 0 {
            bits[Swift.min(count - 1, bucket / bucketsPerInterval)] += Double(bytes) * 8
        }
        let interval = Double(intervalNanos) / 1e9
        let lastWidth = wallSeconds - Double(count - 1) * interval
        let series = bits.enumerated().map { index, value in
            value / (index == count - 1 ? Swift.max(lastWidth, interval / 1000) : interval)
        }
        return (interval, series)
    }
}

/// Bytes acknowledged per time bucket since a run's start: buckets of 100 ms, each pair merged (the width doubled)
/// whenever a time beyond ``maxBuckets`` buckets arrives, so memory stays bounded however long the run and however
/// many chunks it acknowledges.
struct AcknowledgedBytes: Sendable {
    static let baseBucketNanos: Int64 = 100_000_000
    static let maxBuckets = 1_024
    private(set) var bucketNanos = baseBucketNanos
    private(set) var buckets: [Int64] = []
    private(set) var totalBytes: Int64 = 0

    /// Adds `bytes` acknowledged `nanos` after the start (a time before the start counts in the first bucket).
    /// - Complexity: O(1) amortised; O(buckets) when the width doubles.
    mutating func add(_ bytes: Int64, atOffset nanos: Int64) {
        let offset = Swift.max(0, nanos)
        while offset / bucketNanos >= Int64(Self.maxBuckets) { doubleWidth() }
        let index = Int(offset / bucketNanos)
        if index >= buckets.count { buckets += repeatElement(0, count: index + 1 - buckets.count) }
        buckets[index] += bytes
        totalBytes += bytes
    }

    private mutating func doubleWidth() {
        bucketNanos *= 2
        buckets = stride(from: 0, to: buckets.count, by: 2).map { buckets[$0] + (buckets.indices.contains($0 + 1) ? buckets[$0 + 1] : 0) }
    }
}
