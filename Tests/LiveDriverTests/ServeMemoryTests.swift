import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import TestHarness
import Testing

/// A real `replsim serve` process gives back the memory a flood of connections took: 2,000 connections that each
/// send 16 KiB of a request head and never finish it (no login needed) are held open until the server has accepted
/// them all, then closed by the client while one more connection stays open; the server's resident memory (VmRSS in
/// /proc/PID/status) must fall back to within 32 MiB of what it was before the flood. Every wait polls a condition
/// with a deadline.
@Suite("replsim serve memory after a connection flood", .serialized)
struct ServeMemoryTests {
    static let connections = 2_000
    static let headBytes = 16 << 10
    static let returnBound: Int64 = 32 << 20

    @Test func memoryReturnsAfterAConnectionFlood() async throws {
        let dir = try TempDirectory("serve-memory")
        defer { dir.cleanUp() }
        // Timeouts far longer than the test, so it is the client that closes the connections.
        let (serve, endpoint) = try await startServe(
            [
                "--data", dir.file("blobs"), "--max-connections", "4096", "--header-timeout", "3600",
                "--idle-timeout", "3600",
            ], output: dir.file("serve.out"), errors: dir.file("serve.err"))
        defer { serve.kill() }
        let port = try #require(URL(string: endpoint)?.port)
        let pid = serve.pid

        // The baseline: after one complete request, so what any first request sets up is counted in it.
        let health = "http://127.0.0.1:\(port)/healthz"
        #expect(try await HTTPClient.shared.execute(HTTPClientRequest(url: health), timeout: .seconds(30)).status == .ok)
        // One connection stays open throughout (as an idle keep-alive one would): it must not keep the flood's memory.
        let lingering = try await Flood.open(port: port, count: 1, headBytes: 0)
        try await poll("the server to accept the lingering connection") {
            try ProcStatus.openSockets(of: pid) >= 2 ? true : nil
        }
        let baseline = try ProcStatus.residentBytes(of: pid)
        let sockets = try ProcStatus.openSockets(of: pid)

        let flood = try await Flood.open(port: port, count: Self.connections, headBytes: Self.headBytes)
        var held = 0
        do {
            try await poll("the server to accept \(Self.connections) connections", within: .seconds(300)) {
                held = try ProcStatus.openSockets(of: pid)
                return held >= Self.connections ? true : nil
            }
        } catch {
            Issue.record("the server holds \(held) sockets, not the flood's \(Self.connections)")
            throw error
        }
        // The heads are read as they arrive: wait until the resident memory stops growing for half a second.
        var peak = try ProcStatus.residentBytes(of: pid)
        var steadySince = ContinuousClock.now
        try await poll("the server to read the heads", within: .seconds(300)) {
            let now = try ProcStatus.residentBytes(of: pid)
            if now > peak {
                peak = now
                steadySince = .now
            }
            return ContinuousClock.now - steadySince > .milliseconds(500) ? true : nil
        }
        await flood.closeAll()

        try await poll("the server to close the flood's connections", within: .seconds(300)) {
            try ProcStatus.openSockets(of: pid) <= sockets ? true : nil
        }
        let settled: Int64
        do {
            settled = try await poll("the server's memory to return", within: .seconds(60)) {
                let now = try ProcStatus.residentBytes(of: pid)
                return now <= baseline + Self.returnBound ? now : nil
            }
        } catch {
            settled = try ProcStatus.residentBytes(of: pid)
        }
        let mib = { (bytes: Int64) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        print(
            "serve memory: baseline \(mib(baseline)), \(Self.connections) half-sent heads of \(Self.headBytes >> 10) KiB "
                + "peak \(mib(peak)), after closing \(mib(settled)) (bound: baseline + \(mib(Self.returnBound)))")
        #expect(peak - baseline > Self.returnBound, "the flood did not take memory (\(mib(peak - baseline))): no test")
        #expect(settled <= baseline + Self.returnBound, "memory did not return: \(mib(settled)) vs \(mib(baseline))")
        #expect(try await HTTPClient.shared.execute(HTTPClientRequest(url: health), timeout: .seconds(30)).status == .ok)
        await lingering.closeAll()
    }
}

/// Client connections to 127.0.0.1 (SwiftNIO, so nothing blocks a thread) that each sent part of a request head.
struct Flood {
    let channels: [Channel]

    static func open(port: Int, count: Int, headBytes: Int) async throws -> Flood {
        let head = ByteBuffer(
            bytes: Array("PUT /flood/blob HTTP/1.1\r\nHost: 127.0.0.1\r\nx-ms-padding: ".utf8)
                + Array(repeating: UInt8(ascii: "a"), count: headBytes))
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        var channels: [Channel] = []
        do {
            for _ in 0..<count {
                let channel = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
                channels.append(channel)
                try await channel.writeAndFlush(head).get()
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        return Flood(channels: channels)
    }

    func closeAll() async {
        for channel in channels { try? await channel.close() }
    }
}

/// Figures of a process from /proc.
enum ProcStatus {
    /// VmRSS of `pid` in bytes.
    static func residentBytes(of pid: pid_t) throws -> Int64 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int64(line.split(separator: " ").dropFirst().first ?? "")
        else { throw TestFailure("no VmRSS in /proc/\(pid)/status") }
        return kib * 1024
    }

    /// How many sockets `pid` has open (its descriptors that link to `socket:[inode]`).
    static func openSockets(of pid: pid_t) throws -> Int {
        let directory = "/proc/\(pid)/fd"
        return try FileManager.default.contentsOfDirectory(atPath: directory).count(where: { name in
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(name)")) ?? "")
                .hasPrefix("socket:")
        })
    }
}
