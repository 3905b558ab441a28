import DequeModule

/// The packets of one exported TCP connection, produced lazily in timestamp order. Pure value type.
///
/// Vantage point: **the client host's NIC**. Client packets carry the time they leave the host; server
/// packets the time they arrive there. So the SYN-ACK arrives one RTT after the SYN, and the server's ACK
/// for a data segment arrives one RTT after the segment was sent (one ACK per two segments, and one for
/// the last segment of a request, as a delayed-ACK receiver does, RFC 9293 §3.8.6.3).
struct ConnectionTrack: Sendable {
    let client: IPv4Endpoint
    let server: IPv4Endpoint
    let rttNanos: Int64
    let mss: Int
    private(set) var clientSeq: UInt32
    private(set) var serverSeq: UInt32
    private var control: [ControlPacket] = []
    private var acks: Deque<(ts: Int64, ack: UInt32)> = []
    private var transfers: Deque<Transfer> = []
    private var upcoming: DataSegment?
    private var cutoff: Int64?
    private var lastDataTs: Int64 = .min
    private var controlOrder = 0
    /// Set by `reset` or `close`; no call may add traffic afterwards.
    private(set) var ended = false

    init(client: IPv4Endpoint, server: IPv4Endpoint, at: Int64, rttNanos: Int64, mss: Int, isn: UInt32) {
        self.client = client
        self.server = server
        self.rttNanos = rttNanos
        self.mss = mss
        clientSeq = isn
        serverSeq = isn &* 2_654_435_761 &+ 0x9E37
        schedule(.syn, at: at)
        schedule(.synAck, at: at + rttNanos)
        schedule(.handshakeAck, at: at + rttNanos)
    }

    // MARK: events

    /// The client sends an HTTP request: header segments at `at` (or when the previous request's body
    /// has been sent, if later), then the body paced by `pacer`.
    mutating func requestSent(at: Int64, header: [UInt8], bodyBytes: Int64, rates: [RateSegment]) {
        let start = max(at, lastDataTs)
        transfers.append(Transfer(header: header, bodyBytes: bodyBytes, pacer: BodyPacer(rates: rates, startNs: start),
                                  startNs: start))
        refillData()
    }

    /// The server's status line arrives at `at`; the client ACKs it at once.
    mutating func responseReceived(at: Int64, statusLine: [UInt8]) {
        schedule(.response(statusLine), at: at)
        schedule(.responseAck, at: at)
    }

    /// The client resets the connection at `at`: traffic after `at` is dropped, an RST|ACK is sent.
    mutating func resetSent(at: Int64) {
        clip(at: at)
        schedule(.rst, at: at)
    }

    /// The client closes at `at`: traffic after `at` is dropped, FIN, the server's FIN one RTT later, last ACK.
    mutating func closeSent(at: Int64) {
        clip(at: at)
        schedule(.fin, at: at)
        schedule(.serverFin, at: at + rttNanos)
        schedule(.lastAck, at: at + rttNanos)
    }

    // MARK: draining

    /// Time of the next packet, or `nil` when nothing is pending.
    /// - Complexity: O(1).
    var nextTime: Int64? { nextSource()?.ts }

    /// Removes and returns the next packet in time order.
    /// - Complexity: amortized O(1) (data segments are generated one at a time).
    mutating func popNext() -> (ts: Int64, segment: TCPSegment)? {
        guard let source = nextSource() else { return nil }
        switch source.kind {
        case .control:
            let packet = control.removeFirst()
            return (packet.ts, materialize(packet.kind))
        case .data:
            guard let data = upcoming else { return nil }
            let segment = TCPSegment(fromClient: true, flags: data.isLast ? [.ack, .psh] : .ack, seq: clientSeq,
                                     ack: serverSeq, payloadLength: data.length, payload: data.payload)
            clientSeq &+= UInt32(data.length)
            lastDataTs = data.ts
            if data.index % 2 == 1 || data.isLast, cutoff.map({ data.ts + rttNanos <= $0 }) ?? true {
                acks.append((data.ts + rttNanos, clientSeq))
            }
            refillData()
            return (data.ts, segment)
        case .ack:
            let ack = acks.removeFirst()
            return (ack.ts, TCPSegment(fromClient: false, flags: .ack, seq: serverSeq, ack: ack.ack, payloadLength: 0))
        }
    }

