/// TCP header flags (RFC 9293 §3.1), as they appear in byte 13 of the header.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
}

/// One TCP segment of an exported connection, before it is framed.
///
/// `payloadLength` is the real length on the wire; `payload` holds only the bytes the exporter wants to be
/// readable in the capture (HTTP request line and headers, status line). The remaining payload bytes are
/// zeros and are cut off by the snap length, so files stay small while lengths stay right.
struct TCPSegment: Equatable, Sendable {
    var fromClient: Bool
    var flags: TCPFlags
    var seq: UInt32
    var ack: UInt32
    var payloadLength: Int
    var payload: [UInt8] = []
    /// Set on SYN and SYN-ACK: the MSS option announced (window scale 7 is announced alongside).
    var mssOption: UInt16?
}

/// Builds Ethernet II + IPv4 + TCP frames (DLT_EN10MB) from `TCPSegment`s. Pure; no I/O.
///
/// MAC addresses are synthetic (`02:00:` + client IPv4, `02:01:` + server IPv4). The IPv4 header checksum is
/// correct; the TCP checksum is left zero because the payload is mostly not captured (Wireshark does not
/// validate TCP checksums by default).
enum FrameBuilder {
    static let ethernetHeader = 14
    static let ipv4Header = 20
    static let tcpHeader = 20
    /// TCP options on SYN/SYN-ACK: MSS (4) + NOP (1) + window scale (3).
    static let synOptions = 8

    /// Wire length of the frame carrying `segment`.
    static func wireLength(of segment: TCPSegment) -> Int {
        ethernetHeader + ipv4Header + tcpHeader + (segment.mssOption == nil ? 0 : synOptions) + segment.payloadLength
    }

    /// Writes the captured part of the frame into `out` (replacing its contents).
    ///
    /// The captured length is `max(headers + payload.count, snaplen)` capped at the wire length.
    /// - Complexity: O(captured length).
    static func build(
        _ segment: TCPSegment, client: IPv4Endpoint, server: IPv4Endpoint, ipID: UInt16, snaplen: Int,
        into out: inout [UInt8]
    ) {
        let (src, dst) = segment.fromClient ? (client, server) : (server, client)
        let options = segment.mssOption == nil ? 0 : synOptions
        let headers = ethernetHeader + ipv4Header + tcpHeader + options
        let wire = headers + segment.payloadLength
        let captured = min(wire, max(headers + segment.payload.count, snaplen))
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(captured)
        // Ethernet II: destination, source, EtherType IPv4
        appendMAC(segment.fromClient ? 0x00 : 0x01, segment.fromClient ? server.address : client.address, to: &out)
        appendMAC(segment.fromClient ? 0x01 : 0x00, segment.fromClient ? client.address : server.address, to: &out)
        append16(0x0800, to: &out)
        // IPv4
        let ipStart = out.count
        let totalLength = UInt16(ipv4Header + tcpHeader + options + segment.payloadLength)
        append16(0x4500, to: &out)
        append16(totalLength, to: &out)
        append16(ipID, to: &out)
        append32(0x4000_4006, to: &out)  // DF, TTL 64, protocol TCP
        append16(0, to: &out)  // checksum placeholder
        append32(src.address.value, to: &out)
        append32(dst.address.value, to: &out)
        let checksum = ipChecksum(out[ipStart..<(ipStart + ipv4Header)])
        out[ipStart + 10] = UInt8(checksum >> 8)
        out[ipStart + 11] = UInt8(checksum & 0xFF)
        // TCP
        append16(src.port, to: &out)
        append16(dst.port, to: &out)
        append32(segment.seq, to: &out)
        append32(segment.ack, to: &out)
        out.append(UInt8((tcpHeader + options) / 4) << 4)
        out.append(segment.flags.rawValue)
        append16(segment.flags.contains(.syn) ? 65535 : 16384, to: &out)  // 16384 << 7 = 2 MiB window
        append32(0, to: &out)  // checksum (not computed), urgent pointer
        if let mss = segment.mssOption {
            append16(0x0204, to: &out)  // MSS option
            append16(mss, to: &out)
            append32(0x0103_0307, to: &out)  // NOP, window scale 7
        }
        let payloadRoom = captured - out.count
        if payloadRoom > 0 {
            out += segment.payload.prefix(payloadRoom)
            if out.count < captured { out += repeatElement(0, count: captured - out.count) }
        }
    }

    private static func appendMAC(_ role: UInt8, _ address: IPv4Address, to out: inout [UInt8]) {
        out.append(0x02)
        out.append(role)
        append32(address.value, to: &out)
    }

    private static func append16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(v >> 8))
        out.append(UInt8(v & 0xFF))
    }

    private static func append32(_ v: UInt32, to out: inout [UInt8]) {
        append16(UInt16(v >> 16), to: &out)
        append16(UInt16(v & 0xFFFF), to: &out)
    }

    /// RFC 1071 one's-complement checksum over an even number of bytes.
    static func ipChecksum(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var sum: UInt32 = 0
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
