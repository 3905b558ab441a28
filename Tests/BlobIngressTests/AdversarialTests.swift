import Foundation
import TestHarness
import Testing

@testable import BlobIngress

/// A standing adversarial run: a seeded generator of hostile HTTP requests against a real server on 127.0.0.1.
///
/// After each batch: the server still answers, every answer so far was a proper refusal (a 4xx with the service's
/// error code and XML body, or, for bytes the HTTP parser cannot read, a closed connection or a bare 4xx; never a
/// 5xx, never a hang), and the protected blobs are byte-identical. Valid requests only ever reach the "scratch"
/// container; the protected "vault" is only sent requests that must be refused. Set `REPLSIM_ADVERSARIAL_SEED` to
/// reproduce a run; the seed and the counts are printed.
@Suite struct AdversarialTests {
    static let requests = 1200
    static let batch = 100
    static let parallel = 8

    @Test func hostileRequestsAreRefusedAndHarmNothing() async throws {
        let seed = ProcessInfo.processInfo.environment["REPLSIM_ADVERSARIAL_SEED"].flatMap { UInt64($0) } ?? 20_261_203
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        // Short timeouts, so requests whose bodies never come (length mismatches) cost half a second, not minutes.
        let limits = ConnectionLimits(headerTimeout: .milliseconds(500), idleTimeout: .milliseconds(500))
        try await withServer(directory: dir.path, limits: limits) { client in
            let vault = try await Vault(client: client, seed: seed)
            var generator = HostileRequests(endpoint: client.endpoint, seed: seed)
            var tally: [String: Int] = [:]
            var sent = 0
            while sent < Self.requests {
                let cases = (0..<Self.batch).map { _ in generator.next() }
                let outcomes = try await withThrowingTaskGroup(of: (HostileCase, Outcome).self) { group in
                    var results: [(HostileCase, Outcome)] = []
                    var next = 0
                    func start() {
                        let hostile = cases[next]
                        let port = client.endpoint.port
                        group.addTask { (hostile, try await Outcome(sending: hostile, port: port)) }
                        next += 1
                    }
                    while next < Swift.min(Self.parallel, cases.count) { start() }
                    while let result = try await group.next() {
                        results.append(result)
                        if next < cases.count { start() }
                    }
                    return results
                }
                for (hostile, outcome) in outcomes {
                    tally["\(hostile.kind) → \(outcome.summary)", default: 0] += 1
                    if let problem = outcome.problem(for: hostile) {
                        Issue.record("\(hostile.kind) #\(hostile.index): \(problem); seed \(seed); request: \(hostile.shown)")
                    }
                }
                sent += cases.count
                try await vault.expectIntact(after: sent)
            }
            let summary = tally.sorted { $0.key < $1.key }.map { "  \($0.value)\t\($0.key)" }.joined(separator: "\n")
            print("adversarial: \(sent) hostile requests, seed \(seed), server alive, vault byte-identical\n\(summary)")
            #expect(sent >= 1000)
        }
    }
}

/// The protected container: a page blob and a block blob of seeded bytes, checked after every batch.
struct Vault: Sendable {
    let client: TestClient
    let seed: UInt64
    let page: [UInt8]
    let block: [UInt8]

    init(client: TestClient, seed: UInt64) async throws {
        self.client = client
        self.seed = seed
        page = seededBytes(count: 65536, seed: seed)
        block = seededBytes(count: 100_000, seed: seed &+ 1)
        for container in ["vault", "scratch"] {
            #expect(try await client.createContainer(container).status == 201)
        }
        #expect(try await client.createPageBlob("vault/disk.vhd", size: 65536).status == 201)
        #expect(try await client.putPage("vault/disk.vhd", offset: 0, bytes: page).status == 201)
        let put = try await client.send(.PUT, "vault/doc.bin", headers: [("x-ms-blob-type", "BlockBlob")], body: block)
        #expect(put.status == 201)
        #expect(try await client.createPageBlob("scratch/disk.vhd", size: 1 << 20).status == 201)
    }

