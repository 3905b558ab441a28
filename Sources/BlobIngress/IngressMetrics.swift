import Metrics
import Prometheus

/// The ingress's Prometheus metrics, recorded through swift-metrics into a registry of this server's own (so
/// several servers in one process, as in the tests, keep separate counts) and served at `GET /metrics`.
///
/// | Metric | Type | Labels |
/// |---|---|---|
/// | `replsim_blob_requests_total` | counter | `operation`, `status` |
/// | `replsim_blob_received_bytes_total` | counter | `operation` |
/// | `replsim_blob_sent_bytes_total` | counter | `operation` |
/// | `replsim_blob_throttled_requests_total` | counter | `operation` |
/// | `replsim_blob_request_duration_seconds` | histogram | `operation` |
///
/// Names follow Prometheus's naming practice (base unit in the name, `_total` for counters).
public struct IngressMetrics: Sendable {
    public static let requests = "replsim_blob_requests_total"
    public static let receivedBytes = "replsim_blob_received_bytes_total"
    public static let sentBytes = "replsim_blob_sent_bytes_total"
    public static let throttled = "replsim_blob_throttled_requests_total"
    public static let duration = "replsim_blob_request_duration_seconds"

    /// The registry `GET /metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a loopback 512-byte page to a 4 MiB Put Page behind a throttled, synchronously written disk.
        factory.durationHistogramBuckets[Self.duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    /// What one answered Blob request adds.
    struct Observation {
        var operation: BlobOperation
        /// The HTTP status, or a word when no response went out (`reset`, `error`).
        var status: String
        /// Request body bytes (Content-Length) of a request answered 2xx.
        var receivedBytes: Int
        /// Response body bytes.
        var sentBytes: Int
        var throttled: Bool
        var duration: Duration
    }

    func record(_ observation: Observation) {
        let operation = [("operation", observation.operation.rawValue)]
        Counter(label: Self.requests, dimensions: operation + [("status", observation.status)], factory: factory)
            .increment()
        Counter(label: Self.receivedBytes, dimensions: operation, factory: factory)
            .increment(by: observation.receivedBytes)
        Counter(label: Self.sentBytes, dimensions: operation, factory: factory).increment(by: observation.sentBytes)
        if observation.throttled {
            Counter(label: Self.throttled, dimensions: operation, factory: factory).increment()
        }
        Metrics.Timer(label: Self.duration, dimensions: operation, factory: factory)
            .record(duration: observation.duration)
    }

    /// The Prometheus text exposition format (version 0.0.4) of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
