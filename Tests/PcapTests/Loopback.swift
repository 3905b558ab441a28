import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 upload server and client on 127.0.0.1 (blocking sockets, one thread per connection),
/// enough to produce real TCP traffic for the capture test.
enum Loopback {
    struct SocketError: Error, CustomStringConvertible {
        var description: String
        init(_ what: String) { description = "\(what): \(String(cString: strerror(errno)))" }
    }

    static func address(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }

    /// A listening socket on 127.0.0.1 with a kernel-chosen port.
    static func listen() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var addr = address(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, len) == 0 && Glibc.listen(fd, 16) == 0 && getsockname(fd, p, &len) == 0
            }
        }
        guard bound else { throw SocketError("bind/listen") }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var addr = address(port: port)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else { throw SocketError("connect") }
        return fd
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SocketError("send") }
            sent += n
        }
    }

    /// Reads up to and including the blank line after the headers; nil on EOF before any byte.
    static func readHead(_ fd: Int32) throws -> String? {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let n = recv(fd, &byte, 1, 0)
            if n == 0 && head.isEmpty { return nil }
            guard n == 1 else { throw SocketError("recv head") }
            head.append(byte)
        }
        return String(decoding: head, as: UTF8.self)
    }

    static func readBody(_ fd: Int32, count: Int) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var left = count
        while left > 0 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min(left, $0.count), 0) }
            guard n > 0 else { throw SocketError("recv body") }
            left -= n
        }
    }

    /// Serves one connection: for each request, reads the body and answers `201 Created`; returns body bytes.
    static func serve(_ fd: Int32) throws -> Int {
        defer { close(fd) }
        var total = 0
        while let head = try readHead(fd) {
            let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == "content-length"
                    ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
            }.first ?? 0
            try readBody(fd, count: length)
            total += length
            try sendAll(fd, Array("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n".utf8))
        }
        return total
    }

    /// The request header the client sends before each body.
    static func requestHead(port: UInt16, index: Int, bodyBytes: Int) -> [UInt8] {
        Array("PUT /chunk/\(index) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: \(bodyBytes)\r\n\r\n".utf8)
    }

    /// What one upload connection did, as the client saw it.
    struct Upload: Sendable {
        var localPort: UInt16
        /// Bytes written, headers included.
        var written: Int
        var firstWrite: ContinuousClock.Instant
        var lastWrite: ContinuousClock.Instant
    }

    /// One upload connection: `requests` PUTs of `bodyBytes` each, waiting for every response.
    /// The body goes out in 64 KiB writes paced at `bitsPerSecond`: write
    /// k of a request is due k × (64 KiB / rate) after the first (a traffic shaper, not a wait for an event;
    /// a late write is sent at once, so the schedule catches up).
    /// After connecting it leaves `connected` and waits for `go`, so all clients start sending together.
    static func upload(port: UInt16, requests: Int, bodyBytes: Int, bitsPerSecond: Double,
                       connected: DispatchGroup, go: DispatchSemaphore) throws -> Upload {
        let fd: Int32
        do {
            fd = try connect(port: port)
        } catch {
            connected.leave()
            throw error
        }
        defer { close(fd) }
        connected.leave()
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        go.wait()
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 16)
        let interval = Duration.nanoseconds(Int64(Double(chunk.count * 8) / bitsPerSecond * 1e9))
        let clock = ContinuousClock()
        var written = 0
        let firstWrite = clock.now
        var lastWrite = firstWrite
        for i in 0..<requests {
            let head = requestHead(port: port, index: i, bodyBytes: bodyBytes)
            try sendAll(fd, head)
            let start = clock.now
            var sent = 0
            var k = 0
            while sent < bodyBytes {
                let due = start + interval * k
                let wait = (due - clock.now).components
                if wait.seconds >= 0 && (wait.seconds > 0 || wait.attoseconds > 0) {
                    Thread.sleep(forTimeInterval: Double(wait.seconds) + Double(wait.attoseconds) / 1e18)
                }
                let n = min(chunk.count, bodyBytes - sent)
                try sendAll(fd, Array(chunk.prefix(n)))
                sent += n
                k += 1
                lastWrite = clock.now
            }
            written += head.count + bodyBytes
            guard let response = try readHead(fd), response.hasPrefix("HTTP/1.1 201") else {
                throw SocketError("response")
            }
        }
        return Upload(localPort: UInt16(bigEndian: local.sin_port), written: written, firstWrite: firstWrite,
                      lastWrite: lastWrite)
    }
}

/// A value shared between test threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}
