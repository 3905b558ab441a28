import Foundation
import TestHarness
import Testing
@testable import Pcap

/// The exporter's output as Wireshark sees it: tshark's conversation table and IO statistics must agree with
/// the input model within 1 %. Wireshark's conversation "Bytes" are frame bytes (Ethernet + IP + TCP headers
/// + payload, SI kB); the payload is those bytes minus 54 per frame and 8 per SYN (MSS + window-scale options).
@Suite(.cpuBound) struct ExportTsharkTests {
    struct Conversation {
        var a: String
        var b: String
        var framesAtoB: Int
        var bytesAtoB: Double
        var duration: Double
    }

    /// Parses `tshark -q -z conv,tcp` rows: `A <-> B  fr bytes unit  fr bytes unit  fr bytes unit  start  dur`.
    static func conversations(_ text: String) -> [Conversation] {
        text.split(separator: "\n").compactMap { line -> Conversation? in
            let t = line.split(separator: " ").map(String.init)
            guard t.count > 3, t[1] == "<->" else { return nil }
            var i = 3
            var numbers: [(frames: Int, bytes: Double)] = []
            while numbers.count < 3, i + 1 < t.count {
                guard let frames = Int(t[i]), var bytes = Double(t[i + 1]) else { return nil }
                i += 2
                if i < t.count, let unit = ["bytes": 1.0, "kB": 1e3, "MB": 1e6, "GB": 1e9][t[i]] {
                    bytes *= unit
                    i += 1
                }
                numbers.append((frames, bytes))
            }
            guard numbers.count == 3, i + 1 < t.count, let duration = Double(t[i + 1]) else { return nil }
            return Conversation(a: t[0], b: t[2], framesAtoB: numbers[1].frames, bytesAtoB: numbers[1].bytes,
                                duration: duration)
        }
    }

    /// Parses `-z io,stat` rows `| 1 <> 2 | v1 | v2 |...` into (interval start, values).
    static func ioRows(_ text: String) -> [(start: Int, values: [Double])] {
        text.split(separator: "\n").compactMap { line -> (Int, [Double])? in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = cells.first, first.contains("<>"),
                  let start = Int(first.split(separator: " ")[0]) else { return nil }
            return (start, cells.dropFirst().compactMap { Double($0) })
        }
    }

    static func within(_ actual: Double, _ expected: Double, _ tolerance: Double = 0.01) -> Bool {
        abs(actual - expected) <= tolerance * abs(expected)
    }

