/// A packet whose sequence numbers are filled in when it is emitted.
enum ControlKind: Sendable {
    case syn, synAck, handshakeAck
    case response([UInt8])
    case responseAck, rst, fin, serverFin, lastAck

    var isHandshake: Bool {
        switch self {
        case .syn, .synAck, .handshakeAck: return true
        case .response, .responseAck, .rst, .fin, .serverFin, .lastAck: return false
        }
    }
}

struct ControlPacket: Sendable {
    var ts: Int64
    var order: Int
    var kind: ControlKind
}

/// The next client data segment of a transfer.
struct DataSegment: Sendable {
    var ts: Int64
    var length: Int
    var payload: [UInt8]
    /// 0-based index of the segment within its request (header segments included).
    var index: Int
    var isLast: Bool
}

/// One HTTP request's bytes: the header text (sent at once) then the body (paced).
struct Transfer: Sendable {
    let header: [UInt8]
    let bodyBytes: Int64
    var pacer: BodyPacer
    let startNs: Int64
    private var headerSent = 0
    private var bodySent: Int64 = 0
    private var index = 0

    init(header: [UInt8], bodyBytes: Int64, pacer: BodyPacer, startNs: Int64) {
        self.header = header
        self.bodyBytes = bodyBytes
        self.pacer = pacer
        self.startNs = startNs
    }

    /// The next segment (at most `mss` bytes), never stamped before `notBefore`; `nil` when all is sent.
    /// - Complexity: O(mss) for header segments, amortized O(1) for body segments.
    mutating func nextSegment(mss: Int, notBefore: Int64) -> DataSegment? {
        defer { index += 1 }
        if headerSent < header.count {
            let n = min(mss, header.count - headerSent)
            let payload = Array(header[headerSent..<(headerSent + n)])
            headerSent += n
            let last = headerSent == header.count && bodyBytes == 0
            return DataSegment(ts: max(startNs, notBefore), length: n, payload: payload, index: index, isLast: last)
        }
        guard bodySent < bodyBytes else { return nil }
        let n = Int(min(Int64(mss), bodyBytes - bodySent))
        bodySent += Int64(n)
        let ts = max(pacer.complete(bits: Double(n) * 8), notBefore)
        return DataSegment(ts: ts, length: n, payload: [], index: index, isLast: bodySent == bodyBytes)
    }
}
