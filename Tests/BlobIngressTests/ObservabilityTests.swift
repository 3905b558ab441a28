import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestHarness
import Testing

@testable import BlobIngress

/// The health route and `/metrics` of a real server on 127.0.0.1: no authentication, no collision with Blob names,
/// and counters that follow the requests.
@Suite struct ObservabilityTests {
    @Test func healthAndMetricsNeedNoAuthentication() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        try await withServer(directory: dir.path) { client in
            let health = try await client.plain(.GET, "/healthz")
            #expect(health.status == 200)
            #expect(String(decoding: health.body, as: UTF8.self) == "ok\n")
            let head = try await client.plain(.HEAD, "/healthz")
            #expect(head.status == 200 && head.body.isEmpty)
            let metrics = try await client.plain(.GET, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            // The same paths with the account in front are Blob requests, and without credentials they fail.
            let blobStyle = try await client.send(.GET, "metrics", query: [("restype", "container")], auth: .none)
            #expect(blobStyle.status == 403, "a Blob request must still need authentication")
        }
    }

    /// Containers called `metrics` and `healthz` keep working, and the routes still answer beside them.
    @Test func containersNamedLikeTheRoutesStayUsable() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        try await withServer(directory: dir.path) { client in
            for name in ["metrics", "healthz"] {
                #expect(try await client.createContainer(name).status == 201)
                #expect(try await client.createPageBlob("\(name)/disk", size: 1024).status == 201)
                let bytes = seededBytes(count: 512, seed: 7)
                #expect(try await client.putPage("\(name)/disk", offset: 512, bytes: bytes).status == 201)
                let read = try await client.get("\(name)/disk", range: "bytes=512-1023")
                #expect(read.status == 206 && read.body == bytes, "seed 7, container \(name)")
                let properties = try await client.send(.GET, name, query: [("restype", "container")])
                #expect(properties.status == 200)
            }
            #expect(try await client.plain(.GET, "/healthz").status == 200)
            let text = String(decoding: try await client.plain(.GET, "/metrics").body, as: UTF8.self)
            #expect(sample(text, IngressMetrics.requests, ["operation": "CreateContainer", "status": "201"]) == 2)
        }
    }

    /// Requests by operation and status, bytes both ways, throttled requests, and one latency sample per request.
    @Test func countersFollowTheRequests() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        // A bucket of one request refilled every 100 s: the second request in a row is refused (503).
        let profile = IngressProfile(perAccountRequestsPerSecond: 0.01, burstSeconds: 100)
        try await withServer(directory: dir.path, profile: profile) { client in
            let before = String(decoding: try await client.plain(.GET, "/metrics").body, as: UTF8.self)
            #expect(sample(before, IngressMetrics.requests, ["operation": "CreateContainer", "status": "201"]) == nil)
            #expect(try await client.createContainer("first").status == 201)
            let refused = try await client.createContainer("second")
            #expect(refused.status == 503 && refused.errorCode == "ServerBusy")
            let unauthenticated = try await client.send(.GET, "first/blob", auth: .none)
            #expect(unauthenticated.status == 403)

            let text = String(decoding: try await client.plain(.GET, "/metrics").body, as: UTF8.self)
            let create = ["operation": "CreateContainer"]
            #expect(sample(text, IngressMetrics.requests, create.merging(["status": "201"]) { $1 }) == 1, "\(text)")
            #expect(sample(text, IngressMetrics.requests, create.merging(["status": "503"]) { $1 }) == 1, "\(text)")
            #expect(sample(text, IngressMetrics.throttled, create) == 1, "\(text)")
            #expect(sample(text, IngressMetrics.requests, ["operation": "GetBlob", "status": "403"]) == 1, "\(text)")
            #expect(sample(text, IngressMetrics.duration + "_count", create) == 2, "\(text)")
            #expect(sample(text, IngressMetrics.duration + "_count", ["operation": "GetBlob"]) == 1, "\(text)")
            // Errors carry an XML body: sent bytes move, received bytes only for answered writes.
            #expect((sample(text, IngressMetrics.sentBytes, ["operation": "GetBlob"]) ?? 0) > 0, "\(text)")
        }
    }

    @Test func bytesReceivedAndSentAreTheBodies() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        try await withServer(directory: dir.path) { client in
            #expect(try await client.createContainer("first").status == 201)
            #expect(try await client.createPageBlob("first/disk", size: 8192).status == 201)
            let bytes = seededBytes(count: 4096, seed: 11)
            #expect(try await client.putPage("first/disk", offset: 0, bytes: bytes).status == 201)
            #expect(try await client.putPage("first/disk", offset: 4096, bytes: bytes).status == 201)
            #expect(try await client.get("first/disk", range: "bytes=0-999").body.count == 1000)
            let text = String(decoding: try await client.plain(.GET, "/metrics").body, as: UTF8.self)
            #expect(sample(text, IngressMetrics.receivedBytes, ["operation": "PutPage"]) == 8192, "seed 11: \(text)")
            #expect(sample(text, IngressMetrics.requests, ["operation": "PutPage", "status": "201"]) == 2)
            #expect(sample(text, IngressMetrics.sentBytes, ["operation": "GetBlob"]) == 1000, "\(text)")
        }
    }
}

extension TestClient {
    /// An unsigned request to `path` exactly as given (no account segment).
    func plain(_ method: HTTPMethod, _ path: String) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://\(endpoint.host):\(endpoint.port)\(path)")
        request.method = method
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 24)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(body.readableBytesView))
    }
}

/// The value of the sample `name{labels}` in a Prometheus text exposition (labels in any order), nil if absent.
func sample(_ exposition: String, _ name: String, _ labels: [String: String]) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(name + "{") {
        guard let close = line.firstIndex(of: "}") else { continue }
        let inner = line[line.index(line.startIndex, offsetBy: name.count + 1)..<close]
        var found: [String: String] = [:]
        for pair in inner.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        if found == labels { return Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) }
    }
    return nil
}