    @Test func conversationBytesAndThroughputMatchTheInput() async throws {
        let path = TestSupport.temporaryPath("conv.pcap")
        let summary = try SyntheticTrace.write(to: path)
        #expect(summary.connections == 3)
        #expect(summary.capturedBytes * 5 < summary.wireBytes, "body frames must be truncated to the snap length")
        let conv = Self.conversations(try await TestSupport.tshark(["-r", path, "-q", "-z", "conv,tcp"]))
        #expect(conv.count == 3)
        for (i, client) in SyntheticTrace.clients.enumerated() {
            let row = try #require(conv.first { $0.a == client.description && $0.b == "10.1.0.1:443" },
                                   "no conversation for \(client) in \(conv.map(\.a))")
            let payload = row.bytesAtoB - 54 * Double(row.framesAtoB) - 8
            let expected = Double(SyntheticTrace.uploadPayload[i])
            #expect(Self.within(payload, expected), "connection \(client): payload \(payload) vs \(expected)")
            if i < 2 {  // A and B send for the whole conversation, so payload/duration is their mean rate
                let rate = payload * 8 / row.duration
                #expect(Self.within(rate, SyntheticTrace.meanRates[i]), "connection \(client): \(rate) bit/s")
            }
        }
    }

    @Test func ioStatisticsPerSecondMatchTheRateModel() async throws {
        let path = TestSupport.temporaryPath("io.pcap")
        try SyntheticTrace.write(to: path)
        let columns = ["SUM(tcp.len)tcp.len && tcp.dstport==443"]
            + SyntheticTrace.clients.map { "SUM(tcp.len)tcp.len && tcp.srcport==\($0.port)" }
        let stat = "io,stat,1," + columns.joined(separator: ",")
        let rows = Self.ioRows(try await TestSupport.tshark(["-r", path, "-q", "-z", stat]))
        #expect(rows.count == 5, "expected 5 one-second intervals, got \(rows.count)")
        var checked = 0
        for row in rows where row.values.count == 4 {
            let from = Int64(row.start) * SyntheticTrace.s
            for (column, actual) in row.values.enumerated() {
                let expected = SyntheticTrace.expectedPayload(connection: column == 0 ? nil : column - 1, from: from,
                                                              to: from + SyntheticTrace.s)
                guard expected >= 100_000 else { continue }
                checked += 1
                #expect(Self.within(actual, expected),
                        "second \(row.start), column \(column): \(actual) vs \(expected)")
            }
        }
        #expect(checked >= 12)
    }

    @Test func httpRequestsStatusLinesAndResetAreVisible() async throws {
        let path = TestSupport.temporaryPath("http.pcap")
        try SyntheticTrace.write(to: path)
        let requests = try await TestSupport.tshark(["-r", path, "-o", "http.desegment_body:FALSE", "-Y", "http.request",
                                               "-T", "fields", "-e", "http.request.uri"])
        #expect(requests.split(separator: "\n").sorted() == ["/vm1/disk0/chunk0", "/vm1/disk1/chunk0",
                                                             "/vm1/disk1/chunk1", "/vm2/disk0/chunk0"])
        let statuses = try await TestSupport.tshark(["-r", path, "-Y", "http.response.code == 201", "-T", "fields",
                                               "-e", "frame.number"])
        #expect(statuses.split(separator: "\n").count == 4)
        let resets = try await TestSupport.tshark(["-r", path, "-Y", "tcp.flags.reset == 1", "-T", "fields",
                                             "-e", "tcp.srcport"])
        #expect(resets.split(separator: "\n") == ["50003"])
        let afterReset = try await TestSupport.tshark(["-r", path, "-Y", "tcp.port == 50003 && frame.time_relative > 2.6",
                                                 "-T", "fields", "-e", "frame.number"])
        #expect(afterReset.isEmpty, "connection 50003 sent packets after its reset: \(afterReset)")
    }

    @Test func windowAndClientFilterSelectPackets() async throws {
        let path = TestSupport.temporaryPath("window.pcap")
        let window = SyntheticTrace.s...(2 * SyntheticTrace.s)
        try SyntheticTrace.write(to: path, window: window, clientFilter: [SyntheticTrace.clientA.address])
        let times = try await TestSupport.tshark(["-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src",
                                            "-e", "ip.dst"])
        let rows = times.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(!rows.isEmpty)
        for row in rows {
            let t = Double(row[0]) ?? -1
            #expect(t >= 1.0 && t <= 2.0, "packet at \(t) s outside the window")
            #expect(row[1...2].contains("10.0.0.1") && !row[1...2].contains("10.0.0.2"), "row \(row)")
        }
        let report = try Calibration.analyze(path: path)
        #expect(report.primary?.connections == 2)  // A and C are on 10.0.0.1
    }

    @Test func contractViolationsAreRejectedAndResetIdsCanReopen() async throws {
        let path = TestSupport.temporaryPath("order.pcap")
        let pcap = try PcapExporter(path: path)
        let (a, server) = (SyntheticTrace.clientA, SyntheticTrace.server)
        try pcap.openConnection(1, client: a, server: server, at: 10, rttNanos: 5)
        #expect(throws: PcapError.self) { try pcap.response(1, at: 9, status: 200) }
        #expect(throws: PcapError.self) { try pcap.response(2, at: 20, status: 200) }
        #expect(throws: PcapError.self) { try pcap.openConnection(1, client: a, server: server, at: 20, rttNanos: 5) }
        #expect(throws: PcapError.self) {
            try pcap.request(1, at: 20, method: "PUT", path: "/", headerBytes: 0, bodyBytes: 10, rateSegments: [])
        }
        // Failover: reset and reconnect under the same id at the same instant, from a new port.
        try pcap.reset(1, at: 30)
        #expect(throws: PcapError.self) { try pcap.response(1, at: 30, status: 200) }
        var b = a
        b.port += 1
        try pcap.openConnection(1, client: b, server: server, at: 30, rttNanos: 5)
        try pcap.close(1, at: 40)
        try pcap.finish()
        let report = try Calibration.analyze(path: path)
        #expect(report.primary?.connections == 2)
        #expect(report.primary?.flows.map(\.client.port) == [a.port, b.port])
    }
}
