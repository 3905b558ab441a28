import Testing

@testable import LiveDriver

/// A live run's throughput record is bounded: per-time buckets whose width doubles, not one record per chunk, and the
/// report's series adds up to the bytes acknowledged.
@Suite struct LiveMetricsTests {
    /// The series as one record per acknowledgement gave it: ~100 intervals of a multiple of 100 ms.
    static func perAcknowledgementSeries(_ acks: [(at: Int64, bytes: Int64)], wallNanos: Int64) -> [Double] {
        let wall = Double(wallNanos) / 1e9
        let interval = Swift.max(0.1, (wall / 100 * 10).rounded(.up) / 10)
        let count = Swift.max(1, Int((wall / interval).rounded(.up)))
        var bits = Array(repeating: 0.0, count: count)
        for ack in acks {
            bits[Swift.min(count - 1, Swift.max(0, Int(Double(ack.at) / 1e9 / interval)))] += Double(ack.bytes) * 8
        }
        let lastWidth = wall - Double(count - 1) * interval
        return bits.enumerated().map { $1 / ($0 == count - 1 ? Swift.max(lastWidth, interval / 1000) : interval) }
    }

    @Test func aShortRunGivesTheSeriesOneRecordPerAcknowledgementGave() {
        var metrics = LiveMetrics()
        metrics.started(at: 5_000_000_000)
        var acks: [(at: Int64, bytes: Int64)] = []
        for k in 0..<20_000 {  // 74 s, irregular times and sizes (fixed, so a failure reproduces)
            let at = Int64(k) * 3_700_000 + Int64(k * 7_919 % 3_700_000)
            acks.append((at, 1 + Int64(k * 104_729 % (4 << 20))))
            metrics.acknowledged(bytes: acks[k].bytes, at: 5_000_000_000 + at)
        }
        metrics.finished(at: 5_000_000_000 + 74_000_000_000)
        let series = metrics.throughputSeries()
        #expect(series.intervalSeconds == 0.8)
        let expected = Self.perAcknowledgementSeries(acks, wallNanos: 74_000_000_000)
        #expect(series.bitsPerSecond.count == expected.count)
        for (got, want) in zip(series.bitsPerSecond, expected) {
            #expect(abs(got - want) <= 1e-9 * Swift.max(1, want), "\(series.bitsPerSecond) vs \(expected)")
        }
    }

    /// Ten days of 4 KiB acknowledgements every 4 ms (216 million in a real run; every 400th here, same span): the
    /// record stays within its bucket bound, and the series still adds up to every byte.
    @Test func aLongRunStaysBoundedAndAddsUp() {
        var metrics = LiveMetrics()
        metrics.started(at: 0)
        let span: Int64 = 10 * 86_400 * 1_000_000_000
        let step: Int64 = 1_600_000_000
        var total: Int64 = 0
        var at: Int64 = 0
        while at < span {
            metrics.acknowledged(bytes: 4096, at: at)
            total += 4096
            at += step
        }
        metrics.finished(at: span)
        #expect(metrics.acknowledgedBytes.buckets.count <= AcknowledgedBytes.maxBuckets)
        #expect(metrics.acknowledgedBytes.totalBytes == total)
        let series = metrics.throughputSeries()
        #expect(series.bitsPerSecond.count <= 100 && series.bitsPerSecond.count >= 50, "\(series.bitsPerSecond.count)")
        let intervalNanos = Int64((series.intervalSeconds * 1e9).rounded())
        #expect(intervalNanos % metrics.acknowledgedBytes.bucketNanos == 0, "intervals must be whole buckets")
        let lastWidth = Double(span) / 1e9 - Double(series.bitsPerSecond.count - 1) * series.intervalSeconds
        let bits = series.bitsPerSecond.enumerated().reduce(0.0) { sum, element in
            sum + element.element * (element.offset == series.bitsPerSecond.count - 1 ? lastWidth : series.intervalSeconds)
        }
        #expect(abs(bits - Double(total) * 8) < 1e-6 * Double(total) * 8, "the series holds \(bits / 8) of \(total) bytes")
    }
}