    // MARK: internals

    private enum SourceKind { case control, data, ack }

    /// The earliest pending packet; ties go handshake, data, server ACKs, then other control packets.
    private func nextSource() -> (ts: Int64, kind: SourceKind)? {
        var best: (ts: Int64, rank: Int, kind: SourceKind)?
        func consider(_ ts: Int64, _ rank: Int, _ kind: SourceKind) {
            if let b = best, (b.ts, b.rank) <= (ts, rank) { return }
            best = (ts, rank, kind)
        }
        if let c = control.first { consider(c.ts, c.kind.isHandshake ? 0 : 3, .control) }
        if let d = upcoming { consider(d.ts, 1, .data) }
        if let a = acks.first { consider(a.ts, 2, .ack) }
        return best.map { ($0.ts, $0.kind) }
    }

    private mutating func schedule(_ kind: ControlKind, at ts: Int64) {
        controlOrder += 1
        let packet = ControlPacket(ts: ts, order: controlOrder, kind: kind)
        let index = control.firstIndex { ($0.ts, $0.order) > (ts, packet.order) } ?? control.endIndex
        control.insert(packet, at: index)
    }

    private mutating func clip(at ts: Int64) {
        ended = true
        cutoff = ts
        control.removeAll { $0.ts > ts }
        while let last = acks.last, last.ts > ts { acks.removeLast() }
        if let data = upcoming, data.ts > ts {
            upcoming = nil
            transfers.removeAll()
        }
    }

    private mutating func refillData() {
        upcoming = nil
        while var transfer = transfers.first {
            let next = transfer.nextSegment(mss: mss, notBefore: lastDataTs)
            transfers[transfers.startIndex] = transfer
            guard let segment = next else {
                transfers.removeFirst()
                continue
            }
            if let cutoff, segment.ts > cutoff {
                transfers.removeAll()
                return
            }
            upcoming = segment
            return
        }
    }

    /// Builds a control packet with the current sequence numbers and advances them (SYN and FIN count one).
    private mutating func materialize(_ kind: ControlKind) -> TCPSegment {
        let mss = UInt16(clamping: mss)
        switch kind {
        case .syn:
            defer { clientSeq &+= 1 }
            return TCPSegment(fromClient: true, flags: .syn, seq: clientSeq, ack: 0, payloadLength: 0, mssOption: mss)
        case .synAck:
            defer { serverSeq &+= 1 }
            return TCPSegment(fromClient: false, flags: [.syn, .ack], seq: serverSeq, ack: clientSeq,
                              payloadLength: 0, mssOption: mss)
        case .handshakeAck, .responseAck, .lastAck:
            return TCPSegment(fromClient: true, flags: .ack, seq: clientSeq, ack: serverSeq, payloadLength: 0)
        case .response(let line):
            defer { serverSeq &+= UInt32(line.count) }
            return TCPSegment(fromClient: false, flags: [.ack, .psh], seq: serverSeq, ack: clientSeq,
                              payloadLength: line.count, payload: line)
        case .rst:
            return TCPSegment(fromClient: true, flags: [.rst, .ack], seq: clientSeq, ack: serverSeq, payloadLength: 0)
        case .fin:
            defer { clientSeq &+= 1 }
            return TCPSegment(fromClient: true, flags: [.fin, .ack], seq: clientSeq, ack: serverSeq, payloadLength: 0)
        case .serverFin:
            defer { serverSeq &+= 1 }
            return TCPSegment(fromClient: false, flags: [.fin, .ack], seq: serverSeq, ack: clientSeq, payloadLength: 0)
        }
    }
}