    /// The server answers, and both protected blobs read back byte-identical.
    func expectIntact(after sent: Int) async throws {
        let disk = try await client.get("vault/disk.vhd")
        #expect(disk.status == 200 && disk.body == page, "vault/disk.vhd changed after \(sent) requests; seed \(seed)")
        let doc = try await client.get("vault/doc.bin")
        #expect(doc.status == 200 && doc.body == block, "vault/doc.bin changed after \(sent) requests; seed \(seed)")
    }
}

/// What one hostile request may be answered with.
enum Expectation: Sendable {
    /// Bytes no HTTP parser should accept: a closed connection or a 4xx.
    case unparsable
    /// A readable request the service must refuse: a 4xx service error (or, when its length lies, a close).
    case refused
    /// Refused by authentication: 403 (or 400 when the URL itself is bad, which is checked first).
    case forbidden
    /// A request on the scratch container that may or may not be valid: any answer but a 5xx, or a close.
    case anyButServerError
    /// A valid request on the scratch container: 2xx.
    case accepted
}

struct HostileCase: Sendable {
    var index: Int
    var kind: String
    var bytes: [UInt8]
    var expectation: Expectation

    /// The start of the request, printable, for a failure message.
    var shown: String {
        String(decoding: bytes.prefix(300), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "⏎")
    }
}

/// How the server answered one hostile request on its own connection.
enum Outcome: Sendable {
    case reply(RawReply)
    case closed
    case noAnswer

    init(sending hostile: HostileCase, port: Int) async throws {
        let connection = try RawConnection(port: port)
        connection.send(hostile.bytes)
        let (reply, closed) = await connection.response(within: 20)
        if let reply {
            self = .reply(reply)
        } else {
            self = closed ? .closed : .noAnswer
        }
    }

    var summary: String {
        switch self {
        case .reply(let reply): "\(reply.status) \(reply.errorCode ?? "-")"
        case .closed: "closed"
        case .noAnswer: "no answer"
        }
    }

    /// Nil when this outcome is allowed for `hostile`, else what is wrong.
    func problem(for hostile: HostileCase) -> String? {
        switch self {
        case .noAnswer:
            return "no answer and no close within 20 s"
        case .closed:
            switch hostile.expectation {
            case .unparsable, .refused, .anyButServerError: return nil
            case .forbidden, .accepted: return "connection closed without an answer"
            }
        case .reply(let reply):
            guard reply.status < 500 else { return "server error \(reply.status) \(reply.errorCode ?? "-")" }
            // An answer from the service (not from the HTTP parser) carries its request id and, when an error,
            // the error code in the header and the XML body.
            if reply.status >= 400, reply.header("x-ms-request-id") != nil {
                let body = String(decoding: reply.body, as: UTF8.self)
                guard let code = reply.errorCode, body.contains("<Error><Code>\(code)</Code>") else {
                    return "\(reply.status) without a service error code and body"
                }
            }
            switch hostile.expectation {
            case .unparsable, .refused:
                return (400..<500).contains(reply.status) ? nil : "accepted with \(reply.status)"
            case .forbidden:
                return reply.status == 403 || reply.status == 400 ? nil : "not refused: \(reply.status)"
            case .anyButServerError:
                return nil
            case .accepted:
                return (200..<300).contains(reply.status) ? nil : "a valid request got \(reply.status)"
            }
        }
    }
}

/// The seeded generator: each call picks a kind of hostility and builds its bytes.
struct HostileRequests {
    let endpoint: BlobIngressEndpoint
    let seed: UInt64
    var counter: UInt64 = 0
    var index = 0

    init(endpoint: BlobIngressEndpoint, seed: UInt64) {
        self.endpoint = endpoint
        self.seed = seed
    }

    mutating func random() -> UInt64 {
        counter += 1
        return FaultPlan.splitMix64(seed &+ counter &* 0x9E37_79B9)
    }

    mutating func pick<T>(_ options: [T]) -> T { options[Int(random() % UInt64(options.count))] }

    var now: Int64 { Int64(Date().timeIntervalSince1970) }

    static let edgeNumbers = [
        "0", "1", "511", "512", "4194303", "4194304", "65535", "65536", "9223372036854775807", "9223372036854775296",
        "9223372036854775806", "9223372036854775808", "18446744073709551615", "99999999999999999999999", "-1", "-512",
        "-9223372036854775808", "", " 1", "1 ", "0x200", "1e3", "+512", "٣",
    ]

