import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

@testable import BlobIngress

/// Runs a real ingress on 127.0.0.1 (ephemeral port) over `directory` for the duration of `body`, then stops it
/// and waits until it has stopped.
func withServer<T: Sendable>(
    directory: String,
    profile: IngressProfile = .init(),
    limits: ConnectionLimits = .init(),
    _ body: @Sendable (TestClient) async throws -> T
) async throws -> T {
    let server = try BlobIngressServer(
        configuration: .init(port: 0, dataDirectory: directory, profile: profile, limits: limits)
    )
    let (ready, continuation) = AsyncStream.makeStream(of: BlobIngressEndpoint.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await server.run { continuation.yield($0) }
            continuation.finish()
        }
        var iterator = ready.makeAsyncIterator()
        guard let endpoint = await iterator.next() else { throw TestFailure("server stopped before it was ready") }
        let client = TestClient(endpoint: endpoint, serverIdleTimeout: limits.idleTimeout)
        let result: Result<T, Error>
        do {
            result = .success(try await body(client))
        } catch {
            result = .failure(error)
        }
        try? await client.http.shutdown()
        group.cancelAll()
        while let next = await Result(catching: { try await group.next() }).successOrNil, next != nil {}
        return try result.get()
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }

    var successOrNil: Success? {
        switch self {
        case .success(let value): value
        case .failure: nil
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// How a test request authenticates.
enum Auth: Sendable {
    case sharedKey
    case sharedKeyWith(key: [UInt8])
    case none
    /// Query string of a SAS token (already percent-encoded).
    case sas(String)
}

struct Reply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var errorCode: String? { headers.first(name: "x-ms-error-code") }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A real HTTP client (AsyncHTTPClient, HTTP/1.1) that signs requests the way the Blob service expects.
struct TestClient: Sendable {
    let endpoint: BlobIngressEndpoint
    let http: HTTPClient
    var key: [UInt8] { [UInt8](Data(base64Encoded: endpoint.accountKeyBase64) ?? Data()) }

    /// A server that closes idle connections sooner than the client's pool lets them go (60 s) races the pool: a
    /// request sent on a pooled connection just as the server closes it fails with a reset. Against such a server
    /// every request takes a new connection.
    init(endpoint: BlobIngressEndpoint, serverIdleTimeout: Duration = ConnectionLimits.defaultIdleTimeout) {
        self.endpoint = endpoint
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .http1Only
        if serverIdleTimeout <= .seconds(60) { configuration.maximumUsesPerConnection = 1 }
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `method` to `/account/<path>`; `path` is used as given (tests pass percent-encoded or hostile paths).
    func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)] = [],
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        chunked: Bool = false,
        auth: Auth = .sharedKey
    ) async throws -> Reply {
        let rawPath = "/\(endpoint.account)/\(path)"
        var allHeaders = headers.map { ($0.0.lowercased(), $0.1) }
        allHeaders.append(("x-ms-version", "2025-01-05"))
        if !allHeaders.contains(where: { $0.0 == "x-ms-date" || $0.0 == "date" }) {
            allHeaders.append(("x-ms-date", HTTPDate.format(epochSeconds: Int64(Date().timeIntervalSince1970))))
        }
        if let body, !chunked { allHeaders.append(("content-length", String(body.count))) }
        var queryText = query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
        switch auth {
        case .sharedKey, .sharedKeyWith:
            let signingKey: [UInt8]
            if case .sharedKeyWith(let other) = auth { signingKey = other } else { signingKey = key }
            let signed = SharedKeyRequest(
                method: method.rawValue,
                headers: allHeaders,
                rawPath: rawPath,
                query: query.map { ($0.0, $0.1) }
            )
            allHeaders.append(("authorization", signed.authorizationHeader(account: endpoint.account, key: signingKey)))
        case .none:
            break
        case .sas(let token):
            queryText = queryText.isEmpty ? token : queryText + "&" + token
        }
        var request = HTTPClientRequest(
            url: "http://\(endpoint.host):\(endpoint.port)\(rawPath)" + (queryText.isEmpty ? "" : "?" + queryText)
        )
        request.method = method
        for (name, value) in allHeaders where name != "content-length" { request.headers.add(name: name, value: value) }
        if let body {
            if chunked {
                // No Content-Length: Transfer-Encoding chunked, in 1000-byte pieces.
                let pieces = stride(from: 0, to: body.count, by: 1000).map {
                    ByteBuffer(bytes: body[$0..<Swift.min($0 + 1000, body.count)])
                }
                request.body = .stream(pieces.async, length: .unknown)
            } else {
                request.body = .bytes(ByteBuffer(bytes: body))
            }
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 1 << 30)
        return Reply(
            status: Int(response.status.code),
            headers: response.headers,
            body: Array(collected.readableBytesView)
        )
    }

    func createContainer(_ name: String) async throws -> Reply {
        try await send(.PUT, name, query: [("restype", "container")])
    }

    func createPageBlob(_ path: String, size: Int) async throws -> Reply {
        try await send(.PUT, path, headers: [("x-ms-blob-type", "PageBlob"), ("x-ms-blob-content-length", "\(size)")])
    }

    func putPage(
        _ path: String,
        offset: Int,
        bytes: [UInt8],
        extraHeaders: [(String, String)] = [],
        auth: Auth = .sharedKey
    ) async throws -> Reply {
        try await send(
            .PUT,
            path,
            query: [("comp", "page")],
            headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=\(offset)-\(offset + bytes.count - 1)")]
                + extraHeaders,
            body: bytes,
            auth: auth
        )
    }

    func get(_ path: String, range: String? = nil, auth: Auth = .sharedKey) async throws -> Reply {
        try await send(.GET, path, headers: range.map { [("x-ms-range", $0)] } ?? [], auth: auth)
    }
}

func percentEncode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

/// Seeded bytes (the ingress's own SplitMix64), so failures reproduce.
func seededBytes(count: Int, seed: UInt64) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(count + 8)
    var n: UInt64 = 0
    while out.count < count {
        let z = FaultPlan.splitMix64(seed &+ n)
        n += 1
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: z >> (8 * UInt64(k)))) }
    }
    return Array(out.prefix(count))
}
