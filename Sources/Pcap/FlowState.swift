import DequeModule

/// What one direction of a TCP flow sent. Pure accumulator.
struct DirectionState: Sendable {
    var payloadBytes: Int64 = 0
    var dataSegments = 0
    var retransmittedSegments = 0
    var retransmittedBytes: Int64 = 0
    /// Highest sequence number sent + payload, unwrapped to 64 bits relative to the first seen.
    private var highestEnd: Int64?
    private var base: UInt32 = 0
    /// Bursts of data separated by more than the idle gap: (first ts, last ts, bytes after the first packet).
    private(set) var bursts: [(start: Int64, end: Int64, bytes: Int64)] = []
    /// Sent segments waiting for an ACK: (end sequence, send time, was a retransmission).
    private var unacked: Deque<(end: Int64, ts: Int64, retransmitted: Bool)> = []
    /// HTTP request starts (relative sequence numbers) and their Content-Length values.
    private(set) var requestStarts: [Int64] = []
    private(set) var contentLengths: [Int64] = []

    /// Bound on remembered in-flight segments (95 MB at MSS 1460) so a capture without the ACK direction
    /// cannot grow memory without limit.
    static let maxUnacked = 1 << 16

    /// Unwraps a 32-bit sequence number near the highest one seen.
    func relative(_ seq: UInt32) -> Int64 {
        guard let highestEnd else { return 0 }
        let anchor = UInt32(truncatingIfNeeded: highestEnd)
        return highestEnd + Int64(Int32(bitPattern: (seq &- base) &- anchor))
    }

    /// A segment with `payloadLength > 0` (or SYN/FIN, which only set the base) was sent at `ts`.
    mutating func segmentSent(seq: UInt32, payloadLength: Int, ts: Int64, idleGap: Int64, httpPrefix: [UInt8]) {
        if highestEnd == nil {
            base = seq
            highestEnd = 0
        }
        guard payloadLength > 0, let high = highestEnd else { return }
        let start = relative(seq)
        let end = start + Int64(payloadLength)
        dataSegments += 1
        payloadBytes += Int64(payloadLength)
        let retransmitted = start < high
        if retransmitted {
            retransmittedSegments += 1
            retransmittedBytes += min(high, end) - start
        }
        highestEnd = max(high, end)
        // A pause with data still unacknowledged is a stall (loss recovery, a full window), not idleness.
        if let last = bursts.last, ts - last.end <= idleGap || !unacked.isEmpty {
            bursts[bursts.count - 1] = (last.start, ts, last.bytes + Int64(payloadLength))
        } else {
            bursts.append((ts, ts, 0))
        }
        if unacked.count >= Self.maxUnacked { unacked.removeFirst() }
        unacked.append((end, ts, retransmitted))
        if !retransmitted, let request = HTTPRequestStart(prefix: httpPrefix) {
            requestStarts.append(start)
            if let length = request.contentLength { contentLengths.append(length) }
        }
    }

    /// The peer acknowledged up to `ack` at `ts`; returns an RTT sample from the newest segment it covers
    /// (none if that segment was retransmitted, Karn's rule, RFC 6298 §3).
    mutating func acknowledged(_ ack: UInt32, at ts: Int64) -> Int64? {
        guard highestEnd != nil, !unacked.isEmpty else { return nil }
        let ackRel = relative(ack)
        var newest: (end: Int64, ts: Int64, retransmitted: Bool)?
        while let first = unacked.first, first.end <= ackRel {
            newest = unacked.removeFirst()
        }
        guard let newest, !newest.retransmitted, ts >= newest.ts else { return nil }
        return ts - newest.ts
    }

    /// Bytes from the first sequence number seen to the highest end.
    var sequenceSpan: Int64 { highestEnd ?? 0 }
}

/// The start of an HTTP/1 request in a segment's captured bytes, with its Content-Length if captured.
struct HTTPRequestStart {
    var contentLength: Int64?

    init?(prefix: [UInt8]) {
        guard prefix.count >= 4 else { return nil }
        let text = String(decoding: prefix, as: UTF8.self)
        guard !text.hasPrefix("HTTP"), text.contains(" HTTP/1.") else { return nil }
        contentLength = nil
        for line in text.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length",
               let value = Int64(parts[1].trimmingCharacters(in: " \t")) {
                contentLength = value
            }
        }
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return s
    }
}

