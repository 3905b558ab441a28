import Foundation
import TestHarness
@testable import Pcap

/// A known multi-connection trace for the exporter tests: three connections from two client hosts to one
/// storage endpoint, RTT 2 ms, 300-byte request headers, bodies at known (piecewise) rates.
enum SyntheticTrace {
    static let rtt: Int64 = 2_000_000
    static let headerBytes = 300
    static let server = IPv4Endpoint(IPv4Address(10, 1, 0, 1), port: 443)
    static let clientA = IPv4Endpoint(IPv4Address(10, 0, 0, 1), port: 50001)
    static let clientB = IPv4Endpoint(IPv4Address(10, 0, 0, 2), port: 50002)
    static let clientC = IPv4Endpoint(IPv4Address(10, 0, 0, 1), port: 50003)
    static let ms: Int64 = 1_000_000
    static let s: Int64 = 1_000_000_000

    /// Client → server payload per connection (headers + bodies), in connection order A, B, C.
    static let uploadPayload: [Int64] = [300 + 4_000_000, 300 + 6_000_000, 2 * 300 + 2 * 2_000_000]
    static let clients: [IPv4Endpoint] = [clientA, clientB, clientC]
    /// Mean body rate of each connection over its active time (C: two 1-second requests at 16 Mbit/s).
    static let meanRates: [Double] = [8e6, 12e6, 16e6]
    /// Body rate pieces per connection (start ns, end ns, bit/s), as passed to `request`.
    static let pieces: [[(Int64, Int64, Double)]] = [
        [(2 * ms, 4 * s + 2 * ms, 8e6)],
        [(2 * ms + ms / 2, 2 * s + 2 * ms + ms / 2, 16e6), (2 * s + 2 * ms + ms / 2, 4 * s + 2 * ms + ms / 2, 8e6)],
        [(3 * ms, s + 3 * ms, 16e6), (s + s / 2, 2 * s + s / 2, 16e6)],
    ]
    /// Times at which each connection sends its request headers.
    static let headerTimes: [[Int64]] = [[2 * ms], [2 * ms + ms / 2], [3 * ms, s + s / 2]]

    /// Client → server payload bytes of connection `i` (or all, for nil) stamped in [from, to).
    static func expectedPayload(connection i: Int?, from: Int64, to: Int64) -> Double {
        let indices = i.map { [$0] } ?? Array(0..<3)
        var bytes = 0.0
        for c in indices {
            for (start, end, bps) in pieces[c] {
                let overlap = max(0, min(end, to) - max(start, from))
                bytes += Double(overlap) * bps / 8e9
            }
            bytes += Double(headerTimes[c].filter { $0 >= from && $0 < to }.count * headerBytes)
        }
        return bytes
    }

    @discardableResult
    static func write(to path: String, window: ClosedRange<Int64>? = nil,
                      clientFilter: Set<IPv4Address>? = nil) throws -> PcapExporter.Summary {
        let pcap = try PcapExporter(path: path, window: window, clientFilter: clientFilter)
        try pcap.openConnection(1, client: clientA, server: server, at: 0, rttNanos: rtt)
        try pcap.openConnection(2, client: clientB, server: server, at: ms / 2, rttNanos: rtt)
        try pcap.openConnection(3, client: clientC, server: server, at: 1 * ms, rttNanos: rtt)
        try pcap.request(1, at: 2 * ms, method: "PUT", path: "/vm1/disk0/chunk0", headerBytes: headerBytes,
                         bodyBytes: 4_000_000, rateSegments: [RateSegment(startNs: 2 * ms, endNs: 4 * s + 2 * ms,
                                                                          bitsPerSecond: 8e6)])
        try pcap.request(2, at: 2 * ms + ms / 2, method: "PUT", path: "/vm2/disk0/chunk0", headerBytes: headerBytes,
                         bodyBytes: 6_000_000, rateSegments: [
                            RateSegment(startNs: 2 * ms + ms / 2, endNs: 2 * s + 2 * ms + ms / 2, bitsPerSecond: 16e6),
                            RateSegment(startNs: 2 * s + 2 * ms + ms / 2, endNs: 4 * s + 2 * ms + ms / 2,
                                        bitsPerSecond: 8e6),
                         ])
        try pcap.request(3, at: 3 * ms, method: "PUT", path: "/vm1/disk1/chunk0", headerBytes: headerBytes,
                         bodyBytes: 2_000_000, rateSegments: [RateSegment(startNs: 3 * ms, endNs: s + 3 * ms,
                                                                          bitsPerSecond: 16e6)])
        try pcap.response(3, at: s + 5 * ms, status: 201)
        try pcap.request(3, at: s + s / 2, method: "PUT", path: "/vm1/disk1/chunk1", headerBytes: headerBytes,
                         bodyBytes: 2_000_000, rateSegments: [RateSegment(startNs: s + s / 2, endNs: 2 * s + s / 2,
                                                                          bitsPerSecond: 16e6)])
        try pcap.response(3, at: 2 * s + s / 2 + 2 * ms, status: 201)
        try pcap.reset(3, at: 2 * s + 600 * ms)
        try pcap.response(1, at: 4 * s + 4 * ms, status: 201)
        try pcap.response(2, at: 4 * s + 5 * ms, status: 201)
        try pcap.close(1, at: 4 * s + 10 * ms)
        try pcap.close(2, at: 4 * s + 10 * ms)
        return try pcap.finish()
    }
}

/// Temporary file paths and running tshark.
enum TestSupport {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replsim-pcap-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `/usr/bin/tshark` with `arguments` (off the cooperative pool); returns stdout. Throws with stderr on a
    /// non-zero exit.
    static func tshark(_ arguments: [String]) async throws -> String {
        let run = try await runProgram("/usr/bin/tshark", arguments)
        guard run.status == 0 else {
            throw ToolFailure(description: "tshark \(arguments) exited \(run.status): \(run.stderr)")
        }
        return run.stdout
    }
}