    mutating func range() -> String {
        switch random() % 4 {
        case 0: "bytes=\(pick(Self.edgeNumbers))-\(pick(Self.edgeNumbers))"
        case 1: "bytes=\(pick(Self.edgeNumbers))-"
        case 2: "bytes=-\(pick(Self.edgeNumbers))"
        default: pick(["bytes=", "bytes=-", "bits=0-511", "bytes=0-511,512-1023", "bytes 0-511", "", "bytes=5-3"])
        }
    }

    static let hostileNames = [
        "vault/..%2F..%2Fescape", "vault/%2e%2e/%2e%2e/etc/passwd", "vault/a/../../escape", "vault/nul%00byte",
        "vault/back%5Cslash", "..%2Fvault/disk.vhd", "vault//double", "vault/%", "vault/%zz", "VAULT/disk.vhd",
        "va/disk.vhd", "vault/" + String(repeating: "a", count: 1100), "vault/./disk.vhd", "vault/disk.vhd/",
        "%2e%2e/%2e%2e", "vault/%C0%AE%C0%AE/escape", "vault/a%0d%0aX-Injected:%201",
    ]

    mutating func next() -> HostileCase {
        index += 1
        let kinds: [(String, (inout HostileRequests) -> ([UInt8], Expectation))] = [
            ("request line", { $0.malformedRequestLine() }),
            ("header syntax", { $0.malformedHeaders() }),
            ("huge head", { $0.hugeHead() }),
            ("length mismatch", { $0.lengthMismatch() }),
            ("int64 range", { $0.edgeRange() }),
            ("traversal", { $0.traversal() }),
            ("forged signature", { $0.forgedSignature() }),
            ("stale or missing date", { $0.staleDate() }),
            ("replay", { $0.replay() }),
            ("SAS permission", { $0.sasPermission() }),
            ("SAS version", { $0.sasVersion() }),
            ("mutated bytes", { $0.mutated() }),
            ("valid scratch write", { $0.scratchWrite() }),
        ]
        let (kind, make) = kinds[Int(random() % UInt64(kinds.count))]
        let (bytes, expectation) = make(&self)
        return HostileCase(index: index, kind: kind, bytes: bytes, expectation: expectation)
    }

    // MARK: kinds

