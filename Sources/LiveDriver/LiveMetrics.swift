import UploadCore

/// What a live run measures, on the uploader's actor; times are nanoseconds since the clock's origin.
struct LiveMetrics: Sendable {
    var startNanos: Int64 = 0
    var endNanos: Int64?
    /// (time, bytes) of each acknowledgement in this process, in time order.
    var acknowledgements: [(at: Int64, bytes: Int64)] = []
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

    mutating func acknowledged(bytes: Int64, at time: Int64) { acknowledgements.append((time, bytes)) }

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

    /// Acknowledged bytes per interval as bits per second, intervals of `interval` seconds from the start.
    /// - Complexity: O(acknowledgements).
    func series(intervalSeconds interval: Double) -> [Double] {
        let count = Swift.max(1, Int((wallSeconds / interval).rounded(.up)))
        var bits = Array(repeating: 0.0, count: count)
        for ack in acknowledgements {
            let index = Swift.min(count - 1, Swift.max(0, Int(Double(ack.at - startNanos) / 1e9 / interval)))
            bits[index] += Double(ack.bytes) * 8
        }
        let lastWidth = wallSeconds - Double(count - 1) * interval
        return bits.enumerated().map { index, value in
            value / (index == count - 1 ? Swift.max(lastWidth, interval / 1000) : interval)
        }
    }
}
