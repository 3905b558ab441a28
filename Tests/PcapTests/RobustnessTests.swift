import CPcap
import Foundation
import TestHarness
import Testing
@testable import Pcap

/// Bad captures give a `PcapError` naming the file and position, never a crash or another error type.
@Suite(.cpuBound) struct RobustnessTests {
    /// A small valid capture (the synthetic trace's first 50 ms) and its record boundaries.
    static func smallCapture(_ name: String) throws -> (path: String, bytes: [UInt8], records: [Int]) {
        let path = TestSupport.temporaryPath(name)
        try SyntheticTrace.write(to: path, window: 0...(50 * SyntheticTrace.ms))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var records: [Int] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            records.append(offset)
            let caplen = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16
                | Int(bytes[offset + 11]) << 24
            offset += 16 + caplen
        }
        return (path, bytes, records)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func fuzzedCapturesGiveAReportOrAPcapError() throws {
        let (_, original, records) = try Self.smallCapture("fuzz-source.pcap")
        #expect(records.count > 100)
        let path = TestSupport.temporaryPath("fuzz.pcap")
        var errors = 0
        for seed in UInt64(1)...200 {
            var rng = SeededRandom(seed: seed)
            var bytes = original
            // Half of the cases hit packet headers only (record header + Ethernet/IP/TCP), where flips matter.
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let record = records[Int.random(in: 0..<records.count, using: &rng)]
                let i = seed % 2 == 0 ? Int.random(in: 0..<bytes.count, using: &rng)
                    : min(bytes.count - 1, record + Int.random(in: 0..<70, using: &rng))
                bytes[i] ^= UInt8.random(in: 1...255, using: &rng)
            }
            try Self.write(bytes, to: path)
            do {
                _ = try Calibration.analyze(path: path)
            } catch let error as PcapError {
                errors += 1
                #expect(error.description.contains(path), "reproduce with seed \(seed): \(error)")
            } catch {
                Issue.record("reproduce with seed \(seed): not a PcapError: \(error)")
            }
        }
        #expect(errors > 0, "no fuzz case produced an error; the flips miss the headers")
    }

    @Test func truncatedCapturesNameThePacketAndOffset() throws {
        let (_, original, records) = try Self.smallCapture("truncate-source.pcap")
        let path = TestSupport.temporaryPath("truncated.pcap")
        for seed in UInt64(1)...20 {
            var rng = SeededRandom(seed: seed)
            let k = Int.random(in: 0..<(records.count - 1), using: &rng)
            let cut = Int.random(in: (records[k] + 1)..<records[k + 1], using: &rng)
            try Self.write(Array(original[..<cut]), to: path)
            do {
                _ = try Calibration.analyze(path: path)
                Issue.record("reproduce with seed \(seed): truncation at byte \(cut) was not detected")
            } catch PcapError.corruptFile(let file, let index, let offset, _) {
                #expect(file == path && index == k + 1 && offset == Int64(records[k]),
                        "reproduce with seed \(seed): packet \(index) offset \(offset), cut in record \(k + 1)")
            } catch {
                Issue.record("reproduce with seed \(seed): \(error)")
            }
        }
        // Inside the 24-byte file header: libpcap refuses to open it.
        try Self.write(Array(original[..<10]), to: path)
        #expect { try Calibration.analyze(path: path) } throws: { error in
            guard case PcapError.cannotOpen = error else { return false }
            return true
        }
        // Only the file header: a valid but empty capture.
        try Self.write(Array(original[..<24]), to: path)
        #expect(throws: PcapError.noTCPTraffic(file: path, packets: 0)) { try Calibration.analyze(path: path) }
    }

    @Test func nonTCPAndUnsupportedCapturesAreRejected() throws {
        let udpPath = TestSupport.temporaryPath("udp.pcap")
        let writer = try PcapFileWriter(path: udpPath, linkType: DLT_EN10MB)
        var frame: [UInt8] = []
        let segment = TCPSegment(fromClient: true, flags: .ack, seq: 1, ack: 1, payloadLength: 10)
        FrameBuilder.build(segment, client: SyntheticTrace.clientA, server: SyntheticTrace.server, ipID: 1,
                           snaplen: 100, into: &frame)
        frame[14 + 9] = 17  // UDP
        writer.write(timestampNs: 0, captured: frame, wireLength: frame.count)
        writer.write(timestampNs: 1, captured: frame, wireLength: frame.count)
        try writer.close()
        #expect(throws: PcapError.noTCPTraffic(file: udpPath, packets: 2)) { try Calibration.analyze(path: udpPath) }

        let wifiPath = TestSupport.temporaryPath("wifi.pcap")
        try PcapFileWriter(path: wifiPath, linkType: 105).close()
        #expect(throws: PcapError.unsupportedLinkType(file: wifiPath, linkType: 105, name: "802.11")) {
            try Calibration.analyze(path: wifiPath)
        }

        let badPath = TestSupport.temporaryPath("bad-ihl.pcap")
        let bad = try PcapFileWriter(path: badPath, linkType: DLT_EN10MB)
        var good = frame
        good[14 + 9] = 6
        bad.write(timestampNs: 0, captured: good, wireLength: good.count)
        good[14] = 0x43  // IHL 3 words
        bad.write(timestampNs: 1, captured: good, wireLength: good.count)
        try bad.close()
        let expected = PcapError.malformedPacket(file: badPath, packetIndex: 2, byteOffset: Int64(24 + 16 + good.count),
                                                 reason: "IPv4 header length 12 < 20")
        #expect(throws: expected) {
            try Calibration.analyze(path: badPath)
        }

        let missing = TestSupport.temporaryPath("does-not-exist.pcap")
        #expect { try Calibration.analyze(path: missing) } throws: { error in
            guard case PcapError.cannotOpen(let file, _) = error else { return false }
            return file == missing
        }
    }
}
