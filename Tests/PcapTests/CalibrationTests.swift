import CPcap
import Foundation
import TestHarness
import Testing
@testable import Pcap

@Suite(.cpuBound) struct CalibrationTests {
    static func within(_ actual: Double?, _ expected: Double, _ tolerance: Double = 0.01) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance * abs(expected)
    }

    @Test func exportedRunRecoversRTTThroughputAndConnections() throws {
        let path = TestSupport.temporaryPath("calibrate-export.pcap")
        try SyntheticTrace.write(to: path)
        let report = try Calibration.analyze(path: path)
        #expect(report.destinations.count == 1)
        let d = try #require(report.primary)
        #expect(d.server.description == "10.1.0.1:443")
        #expect(d.connections == 3)
        #expect(d.maxConcurrentConnections == 3)
        #expect(d.maxConcurrentPerClient == 2)
        #expect(d.clients == 2)
        let rtt = Double(SyntheticTrace.rtt)
        #expect(Self.within(d.handshakeRTTNanos.map(Double.init), rtt), "handshake \(d.handshakeRTTNanos ?? -1)")
        #expect(Self.within(d.dataAckRTTMinNanos.map(Double.init), rtt), "data-ack \(d.dataAckRTTMinNanos ?? -1)")
        for (flow, rate) in zip(d.flows, SyntheticTrace.meanRates) {
            #expect(Self.within(flow.bitsPerSecond, rate), "\(flow.client): \(String(describing: flow.bitsPerSecond))")
        }
        // 14 MB of bodies + headers over the 4 s in which at least one flow sends.
        let totalBits = Double(SyntheticTrace.uploadPayload.reduce(0, +)) * 8
        #expect(Self.within(d.aggregateBitsPerSecond, totalBits / 4.0))
        #expect(d.retransmittedSegments == 0)
        #expect(d.requests == 4)
        #expect(d.typicalRequestBytes == 2_000_000)
        let fragment = report.scenarioFragment()
        #expect(fragment.contains("    rtt: 2ms\n"))
        #expect(fragment.contains("    loss: 0\n"))
        #expect(fragment.contains("  uploadThreadsPerVM: 2\n"))
        #expect(fragment.contains("  chunkSize: 2000000\n"))
        #expect(report.summaryText().contains("destination 10.1.0.1:443: 3 connection(s)"))
    }

    /// A handcrafted flow where 3 of 100 data segments are sent twice: loss estimate 3/103.
    @Test func retransmissionsAreCountedAsLoss() throws {
        let path = TestSupport.temporaryPath("retransmit.pcap")
        let writer = try PcapFileWriter(path: path, linkType: DLT_EN10MB)
        let client = IPv4Endpoint(IPv4Address(192, 168, 1, 5), port: 40000)
        let server = IPv4Endpoint(IPv4Address(192, 168, 1, 9), port: 8080)
        var frame: [UInt8] = []
        var ts: Int64 = 0
        func send(_ segment: TCPSegment) {
            FrameBuilder.build(segment, client: client, server: server, ipID: 1, snaplen: 96, into: &frame)
            writer.write(timestampNs: ts, captured: frame, wireLength: FrameBuilder.wireLength(of: segment))
            ts += 1_000_000
        }
        send(TCPSegment(fromClient: true, flags: .syn, seq: 999, ack: 0, payloadLength: 0, mssOption: 1460))
        send(TCPSegment(fromClient: false, flags: [.syn, .ack], seq: 5, ack: 1000, payloadLength: 0, mssOption: 1460))
        send(TCPSegment(fromClient: true, flags: .ack, seq: 1000, ack: 6, payloadLength: 0))
        for i in 0..<100 {
            let seq = UInt32(1000 + i * 1000)
            send(TCPSegment(fromClient: true, flags: .ack, seq: seq, ack: 6, payloadLength: 1000))
            if [10, 50, 90].contains(i) {
                send(TCPSegment(fromClient: true, flags: .ack, seq: seq, ack: 6, payloadLength: 1000))
            }
        }
        try writer.close()
        let d = try #require(try Calibration.analyze(path: path).primary)
        #expect(d.server.description == "192.168.1.9:8080")
        #expect(d.dataSegments == 103)
        #expect(d.retransmittedSegments == 3)
        #expect(Self.within(d.retransmissionRate, 3.0 / 103.0))
        #expect(d.handshakeRTTNanos == 2_000_000)
        #expect(try Calibration.analyze(path: path).scenarioFragment().contains("    loss: 0.029\n"))
    }

    /// The same TCP segment read through raw IP, Linux cooked v1/v2 and IPv6 headers.
    @Test func parserReadsOtherLinkTypesAndIPv6() throws {
        let client = IPv4Endpoint(IPv4Address(10, 0, 0, 1), port: 1234)
        let server = IPv4Endpoint(IPv4Address(10, 0, 0, 2), port: 80)
        var frame: [UInt8] = []
        let segment = TCPSegment(fromClient: true, flags: [.ack, .psh], seq: 7, ack: 9, payloadLength: 500,
                                 payload: Array("PUT /x HTTP/1.1\r\nContent-Length: 400\r\n\r\n".utf8))
        FrameBuilder.build(segment, client: client, server: server, ipID: 1, snaplen: 0, into: &frame)
        let ip = Array(frame.dropFirst(14))
        let sll = [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0, count: 8) + [0x08, 0x00] + ip
        let sll2 = [0x08, 0x00, 0, 0] + [UInt8](repeating: 0, count: 16) + ip
        let cases: [(PacketParser.LinkType, [UInt8])] = [(.raw, ip), (.linuxSLL, sll), (.linuxSLL2, sll2),
                                                         (.ethernet, frame)]
        for (linkType, bytes) in cases {
            let outcome = bytes.withUnsafeBytes { PacketParser.parse($0, linkType: linkType, timestampNs: 5) }
            guard case .tcp(let p) = outcome else {
                Issue.record("\(linkType): \(outcome)")
                continue
            }
            #expect(p.source.description == "10.0.0.1:1234" && p.destination.port == 80, "\(linkType)")
            #expect(p.payloadLength == 500 && p.seq == 7 && p.ack == 9, "\(linkType)")
            #expect(HTTPRequestStart(prefix: p.httpPrefix)?.contentLength == 400, "\(linkType)")
        }
        // IPv6: 40-byte header (payload length 20 + 100), next header TCP, ::1 -> ::2.
        var v6: [UInt8] = [0x60, 0, 0, 0, 0, 120, 6, 64]
        v6 += [UInt8](repeating: 0, count: 15) + [1] + [UInt8](repeating: 0, count: 15) + [2]
        v6 += Array(ip[20..<40])  // the TCP header of the IPv4 packet
        let outcome = v6.withUnsafeBytes { PacketParser.parse($0, linkType: .raw, timestampNs: 0) }
        guard case .tcp(let p) = outcome else {
            Issue.record("IPv6: \(outcome)")
            return
        }
        #expect(p.source.description == "[::1]:1234")
        #expect(p.destination.description == "[::2]:80")
        #expect(p.payloadLength == 100)
    }
}
