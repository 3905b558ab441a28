import TestHarness
import Testing
@testable import Pcap

/// The pure parts of the exporter and the analysis, without files.
@Suite(.cpuBound) struct PureModelTests {
    @Test func pacerFollowsPiecewiseRatesSkipsGapsAndFallsBack() {
        // 1 Mbit/s for 1 ms (1000 bits), a gap, 2 Mbit/s for 1 ms (2000 bits), then the fallback (2 Mbit/s).
        let rates = [RateSegment(startNs: 0, endNs: 1_000_000, bitsPerSecond: 1e6),
                     RateSegment(startNs: 5_000_000, endNs: 6_000_000, bitsPerSecond: 2e6)]
        #expect(BodyPacer.problem(with: rates) == nil)
        var pacer = BodyPacer(rates: rates, startNs: 0)
        #expect(pacer.complete(bits: 500) == 500_000)
        #expect(pacer.complete(bits: 1000) == 5_250_000)  // 500 bits in the first piece, 500 at 2 Mbit/s
        #expect(pacer.complete(bits: 1500) == 6_000_000)
        #expect(pacer.complete(bits: 2000) == 7_000_000)
    }

    @Test func badRateSegmentsAreNamed() {
        #expect(BodyPacer.problem(with: []) == "rateSegments has no positive rate")
        #expect(BodyPacer.problem(with: [RateSegment(startNs: 5, endNs: 1, bitsPerSecond: 1)])
            == "rateSegments[0] ends before it starts")
        #expect(BodyPacer.problem(with: [RateSegment(startNs: 0, endNs: 10, bitsPerSecond: 1),
                                         RateSegment(startNs: 5, endNs: 20, bitsPerSecond: 1)])
            == "rateSegments[1] overlaps the previous segment")
        #expect(BodyPacer.problem(with: [RateSegment(startNs: 0, endNs: 1, bitsPerSecond: .nan)])
            == "rateSegments[0] rate is not >= 0")
    }

    @Test func connectionEmitsHandshakeDataAcksEverySecondSegmentAndFin() {
        let client = IPv4Endpoint(IPv4Address(10, 0, 0, 1), port: 1000)
        let server = IPv4Endpoint(IPv4Address(10, 0, 0, 2), port: 80)
        var track = ConnectionTrack(client: client, server: server, at: 0, rttNanos: 100, mss: 1000, isn: 1)
        // 3000 body bytes at 8 Gbit/s: a segment per 1000 ns.
        track.requestSent(at: 100, header: Array(repeating: 65, count: 10), bodyBytes: 3000,
                          rates: [RateSegment(startNs: 100, endNs: 1_000_000, bitsPerSecond: 8e9)])
        var packets: [(Int64, TCPSegment)] = []
        while let p = track.popNext() { packets.append(p) }
        track.closeSent(at: 5000)
        while let p = track.popNext() { packets.append(p) }
        let summary = packets.map { ts, s in
            "\(ts) \(s.fromClient ? "c" : "s") \(s.flags.rawValue) \(s.payloadLength)"
        }
        #expect(summary == [
            "0 c 2 0", "100 s 18 0", "100 c 16 0",  // SYN, SYN-ACK, ACK
            "100 c 16 10", "1100 c 16 1000", "1200 s 16 0",  // header, body 1, ACK of 2 segments one RTT later
            "2100 c 16 1000", "3100 c 24 1000", "3200 s 16 0",  // body 2, body 3 (PSH), ACK of 2 segments
            "5000 c 17 0", "5100 s 17 0", "5100 c 16 0",  // FIN, server FIN, last ACK
        ])
        #expect(packets.map(\.0) == packets.map(\.0).sorted())
        let last = packets[packets.count - 1].1
        #expect(last.seq == 1 + 1 + 3010 + 1 && last.ack == packets[1].1.seq + 2)
    }

    @Test func intervalStatistics() {
        #expect(Stats.maxOverlap([(0, 10), (10, 20), (5, 15)]) == 2)
        #expect(Stats.unionLength([(0, 10), (5, 15), (20, 25)]) == 20)
        #expect(Stats.median([5, 1, 3, 2]) == 2)
        #expect(Stats.median([]) == nil)
        #expect(Format.size(4 << 20) == "4MiB" && Format.size(1000) == "1000")
        #expect(Format.bandwidth(10e9) == "10Gbps" && Format.bandwidth(27_997_000) == "27.997Mbps")
        #expect(Format.duration(2_000_000) == "2ms" && Format.loss(1e-4) == "0.0001")
    }
}
