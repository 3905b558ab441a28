/// Text from a C character buffer (libpcap's `errbuf`), up to the first NUL; never reads past the array.
enum CText {
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Everything the Pcap module reports as a failure. Every case names the file (or interface) and, for
/// problems inside a capture, the 1-based packet index (as Wireshark numbers frames) and a byte offset.
public enum PcapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libpcap could not open the file (missing, not a pcap/pcapng file, bad global header).
    case cannotOpen(file: String, reason: String)
    /// Writing a capture or fragment failed (disk full, permission, closed dumper).
    case cannotWrite(file: String, reason: String)
    /// libpcap stopped reading inside the file: truncated record, impossible record length.
    case corruptFile(file: String, packetIndex: Int, byteOffset: Int64, reason: String)
    /// A record was read, but its IP/TCP headers are inconsistent (bad header length, bad version).
    case malformedPacket(file: String, packetIndex: Int, byteOffset: Int64, reason: String)
    /// The capture's link-layer type is not one the reader parses.
    case unsupportedLinkType(file: String, linkType: Int32, name: String)
    /// The capture holds no TCP segment at all (empty, or only ARP/UDP/...).
    case noTCPTraffic(file: String, packets: Int)
    /// The exporter was called against its contract (time going backwards, unknown connection, ...).
    case invalidCall(String)
    /// Live capture: the interface does not exist.
    case noSuchInterface(interface: String, reason: String)
    /// Live capture: the process may not capture (needs root or CAP_NET_RAW + CAP_NET_ADMIN).
    case permissionDenied(interface: String, reason: String)
    /// Live capture: any other libpcap failure (bad filter expression, activation error).
    case captureFailed(interface: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open capture: \(reason)"
        case .cannotWrite(let file, let reason):
            return "\(file): cannot write: \(reason)"
        case .corruptFile(let file, let index, let offset, let reason):
            return "\(file): corrupt capture at packet \(index) (byte offset \(offset)): \(reason)"
        case .malformedPacket(let file, let index, let offset, let reason):
            return "\(file): malformed packet \(index) (record at byte offset \(offset)): \(reason)"
        case .unsupportedLinkType(let file, let linkType, let name):
            return "\(file): unsupported link-layer type \(linkType) (\(name)); supported: Ethernet, Linux cooked "
                + "(SLL, SLL2), raw IP, BSD loopback"
        case .noTCPTraffic(let file, let packets):
            return "\(file): no TCP segments in \(packets) packet(s); calibrate needs a TCP capture"
        case .invalidCall(let message):
            return "pcap export: \(message)"
        case .noSuchInterface(let interface, let reason):
            return "capture on \(interface): no such interface (\(reason))"
        case .permissionDenied(let interface, let reason):
            return "capture on \(interface): permission denied; run as root or grant CAP_NET_RAW,CAP_NET_ADMIN "
                + "(\(reason))"
        case .captureFailed(let interface, let reason):
            return "capture on \(interface): \(reason)"
        }
    }
}
