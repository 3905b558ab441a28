/// A TCP segment as read from a capture.
struct TCPPacketInfo: Sendable {
    var timestampNs: Int64
    var source: PeerEndpoint
    var destination: PeerEndpoint
    var seq: UInt32
    var ack: UInt32
    var flags: TCPFlags
    /// Payload length from the IP header (not the captured length), so snap-length-cut captures count right.
    var payloadLength: Int
    /// Up to 512 captured payload bytes, kept only when the payload looks like HTTP/1 text.
    var httpPrefix: [UInt8]
}

/// Decodes link layer → IPv4/IPv6 → TCP from captured bytes. Pure; never traps on bad input.
enum PacketParser {
    enum Outcome {
        case tcp(TCPPacketInfo)
        /// Not IP or not TCP (ARP, UDP, ICMP, IP fragments after the first, ...): ignored.
        case skipped
        /// The headers contradict themselves; the reason names the field.
        case malformed(String)
    }

    /// Link-layer types (DLT_ values as libpcap reports them; `pcap-linktype(7)`).
    enum LinkType: Int32 {
        case null = 0, ethernet = 1, raw = 12, rawOpenBSD = 14, loop = 108, linuxSLL = 113, ipv4 = 228, ipv6 = 229
        case linuxSLL2 = 276
    }

    static let linkTypeNames: [Int32: String] = [
        0: "BSD loopback", 1: "Ethernet", 12: "raw IP", 14: "raw IP", 101: "raw IP", 105: "802.11",
        108: "OpenBSD loopback",
        113: "Linux cooked (SLL)", 127: "802.11 radiotap", 228: "IPv4", 229: "IPv6", 276: "Linux cooked (SLL2)",
    ]

    /// - Complexity: O(header bytes) (+ up to 512 bytes copied for HTTP-looking payloads).
    static func parse(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, timestampNs: Int64) -> Outcome {
        var reader = ByteReader(bytes)
        let etherType: UInt16
        switch linkType {
        case .ethernet:
            guard reader.skip(12), var type = reader.u16() else { return .malformed("Ethernet header cut short") }
            while type == 0x8100 || type == 0x88A8 {  // 802.1Q / 802.1ad VLAN tags
                guard reader.skip(2), let inner = reader.u16() else { return .malformed("VLAN tag cut short") }
                type = inner
            }
            etherType = type
        case .linuxSLL:
            guard reader.skip(14), let type = reader.u16() else { return .malformed("SLL header cut short") }
            etherType = type
        case .linuxSLL2:
            guard let type = reader.u16(), reader.skip(18) else { return .malformed("SLL2 header cut short") }
            etherType = type
        case .null, .loop:
            guard let family = reader.u32() else { return .malformed("loopback header cut short") }
            let hostOrder = linkType == .null ? family.byteSwapped : family
            switch min(family, hostOrder) {
            case 2: etherType = 0x0800
            case 10, 24, 28, 30: etherType = 0x86DD
            default: return .skipped
            }
        case .raw, .rawOpenBSD, .ipv4, .ipv6:
            guard let first = reader.peek() else { return .malformed("empty raw IP packet") }
            etherType = first >> 4 == 6 ? 0x86DD : 0x0800
        }
        switch etherType {
        case 0x0800: return parseIPv4(&reader, timestampNs: timestampNs)
        case 0x86DD: return parseIPv6(&reader, timestampNs: timestampNs)
        default: return .skipped
        }
    }

    private static func parseIPv4(_ reader: inout ByteReader, timestampNs: Int64) -> Outcome {
        let start = reader.position
        guard let versionIHL = reader.u8() else { return .malformed("IPv4 header cut short") }
        guard versionIHL >> 4 == 4 else { return .malformed("IP version \(versionIHL >> 4) in an IPv4 frame") }
        let headerLength = Int(versionIHL & 0x0F) * 4
        guard headerLength >= 20 else { return .malformed("IPv4 header length \(headerLength) < 20") }
        guard reader.skip(1), let totalLength = reader.u16(), reader.skip(2), let fragment = reader.u16(),
              reader.skip(1), let proto = reader.u8(), reader.skip(2),
              let src = reader.bytes(4), let dst = reader.bytes(4) else { return .malformed("IPv4 header cut short") }
        guard Int(totalLength) >= headerLength else {
            return .malformed("IPv4 total length \(totalLength) < header length \(headerLength)")
        }
        guard proto == 6 else { return .skipped }
        if fragment & 0x1FFF != 0 { return .skipped }  // a later fragment: no TCP header
        guard reader.seek(start + headerLength) else { return .malformed("IPv4 options cut short") }
        // TSO/GSO captures on the sending host show total length 0; fall back to the captured length.
        let ipPayload = totalLength == 0 ? reader.remaining : Int(totalLength) - headerLength
        return parseTCP(&reader, ipPayload: ipPayload, src: IPAddress(bytes: src), dst: IPAddress(bytes: dst),
                        timestampNs: timestampNs)
    }

