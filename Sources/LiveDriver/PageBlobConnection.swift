import AsyncHTTPClient
import BlobProtocol
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// An HTTP answer, reduced to what the driver reads.
struct BlobReply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var errorCode: String? { headers.first(name: "x-ms-error-code") }

    /// "HTTP 503 ServerBusy to Put Page …": the server's answer, as the progress line and errors name it.
    func answer(to request: String) -> String {
        "HTTP \(status)\(errorCode.map { " \($0)" } ?? "") to \(request)"
    }
}

/// One upload thread's persistent HTTP/1.1 connection to the Blob service, signing with Shared Key.
///
/// One `HTTPClient` per thread with a connection limit of 1 pins exactly one TCP connection to the thread
/// (docs/sources.md §B.3: AHC's pool does not pin connections to callers; one client per worker does), `.http1Only`.
/// A reset connection is re-opened by AHC on the next request. A connection that cannot be opened fails the request
/// at once (`retryConnectionEstablishment` off): retrying is the upload core's retry policy's job, and AHC's own
/// retries would hide the cause until the request deadline.
///
/// It also keeps the thread's chunk buffer between chunks (``takeBuffer(capacity:)`` / ``returnBuffer(_:)``): a
/// fresh 4 MiB buffer per chunk cost about 25 000 page faults per GiB sent (zeroed pages from the kernel, measured
/// with `perf stat -e page-faults`), about a tenth of the client's CPU.
final class PageBlobConnection: Sendable {
    /// `x-ms-version` sent with every request.
    static let apiVersion = BlobAPIVersion.current
    let target: LiveTarget
    /// The account key for the Shared Key HMAC-SHA256.
    let key: SymmetricKey
    let http: HTTPClient
    let timeout: TimeAmount
    private let spare = NIOLockedValueBox<ByteBuffer?>(nil)

    init(target: LiveTarget, timeout: TimeAmount = .seconds(60)) {
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(300), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        self.target = target
        self.key = SymmetricKey(data: target.key)
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    /// A connection error as the progress line and errors name it: "connect to 127.0.0.1:9: connection refused".
    func describe(_ error: Error) -> String {
        var text = "\(error)"
        if let io = error as? IOError { text = io.description }
        if text.localizedCaseInsensitiveContains("refused") { text = "connection refused" }
        return "connection to \(target.host):\(target.port): \(text)"
    }

    /// Closes the connection.
    func shutdown() async { try? await http.shutdown() }

    /// An empty buffer with room for `capacity` bytes: the one the previous chunk used when it was returned and
    /// is no longer referenced elsewhere, else a new one.
    func takeBuffer(capacity: Int) -> ByteBuffer {
        var buffer = spare.withLockedValue { spare in
            defer { spare = nil }
            return spare
        } ?? ByteBufferAllocator().buffer(capacity: capacity)
        buffer.clear(minimumCapacity: capacity)
        return buffer
    }

    /// Keeps `buffer` for the thread's next chunk (call once the request that sent it has completed).
    func returnBuffer(_ buffer: ByteBuffer) {
        spare.withLockedValue { $0 = buffer }
    }

    /// Sends a signed request to `/account/<path>`; error bodies are read and dropped.
    /// - Throws: AHC's errors for connection failures and timeouts.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        headers: [(String, String)] = [],
        body: ByteBuffer? = nil
    ) async throws -> BlobReply {
        let rawPath = "/\(target.account)/\(path)"
        var all = headers
        all.append(("x-ms-version", Self.apiVersion))
        all.append(("x-ms-date", HTTPDate.format(epochSeconds: Int64(time(nil)))))
        all.append(("content-length", String(body?.readableBytes ?? 0)))
        let signed = SharedKeyRequest(method: method.rawValue, headers: all, rawPath: rawPath, query: query)
        let authorization = signed.authorizationHeader(account: target.account) {
            HMAC<SHA256>.authenticationCode(for: $0, using: key)
        }
        all.append(("authorization", authorization))
        let queryText = query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var request = HTTPClientRequest(
            url: "http://\(target.host):\(target.port)\(rawPath)" + (queryText.isEmpty ? "" : "?" + queryText))
        request.method = method
        for (name, value) in all where name != "content-length" { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(body)
        } else if method == .PUT {
            request.body = .bytes(ByteBuffer())
        }
        let response = try await http.execute(request, timeout: timeout)
        _ = try await response.body.collect(upTo: 1 << 20)
        return BlobReply(status: Int(response.status.code), headers: response.headers)
    }
}
