import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// What `replsim serve` answers besides the Blob API: a health route and the Prometheus metrics, both without
/// authentication.
///
/// They cannot be mistaken for Blob requests: a Blob request either names a blob (`/container/blob`) or carries
/// `restype` or `comp` (container and account operations), while these are a single path segment with neither. A
/// container called `healthz` or `metrics` therefore stays usable (`/metrics?restype=container`, `/metrics/blob`),
/// and so does an account of that name (its path-style requests have further segments).
public enum ObservabilityRoute: String, Sendable, CaseIterable {
    /// `GET /healthz`: 200 `ok` while the server accepts requests.
    case health = "/healthz"
    /// `GET /metrics`: the Prometheus text exposition format.
    case metrics = "/metrics"

    init?(_ request: Request) {
        guard request.method == .get || request.method == .head,
            let route = ObservabilityRoute(rawValue: request.uri.path),
            request.uri.queryParameters["restype"] == nil, request.uri.queryParameters["comp"] == nil
        else { return nil }
        self = route
    }
}

/// Wraps the ``BlobResponder``: answers the ``ObservabilityRoute``s itself, and for every Blob request records the
/// ``IngressMetrics`` and writes one log line at `info` (method, path without the query — a SAS signature stays
/// out of the log —, operation, status, bytes, milliseconds, request id).
struct ObservedResponder: HTTPResponder {
    typealias Context = BlobRequestContext

    let blob: BlobResponder
    let metrics: IngressMetrics
    let logger: Logger

    func respond(to request: Request, context: BlobRequestContext) async throws -> Response {
        if let route = ObservabilityRoute(request) { return answer(route, includeBody: request.method == .get) }
        let started = ContinuousClock.now
        let operation = BlobOperation(
            method: request.method.rawValue,
            restype: request.uri.queryParameters["restype"].map(String.init),
            comp: request.uri.queryParameters["comp"].map(String.init)
        )
        let declaredBytes = request.headers[.contentLength].flatMap { Int($0) } ?? 0
        do {
            let response = try await blob.respond(to: request, context: context)
            let succeeded = (200..<300).contains(response.status.code)
            observe(
                request, operation: operation, requestID: response.headers[HTTPField.Name("x-ms-request-id")!],
                outcome: IngressMetrics.Observation(
                    operation: operation,
                    status: String(response.status.code),
                    receivedBytes: succeeded ? declaredBytes : 0,
                    sentBytes: response.body.contentLength ?? 0,
                    throttled: response.headers[HTTPField.Name("x-ms-error-code")!]
                        == BlobErrorCode.serverBusy.rawValue,
                    duration: ContinuousClock.now - started
                )
            )
            return response
        } catch {
            observe(
                request, operation: operation, requestID: nil,
                outcome: IngressMetrics.Observation(
                    operation: operation, status: error is InjectedReset ? "reset" : "error", receivedBytes: 0,
                    sentBytes: 0, throttled: false, duration: ContinuousClock.now - started
                )
            )
            throw error
        }
    }

    func observe(_ request: Request, operation: BlobOperation, requestID: String?, outcome: IngressMetrics.Observation) {
        metrics.record(outcome)
        logger.info(
            "\(request.method.rawValue) \(request.uri.path) \(outcome.status)",
            metadata: [
                "operation": "\(operation.rawValue)",
                "received": "\(outcome.receivedBytes)",
                "sent": "\(outcome.sentBytes)",
                "ms": "\(String(format: "%.3f", Double(outcome.duration / .nanoseconds(1)) / 1e6))",
                "request-id": "\(requestID ?? "-")",
            ]
        )
    }

    func answer(_ route: ObservabilityRoute, includeBody: Bool) -> Response {
        let body: [UInt8]
        let contentType: String
        switch route {
        case .health:
            body = Array("ok\n".utf8)
            contentType = "text/plain; charset=utf-8"
        case .metrics:
            body = metrics.exposition()
            contentType = "text/plain; version=0.0.4; charset=utf-8"
        }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentLength: String(body.count)],
            body: includeBody ? ResponseBody(byteBuffer: ByteBuffer(bytes: body)) : ResponseBody()
        )
    }
}