/// One TCP flow (both directions), keyed by its two endpoints.
struct FlowState: Sendable {
    var client: PeerEndpoint
    var server: PeerEndpoint
    /// Whether `client` was decided by a SYN (otherwise: the endpoint with the higher port).
    var sawSyn = false
    var firstTs: Int64
    var lastTs: Int64
    var synTs: Int64?
    var synAckTs: Int64?
    var handshakeAckTs: Int64?
    var up = DirectionState()
    var down = DirectionState()
    /// Data → ACK times of client data (ACKs from the server) and of server data (ACKs from the client).
    var upAckSamples = SampleSet()
    var downAckSamples = SampleSet()
    var resets = 0

    init(first: TCPPacketInfo) {
        let clientIsSource = first.flags.contains(.syn) ? !first.flags.contains(.ack)
            : first.source.port > first.destination.port
        client = clientIsSource ? first.source : first.destination
        server = clientIsSource ? first.destination : first.source
        sawSyn = first.flags.contains(.syn)
        firstTs = first.timestampNs
        lastTs = first.timestampNs
    }

    /// Feeds one packet of this flow.
    /// - Complexity: amortized O(1) (+ HTTP header parsing for request starts).
    mutating func packetSeen(_ packet: TCPPacketInfo, idleGap: Int64) {
        // Time never runs backwards within a flow (a reordered capture gets the flow's latest time), so
        // bursts are disjoint and ordered and their lengths sum to at most the flow's span.
        var p = packet
        p.timestampNs = max(packet.timestampNs, lastTs)
        lastTs = p.timestampNs
        let fromClient = p.source == client
        if p.flags.contains(.syn) {
            if !p.flags.contains(.ack), fromClient, synTs == nil { synTs = p.timestampNs }
            if p.flags.contains(.ack), !fromClient, synAckTs == nil { synAckTs = p.timestampNs }
        } else if fromClient, synAckTs != nil, handshakeAckTs == nil, p.flags.contains(.ack) {
            handshakeAckTs = p.timestampNs
        }
        if p.flags.contains(.rst) { resets += 1 }
        let seqStart = p.flags.contains(.syn) ? p.seq &+ 1 : p.seq
        if fromClient {
            up.segmentSent(seq: seqStart, payloadLength: p.payloadLength, ts: p.timestampNs, idleGap: idleGap,
                           httpPrefix: p.httpPrefix)
            if p.flags.contains(.ack), let sample = down.acknowledged(p.ack, at: p.timestampNs) {
                downAckSamples.add(sample)
            }
        } else {
            down.segmentSent(seq: seqStart, payloadLength: p.payloadLength, ts: p.timestampNs, idleGap: idleGap,
                             httpPrefix: p.httpPrefix)
            if p.flags.contains(.ack), let sample = up.acknowledged(p.ack, at: p.timestampNs) {
                upAckSamples.add(sample)
            }
        }
    }

    /// Data → ACK samples of the dominant direction: its ACKs cross the path, whichever side captured.
    var dataAckSamples: SampleSet { up.payloadBytes >= down.payloadBytes ? upAckSamples : downAckSamples }

    /// SYN → SYN-ACK plus SYN-ACK → ACK: one full RTT wherever the capture was taken (client side, server
    /// side or in between).
    var handshakeRTT: Int64? {
        guard let synTs, let synAckTs, let handshakeAckTs, synAckTs >= synTs, handshakeAckTs >= synAckTs else {
            return nil
        }
        return handshakeAckTs - synTs
    }

    /// The direction carrying more payload (upload for replication traffic).
    var dominant: DirectionState { up.payloadBytes >= down.payloadBytes ? up : down }
}

/// RTT samples: the exact minimum, and every k-th sample (k doubling as the list fills) for the median, so
/// memory stays at most `capacity` samples per flow direction.
struct SampleSet: Sendable {
    static let capacity = 4096
    private(set) var minimum: Int64?
    private(set) var kept: [Int64] = []
    private var stride = 1
    private var seen = 0

    mutating func add(_ sample: Int64) {
        minimum = min(minimum ?? sample, sample)
        defer { seen += 1 }
        guard seen % stride == 0 else { return }
        kept.append(sample)
        if kept.count >= Self.capacity {
            kept = kept.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            stride *= 2
        }
    }
}