    private static func parseIPv6(_ reader: inout ByteReader, timestampNs: Int64) -> Outcome {
        guard let first = reader.u8() else { return .malformed("IPv6 header cut short") }
        guard first >> 4 == 6 else { return .malformed("IP version \(first >> 4) in an IPv6 frame") }
        guard reader.skip(3), let payloadLength = reader.u16(), var next = reader.u8(), reader.skip(1),
              let src = reader.bytes(16), let dst = reader.bytes(16) else { return .malformed("IPv6 header cut short") }
        var remaining = Int(payloadLength)
        // Hop-by-hop (0), routing (43), destination options (60): skip; fragment (44): only first fragments.
        var hops = 0
        while next == 0 || next == 43 || next == 60 || next == 44 {
            hops += 1
            guard hops <= 8, let nextHeader = reader.u8(), let lengthField = reader.u8() else {
                return .malformed("IPv6 extension headers cut short")
            }
            let length = next == 44 ? 8 : (Int(lengthField) + 1) * 8
            if next == 44 {
                guard let offset = reader.u16() else { return .malformed("IPv6 fragment header cut short") }
                if offset >> 3 != 0 { return .skipped }
                guard reader.skip(4) else { return .malformed("IPv6 fragment header cut short") }
            } else {
                guard reader.skip(length - 2) else { return .malformed("IPv6 extension header cut short") }
            }
            remaining -= length
            next = nextHeader
        }
        guard next == 6 else { return .skipped }
        guard remaining >= 0 else { return .malformed("IPv6 payload length \(payloadLength) < extension headers") }
        let ipPayload = payloadLength == 0 ? reader.remaining : remaining  // 0: jumbogram or TSO capture
        return parseTCP(&reader, ipPayload: ipPayload, src: IPAddress(bytes: src), dst: IPAddress(bytes: dst),
                        timestampNs: timestampNs)
    }

    private static func parseTCP(_ reader: inout ByteReader, ipPayload: Int, src: IPAddress, dst: IPAddress,
                                 timestampNs: Int64) -> Outcome {
        let start = reader.position
        guard let sport = reader.u16(), let dport = reader.u16(), let seq = reader.u32(), let ack = reader.u32(),
              let offsetByte = reader.u8(), let flagsByte = reader.u8() else {
            return .malformed("TCP header cut short")
        }
        let headerLength = Int(offsetByte >> 4) * 4
        guard headerLength >= 20 else { return .malformed("TCP data offset \(headerLength) < 20") }
        guard ipPayload >= headerLength else {
            return .malformed("IP payload \(ipPayload) shorter than the TCP header (\(headerLength))")
        }
        let payloadLength = ipPayload - headerLength
        var prefix: [UInt8] = []
        if payloadLength > 0, reader.seek(start + headerLength), looksLikeHTTP(reader) {
            prefix = reader.bytes(min(512, reader.remaining, payloadLength)) ?? []
        }
        return .tcp(TCPPacketInfo(timestampNs: timestampNs, source: PeerEndpoint(src, port: sport),
                                  destination: PeerEndpoint(dst, port: dport), seq: seq, ack: ack,
                                  flags: TCPFlags(rawValue: flagsByte & 0x3F), payloadLength: payloadLength,
                                  httpPrefix: prefix))
    }

    private static let httpStarts: [[UInt8]] = ["PUT ", "POST", "GET ", "HEAD", "PATC", "DELE", "HTTP"].map {
        Array($0.utf8)
    }

    private static func looksLikeHTTP(_ reader: ByteReader) -> Bool {
        guard let first4 = reader.peekBytes(4) else { return false }
        return httpStarts.contains(first4)
    }
}

/// Bounds-checked big-endian reading over captured bytes. Every read returns `nil` past the end.
struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    func peekBytes(_ n: Int) -> [UInt8]? { n <= remaining ? Array(bytes[position..<(position + n)]) : nil }

    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, n <= remaining else { return false }
        position += n
        return true
    }

    mutating func seek(_ to: Int) -> Bool {
        guard to >= 0, to <= bytes.count else { return false }
        position = to
        return true
    }

    mutating func u8() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() -> UInt16? {
        guard let a = u8(), let b = u8() else { return nil }
        return UInt16(a) << 8 | UInt16(b)
    }

    mutating func u32() -> UInt32? {
        guard let a = u16(), let b = u16() else { return nil }
        return UInt32(a) << 16 | UInt32(b)
    }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard let out = peekBytes(n) else { return nil }
        position += n
        return out
    }
}
