import Foundation
import TestHarness
import Testing

@testable import BlobIngress

/// Requests that once crashed the server, exhausted its memory or were wrongly accepted, sent over raw sockets.
/// After each, the server still answers and the stored bytes are unchanged.
@Suite struct ServerDefectTests {
    static let seed: UInt64 = 2026

    /// A server with container "disks" and page blob "d.vhd" of `size` bytes whose first 8 KiB are seeded bytes;
    /// `body` gets the client and the expected content of those 8 KiB, which are checked again afterwards.
    func withStoredPages(
        size: Int64 = 65536,
        limits: ConnectionLimits = .init(),
        _ body: @Sendable @escaping (TestClient, [UInt8]) async throws -> Void
    ) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed = Self.seed
        try await withServer(directory: dir.path, limits: limits) { client in
            _ = try await client.createContainer("disks")
            #expect(try await client.createPageBlob("disks/d.vhd", size: Int(size)).status == 201)
            let data = seededBytes(count: 8192, seed: seed)
            #expect(try await client.putPage("disks/d.vhd", offset: 0, bytes: data).status == 201)
            try await body(client, data)
            let after = try await client.get("disks/d.vhd", range: "bytes=0-8191")
            #expect(after.body == data, "stored bytes changed; seed \(seed)")
        }
    }

    func putPageRange(_ range: String, mode: String, body: [UInt8] = [], endpoint: BlobIngressEndpoint) -> [UInt8] {
        signedRequest(
            "PUT",
            "disks/d.vhd",
            endpoint: endpoint,
            query: [("comp", "page")],
            headers: [("x-ms-page-write", mode), ("x-ms-range", range)],
            body: body
        )
    }

    /// An `x-ms-range` ending at Int64.max is 512-aligned (2^63 − 1 ≡ 511 mod 512) and its length overflows.
    @Test func rangesAtTheInt64EdgeAre416() async throws {
        try await withStoredPages { client, _ in
            let max = Int64.max
            for range in ["bytes=0-\(max)", "bytes=\(max - 511)-\(max)", "bytes=512-\(max)"] {
                for mode in ["update", "clear"] {
                    // A body of the range's length where that is a page (the other ranges overflow or exceed 8 TiB).
                    let body = mode == "update" && range.hasPrefix("bytes=\(max - 511)") ? [UInt8](repeating: 1, count: 512) : []
                    let reply = try await rawExchange(
                        putPageRange(range, mode: mode, body: body, endpoint: client.endpoint),
                        port: client.endpoint.port
                    )
                    #expect(
                        reply.status == 416 && reply.errorCode == "InvalidPageRange",
                        "\(mode) \(range): \(reply.status) \(reply.errorCode ?? "-")"
                    )
                }
            }
            let overflow = try await rawExchange(
                putPageRange("bytes=0-9223372036854775808", mode: "clear", endpoint: client.endpoint),
                port: client.endpoint.port
            )
            #expect(overflow.status == 400 && overflow.errorCode == "InvalidHeaderValue")
        }
    }

    /// A clear over a whole 1 TiB sparse page blob is answered without touching memory in proportion to the
    /// range (it once tried to allocate 1 TiB and aborted); the cleared pages read as zeros afterwards and their
    /// disk blocks are freed.
    @Test func clearingATebibyteNeedsNoMemoryForTheRange() async throws {
        let size: Int64 = 1 << 40
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        try await withServer(directory: dir.path) { client in
            _ = try await client.createContainer("disks")
            #expect(try await client.createPageBlob("disks/big.vhd", size: Int(size)).status == 201)
            let data = seededBytes(count: 1 << 20, seed: Self.seed)
            #expect(try await client.putPage("disks/big.vhd", offset: 4096, bytes: data).status == 201)
            let dataFile = try #require(
                FileManager.default.subpathsOfDirectory(atPath: dir.path).first { $0.hasSuffix(".data") }
            )
            var info = stat()
            stat(dir.path + "/" + dataFile, &info)
            let blocksBefore = info.st_blocks
            let reply = try await rawExchange(
                signedRequest(
                    "PUT",
                    "disks/big.vhd",
                    endpoint: client.endpoint,
                    query: [("comp", "page")],
                    headers: [("x-ms-page-write", "clear"), ("x-ms-range", "bytes=0-\(size - 1)")]
                ),
                port: client.endpoint.port
            )
            #expect(reply.status == 201, "clear of 1 TiB: \(reply.status) \(reply.errorCode ?? "-")")
            let after = try await client.get("disks/big.vhd", range: "bytes=0-\(4096 + (1 << 20) - 1)")
            #expect(after.body == [UInt8](repeating: 0, count: 4096 + (1 << 20)))
            stat(dir.path + "/" + dataFile, &info)
            #expect(info.st_blocks < blocksBefore, "blocks \(blocksBefore) → \(info.st_blocks): no hole punched")
        }
    }

    /// Shared Key requests must carry their time, within 15 minutes of the server's, or they are 403: a captured
    /// request can be replayed only within that window.
    @Test func sharedKeyRefusesStaleFutureAndMissingDates() async throws {
        try await withStoredPages { client, expected in
            let now = Int64(Date().timeIntervalSince1970)
            let refused: [(String, String?)] = [
                ("20 minutes old", HTTPDate.format(epochSeconds: now - 20 * 60)),
                ("20 minutes ahead", HTTPDate.format(epochSeconds: now + 20 * 60)),
                ("2001", "Mon, 01 Jan 2001 00:00:00 GMT"),
                ("garbage", "yesterday at noon"),
                ("31 February", "Sat, 31 Feb 2026 00:00:00 GMT"),
                ("missing", nil),
            ]
            let junk = [UInt8](repeating: 0xEE, count: 512)
            for (what, date) in refused {
                let request = signedRequest(
                    "PUT",
                    "disks/d.vhd",
                    endpoint: client.endpoint,
                    query: [("comp", "page")],
                    headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=0-511")],
                    body: junk,
                    date: date
                )
                let reply = try await rawExchange(request, port: client.endpoint.port)
                #expect(reply.status == 403 && reply.errorCode == "AuthenticationFailed", "\(what): \(reply.status)")
            }
            // Within the window: accepted (a zero page over the first page, then the original back).
            let recent = signedRequest(
                "PUT",
                "disks/d.vhd",
                endpoint: client.endpoint,
                query: [("comp", "page")],
                headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=0-511")],
                body: Array(expected[0..<512]),
                date: HTTPDate.format(epochSeconds: now - 10 * 60)
            )
            #expect(try await rawExchange(recent, port: client.endpoint.port).status == 201)
        }
    }

    /// `sp=c` creates blobs but does not write to existing ones; `sv` is a date, not a string.
    @Test func sasCreatePermissionAndVersionAreCheckedAsTheServiceDoes() async throws {
        try await withStoredPages { client, _ in
            let account = client.endpoint.account
            let key = client.key
            func token(_ blob: String, _ permissions: String, version: String = "2025-01-05") -> String {
                AuthTests.sas(
                    account: account,
                    key: key,
                    container: "disks",
                    blob: blob,
                    permissions: permissions,
                    expiry: "2099-01-01T00:00:00Z",
                    version: version
                )
            }
            let junk = [UInt8](repeating: 0xEE, count: 512)
            let page = try await client.putPage("disks/d.vhd", offset: 0, bytes: junk, auth: .sas(token("d.vhd", "c")))
            #expect(page.status == 403 && page.errorCode == "AuthorizationPermissionMismatch", "sp=c Put Page")
            func putBlob(_ blob: String) async throws -> Reply {
                try await client.send(
                    .PUT,
                    "disks/\(blob)",
                    headers: [("x-ms-blob-type", "BlockBlob")],
                    body: junk,
                    auth: .sas(token(blob, "c"))
                )
            }
            let replace = try await putBlob("d.vhd")
            #expect(replace.status == 403 && replace.errorCode == "AuthorizationPermissionMismatch", "sp=c replace")
            let create = try await putBlob("new.bin")
            #expect(create.status == 201, "sp=c creating a new blob: \(create.status)")
            for version in ["9", "2020-12-05", "2025-13-01", "2025-02-30", "99999-01-01", "2025-1-05"] {
                let read = try await client.get("disks/d.vhd", auth: .sas(token("d.vhd", "r", version: version)))
                #expect(read.status == 403 && read.errorCode == "AuthenticationFailed", "sv=\(version)")
            }
            let current = try await client.get("disks/d.vhd", auth: .sas(token("d.vhd", "r", version: "2020-12-06")))
            #expect(current.status == 200)
        }
    }

    /// A page blob larger than the service allows (8 TiB) is the client's mistake: 400, not a 500 from the file
    /// system.
    @Test func oversizedPageBlobIs400() async throws {
        try await withStoredPages { client, _ in
            for size in [Int64.max - 511, (1 << 62), BlobStore.maxPageBlobBytes + 512] {
                let reply = try await rawExchange(
                    signedRequest(
                        "PUT",
                        "disks/huge.vhd",
                        endpoint: client.endpoint,
                        headers: [("x-ms-blob-type", "PageBlob"), ("x-ms-blob-content-length", "\(size)")]
                    ),
                    port: client.endpoint.port
                )
                #expect(reply.status == 400 && reply.errorCode == "InvalidHeaderValue", "size \(size): \(reply.status)")
            }
        }
    }

    // MARK: connections

    /// A connection that never sends a byte is closed after the idle timeout.
    @Test func silentConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await withStoredPages(limits: .init(headerTimeout: .seconds(60), idleTimeout: .milliseconds(300))) {
            client, _ in
            let silent = try RawConnection(port: client.endpoint.port)
            #expect(await silent.closedByServer(within: 30), "a silent connection was still open after 30 s")
        }
    }

    /// A request head sent a piece at a time and never finished is cut off by the header timeout, even while
    /// bytes keep arriving and the idle timeout is far away.
    @Test func unfinishedHeadIsClosedAfterTheHeaderTimeout() async throws {
        try await withStoredPages(limits: .init(headerTimeout: .milliseconds(300), idleTimeout: .seconds(60))) {
            client, _ in
            let slow = try RawConnection(port: client.endpoint.port)
            #expect(slow.send("GET /replsim/disks/d.vhd HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
            #expect(await slow.closedByServer(within: 30), "an unfinished head was still open after 30 s")
            // A connection that sends whole requests is not affected.
            let normal = try RawConnection(port: client.endpoint.port)
            for _ in 0..<3 {
                normal.send(signedRequest("GET", "disks/d.vhd", endpoint: client.endpoint, headers: [("x-ms-range", "bytes=0-511")]))
                let (reply, _) = await normal.response()
                #expect(reply?.status == 206)
            }
        }
    }

    /// Past the connection limit, a new connection is not served until one of the open ones closes.
    @Test func connectionLimitHoldsNewConnectionsUntilOneCloses() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        try await withServer(directory: dir.path, limits: .init(maxConnections: 2)) { client in
            // Raw connections only (the test client's pool would hold slots of its own).
            let port = client.endpoint.port
            let create = signedRequest("PUT", "disks", endpoint: client.endpoint, query: [("restype", "container")])
            let check = signedRequest("GET", "disks", endpoint: client.endpoint, query: [("restype", "container")])
            var first: RawConnection? = try RawConnection(port: port)
            first!.send(create)
            #expect(await first!.response().reply?.status == 201)
            let second = try RawConnection(port: port)
            second.send(check)
            #expect(await second.response().reply?.status == 200)
            let waiting = try RawConnection(port: port)
            waiting.send(check)
            let early = await waiting.response(within: 1)
            #expect(early.reply == nil && !early.closed, "a connection past the limit was served")
            first = nil  // closes it
            let late = await waiting.response(within: 30)
            #expect(late.reply?.status == 200, "the waiting connection was not served after one closed")
            _ = second
        }
    }
}