    mutating func malformedRequestLine() -> ([UInt8], Expectation) {
        let lines = [
            "GET\r\n\r\n", "GET /replsim/vault/disk.vhd\r\n\r\n", "GET /replsim/vault/disk.vhd HTTP/9.9\r\n\r\n",
            "G@T /replsim/vault HTTP/1.1\r\nHost: a\r\n\r\n", " GET / HTTP/1.1\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
            "\r\n\r\n\r\n", "GET /" + String(repeating: "x", count: 70_000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET http://evil/replsim/vault/disk.vhd HTTP/1.1\r\nHost: a\r\n\r\n", "BREW /pot HTCPCP/1.0\r\n\r\n",
            "PUT /replsim/vault/disk.vhd?comp=page HTTP/1.0\r\n\r\n", "GET /?\u{0} HTTP/1.1\r\nHost: a\r\n\r\n",
        ]
        if random() % 3 == 0 {
            let noise = (0..<Int(random() % 512 + 1)).map { _ in UInt8(truncatingIfNeeded: random()) }
            return (noise + [13, 10, 13, 10], .unparsable)
        }
        return (Array(pick(lines).utf8), .unparsable)
    }

    mutating func malformedHeaders() -> ([UInt8], Expectation) {
        let bad = [
            "NoColonHere", "Bad Name: x", "x-ms-version : 2025-01-05", "\u{1}: x", " folded: continuation",
            "Content-Length: 5\r\nContent-Length: 7", "Transfer-Encoding: chunked\r\nContent-Length: 3",
            "Transfer-Encoding: gzip, chunked", "Host: a\u{0}b", "x-ms-date: \u{7F}", "Authorization: SharedKey",
            "Authorization: SharedKey replsim:", "Authorization: Basic YWRtaW46YWRtaW4=", "Content-Length: -1",
            "Content-Length: 0x10", "Content-Length: 99999999999999999999999",
        ]
        let text = "PUT /replsim/vault/disk.vhd?comp=page HTTP/1.1\r\nHost: a\r\n\(pick(bad))\r\n\r\n"
        return (Array(text.utf8), .unparsable)
    }

    mutating func hugeHead() -> ([UInt8], Expectation) {
        var text = "GET /replsim/vault/disk.vhd HTTP/1.1\r\nHost: a\r\n"
        if random() % 2 == 0 {
            text += "x-ms-meta-big: " + String(repeating: "b", count: 70_000 + Int(random() % 10_000)) + "\r\n"
        } else {
            for n in 0..<(300 + Int(random() % 200)) { text += "x-ms-meta-h\(n): v\r\n" }
        }
        return (Array((text + "\r\n").utf8), .unparsable)
    }

    mutating func lengthMismatch() -> ([UInt8], Expectation) {
        // Signed, on the scratch blob, but the body is shorter or longer than Content-Length says.
        let length = pick([512, 1024, 4096])
        var request = signedRequest(
            "PUT",
            "scratch/disk.vhd",
            endpoint: endpoint,
            query: [("comp", "page")],
            headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=0-\(length - 1)")],
            body: [UInt8](repeating: 0x5A, count: length)
        )
        if random() % 2 == 0 {
            request.removeLast(Int(random() % UInt64(length)) + 1)
        } else {
            request += Array("garbage after the body \(random())\r\n\r\n".utf8)
        }
        return (request, .anyButServerError)
    }

    mutating func edgeRange() -> ([UInt8], Expectation) {
        let range = self.range()
        if random() % 2 == 0 {
            let get = signedRequest("GET", "vault/disk.vhd", endpoint: endpoint, headers: [("x-ms-range", range)])
            return (get, .anyButServerError)
        }
        let mode = pick(["update", "clear"])
        let body = mode == "update" ? [UInt8](repeating: 0xA5, count: pick([0, 512, 1024])) : []
        let put = signedRequest(
            "PUT",
            "scratch/disk.vhd",
            endpoint: endpoint,
            query: [("comp", "page")],
            headers: [("x-ms-page-write", mode), ("x-ms-range", range)],
            body: body
        )
        return (put, .anyButServerError)
    }

    mutating func traversal() -> ([UInt8], Expectation) {
        // Signed correctly: only the name may refuse it, and no name may reach outside its container.
        let name = pick(Self.hostileNames)
        let bytes = signedRequest(
            "PUT",
            name,
            endpoint: endpoint,
            headers: [("x-ms-blob-type", "BlockBlob")],
            body: Array("escaped".utf8)
        )
        return (bytes, .refused)
    }

    mutating func vaultWrite(date: String?, key: [UInt8]? = nil) -> [UInt8] {
        signedRequest(
            "PUT",
            "vault/disk.vhd",
            endpoint: endpoint,
            query: [("comp", "page")],
            headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=0-511")],
            body: [UInt8](repeating: 0xEE, count: 512),
            date: date,
            key: key
        )
    }

    mutating func forgedSignature() -> ([UInt8], Expectation) {
        let date = HTTPDate.format(epochSeconds: now)
        switch random() % 3 {
        case 0:
            let wrongKey = (0..<64).map { _ in UInt8(truncatingIfNeeded: random()) }
            return (vaultWrite(date: date, key: wrongKey), .forbidden)
        case 1:
            // Signed for one range, sent with another.
            let signed = String(decoding: vaultWrite(date: date), as: UTF8.self)
            return (Array(signed.replacingOccurrences(of: "bytes=0-511", with: "bytes=512-1023").utf8), .forbidden)
        default:
            let sig = (0..<32).map { _ in UInt8(truncatingIfNeeded: random()) }
            var text = String(decoding: vaultWrite(date: date), as: UTF8.self)
            if let start = text.range(of: "authorization: SharedKey replsim:"),
                let end = text[start.upperBound...].range(of: "\r\n")
            {
                text.replaceSubrange(start.upperBound..<end.lowerBound, with: encodeBase64(sig))
            }
            return (Array(text.utf8), .forbidden)
        }
    }

    mutating func staleDate() -> ([UInt8], Expectation) {
        let offsets: [Int64] = [-16 * 60, 16 * 60, -86400 * 365, -(now - 978_307_200), 86400 * 3650]
        let date: String? =
            switch random() % 3 {
            case 0: HTTPDate.format(epochSeconds: now + pick(offsets))
            case 1: pick(["garbage", "Mon, 32 Jan 2026 00:00:00 GMT", "Mon, 01 Jan 2026 00:00:00 UTC", ""])
            default: nil
            }
        return (vaultWrite(date: date), .forbidden)
    }

    mutating func replay() -> ([UInt8], Expectation) {
        // A request captured 20 minutes ago, sent again now.
        (vaultWrite(date: HTTPDate.format(epochSeconds: now - 20 * 60)), .forbidden)
    }

    mutating func sas(
        blob: String,
        permissions: String,
        version: String = "2025-01-05",
        expiry: String = "2099-01-01T00:00:00Z"
    ) -> String {
        AuthTests.sas(
            account: endpoint.account,
            key: [UInt8](Data(base64Encoded: endpoint.accountKeyBase64) ?? Data()),
            container: "vault",
            blob: blob,
            permissions: permissions,
            expiry: expiry,
            version: version
        )
    }

    mutating func sasRequest(_ token: String, method: String = "PUT", page: Bool = true) -> [UInt8] {
        let query = page ? "comp=page&" + token : token
        var text = "\(method) /\(endpoint.account)/vault/disk.vhd?\(query) HTTP/1.1\r\nHost: a\r\n"
        if method == "PUT" {
            text += "x-ms-version: 2025-01-05\r\n"
            text +=
                page
                ? "x-ms-page-write: update\r\nx-ms-range: bytes=0-511\r\n" : "x-ms-blob-type: BlockBlob\r\n"
            text += "Content-Length: 512\r\n\r\n"
            return Array(text.utf8) + [UInt8](repeating: 0xEE, count: 512)
        }
        return Array((text + "\r\n").utf8)
    }

    mutating func sasPermission() -> ([UInt8], Expectation) {
        // Writes to the existing vault blob with permissions that do not include `w`.
        let permissions = pick(["r", "c", "d", "rc", "rcd", "", "x", "R", "W"])
        let token = sas(blob: "disk.vhd", permissions: permissions)
        return (sasRequest(token, page: random() % 2 == 0), .forbidden)
    }

    mutating func sasVersion() -> ([UInt8], Expectation) {
        switch random() % 3 {
        case 0:
            let version = pick(["9", "2020-12-05", "2019-02-02", "2025-13-01", "2025-02-30", "abcd-ef-gh", "", "2025-1-5"])
            return (sasRequest(sas(blob: "disk.vhd", permissions: "rw", version: version)), .forbidden)
        case 1:
            // Expired.
            return (sasRequest(sas(blob: "disk.vhd", permissions: "rw", expiry: "2020-01-01T00:00:00Z")), .forbidden)
        default:
            // Signed for another blob.
            return (sasRequest(sas(blob: "other.vhd", permissions: "rw")), .forbidden)
        }
    }

    mutating func mutated() -> ([UInt8], Expectation) {
        // A valid scratch write with a few bytes of its head flipped: anything may come back but a 5xx.
        var bytes = scratchWrite().0
        let headLength = bytes.count - 512
        for _ in 0..<(1 + Int(random() % 4)) {
            let at = Int(random() % UInt64(headLength))
            bytes[at] = UInt8(truncatingIfNeeded: random())
        }
        return (bytes, .anyButServerError)
    }

    mutating func scratchWrite() -> ([UInt8], Expectation) {
        let offset = Int(random() % 2048) * 512
        let bytes = signedRequest(
            "PUT",
            "scratch/disk.vhd",
            endpoint: endpoint,
            query: [("comp", "page")],
            headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=\(offset)-\(offset + 511)")],
            body: (0..<512).map { _ in UInt8(truncatingIfNeeded: random()) }
        )
        return (bytes, .accepted)
    }
}
