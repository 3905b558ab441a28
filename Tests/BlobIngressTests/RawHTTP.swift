import Dispatch
import Foundation
import TestHarness

@testable import BlobIngress

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to the server (POSIX socket), for requests no HTTP client would send: hostile bytes,
/// silence, half-sent heads. Blocking calls run on a Dispatch thread, never on Swift's cooperative pool, and
/// every wait is bounded by a deadline.
final class RawConnection: @unchecked Sendable {
    // Unchecked: one test task uses a connection at a time.
    let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("connect to port \(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false when the server has closed the connection meanwhile.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Up to 64 KiB, waiting at most until `deadline`: nil on timeout, [] when the server closed (or reset) it.
    private func receiveSome(deadline: ContinuousClock.Instant) -> [UInt8]? {
        while true {
            let left = deadline - .now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(Swift.max(1, left / .milliseconds(1))))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            return n > 0 ? Array(buffer[0..<n]) : []
        }
    }

    /// Reads one HTTP response (head, then a Content-Length body). Nil when the connection closed (or the
    /// deadline passed) before a whole response arrived; `closed` says which.
    func response(within seconds: Double = 120) async -> (reply: RawReply?, closed: Bool) {
        await onOwnThread { self.responseBlocking(deadline: .now + .milliseconds(Int(seconds * 1000))) }
    }

    private func responseBlocking(deadline: ContinuousClock.Instant) -> (reply: RawReply?, closed: Bool) {
        while true {
            if let reply = RawReply(parsing: &pending) { return (reply, false) }
            guard let more = receiveSome(deadline: deadline) else { return (nil, false) }
            if more.isEmpty { return (nil, true) }
            pending += more
        }
    }

    /// Waits until the server closes the connection (true) or `seconds` pass (false); discards what arrives.
    func closedByServer(within seconds: Double) async -> Bool {
        await onOwnThread {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while let more = self.receiveSome(deadline: deadline) {
                if more.isEmpty { return true }
            }
            return false
        }
    }
}

/// A parsed HTTP response: status, headers (names lowercased) and body.
struct RawReply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    var errorCode: String? { header("x-ms-error-code") }

    /// Takes one complete response off the front of `bytes`; nil (and `bytes` unchanged) while incomplete.
    init?(parsing bytes: inout [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
            let headEnd = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator })
        else { return nil }
        let lines = String(decoding: bytes[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        let length = headers.first { $0.0 == "content-length" }.flatMap { Int($0.1) } ?? 0
        guard bytes.count >= headEnd + 4 + length else { return nil }
        self.status = status
        self.headers = headers
        body = Array(bytes[(headEnd + 4)..<(headEnd + 4 + length)])
        bytes.removeFirst(headEnd + 4 + length)
    }
}

/// The bytes of one signed HTTP/1.1 request to `/account/<path>`, for a raw connection. `date` replaces the
/// current `x-ms-date` (nil: none at all, when `omitDate`); the signature covers exactly what is sent.
func signedRequest(
    _ method: String,
    _ path: String,
    endpoint: BlobIngressEndpoint,
    query: [(String, String)] = [],
    headers: [(String, String)] = [],
    body: [UInt8] = [],
    date: String? = HTTPDate.format(epochSeconds: Int64(Date().timeIntervalSince1970)),
    key: [UInt8]? = nil
) -> [UInt8] {
    let rawPath = "/\(endpoint.account)/\(path)"
    var all = headers.map { ($0.0.lowercased(), $0.1) }
    all.append(("x-ms-version", "2025-01-05"))
    if let date { all.append(("x-ms-date", date)) }
    all.append(("content-length", String(body.count)))
    let signingKey = key ?? [UInt8](Data(base64Encoded: endpoint.accountKeyBase64) ?? Data())
    let signed = SharedKeyRequest(method: method, headers: all, rawPath: rawPath, query: query)
    all.append(("authorization", signed.authorizationHeader(account: endpoint.account, key: signingKey)))
    let queryText = query.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    var text = "\(method) \(rawPath)\(queryText.isEmpty ? "" : "?" + queryText) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in all { text += "\(name): \(value)\r\n" }
    return Array((text + "\r\n").utf8) + body
}

/// Sends one request on a fresh raw connection and reads the answer (120 s at most: a bound on a hang, not a speed
/// requirement; a 1 TiB clear and its fdatasync took over 30 s on a machine whose disk other builds kept busy).
func rawExchange(_ request: [UInt8], port: Int) async throws -> RawReply {
    let connection = try RawConnection(port: port)
    connection.send(request)
    let (reply, closed) = await connection.response()
    guard let reply else { throw TestFailure(closed ? "server closed the connection" : "no answer within 120 s") }
    return reply
}
