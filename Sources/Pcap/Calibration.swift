/// Reads a capture and estimates the path and workload parameters a scenario needs.
///
/// Per destination (server address and port): RTT from the TCP handshake (SYN → SYN-ACK → ACK, a full RTT
/// wherever the capture was taken) and from data → ACK timing (minimum over samples; Karn's rule skips
/// retransmitted segments), per-flow and aggregate throughput (payload bits over active time, see
/// `Options.idleGapNanos`; a pause with unacknowledged data outstanding is a stall and counts as active, so
/// retransmission timeouts lower the throughput as they do in reality; a capture without the ACK direction
/// therefore counts its idle pauses as active), retransmitted segments / data segments as the loss estimate,
/// maximum concurrent and total connections, and the typical request size (median HTTP Content-Length, else the median
/// distance between HTTP request starts in the byte stream).
///
/// Caveats: a retransmission rate over-estimates the loss rate when spurious retransmissions occur and
/// under-estimates it when the capture is taken on the receiver side. Throughput is what the flows got, not
/// what the path could carry, so the bandwidth in the fragment is a lower bound.
public enum Calibration {
    public struct Options: Sendable {
        /// A pause longer than this between two data segments of one direction, with all data acknowledged,
        /// ends an active period.
        /// Segments slower than one per gap (1460 B / 200 ms ≈ 58 kbit/s) are not measured as throughput.
        public var idleGapNanos: Int64 = 200_000_000

        public init(idleGapNanos: Int64 = 200_000_000) { self.idleGapNanos = idleGapNanos }
    }

    /// - Throws: `PcapError` for unreadable, truncated, corrupt or non-TCP captures.
    /// - Complexity: O(packets) time; memory O(flows + unacknowledged segments in flight).
    public static func analyze(path: String, options: Options = .init()) throws -> CalibrationReport {
        let reader = try PcapFileReader(path: path)
        guard let linkType = PacketParser.LinkType(rawValue: reader.linkType) else {
            throw PcapError.unsupportedLinkType(file: path, linkType: reader.linkType,
                                                name: PacketParser.linkTypeNames[reader.linkType] ?? "unknown")
        }
        var analyzer = CaptureAnalyzer(idleGap: options.idleGapNanos)
        try reader.forEach { record in
            switch PacketParser.parse(record.bytes, linkType: linkType, timestampNs: record.timestampNs) {
            case .tcp(let packet):
                analyzer.tcpPacketSeen(packet)
            case .skipped:
                analyzer.otherPacketSeen()
            case .malformed(let reason):
                throw PcapError.malformedPacket(file: path, packetIndex: record.index, byteOffset: record.offset,
                                                reason: reason)
            }
        }
        guard analyzer.tcpPackets > 0 else {
            throw PcapError.noTCPTraffic(file: path, packets: analyzer.otherPackets)
        }
        return analyzer.report(file: path)
    }
}

/// Groups TCP packets into flows. Pure accumulator; flows are kept in first-seen order.
struct CaptureAnalyzer {
    private struct FlowKey: Hashable {
        var a: PeerEndpoint
        var b: PeerEndpoint
        init(_ x: PeerEndpoint, _ y: PeerEndpoint) { (a, b) = x < y ? (x, y) : (y, x) }
    }

    let idleGap: Int64
    private(set) var tcpPackets = 0
    private(set) var otherPackets = 0
    private var flows: [FlowState] = []
    private var index: [FlowKey: Int] = [:]

    init(idleGap: Int64) { self.idleGap = idleGap }

    mutating func otherPacketSeen() { otherPackets += 1 }

    /// - Complexity: amortized O(1).
    mutating func tcpPacketSeen(_ packet: TCPPacketInfo) {
        tcpPackets += 1
        let key = FlowKey(packet.source, packet.destination)
        let pureSyn = packet.flags.contains(.syn) && !packet.flags.contains(.ack)
        if let i = index[key], !(pureSyn && flows[i].up.payloadBytes + flows[i].down.payloadBytes > 0) {
            flows[i].packetSeen(packet, idleGap: idleGap)
            return
        }
        // A new flow, or the 4-tuple reused by a new connection after data was exchanged.
        var flow = FlowState(first: packet)
        flow.packetSeen(packet, idleGap: idleGap)
        index[key] = flows.count
        flows.append(flow)
    }

    func report(file: String) -> CalibrationReport {
        var order: [PeerEndpoint] = []
        var byServer: [PeerEndpoint: [FlowState]] = [:]
        for flow in flows {
            if byServer[flow.server] == nil { order.append(flow.server) }
            byServer[flow.server, default: []].append(flow)
        }
        let destinations = order.map { DestinationReport(server: $0, flows: byServer[$0] ?? []) }
            .sorted { ($0.payloadBytes, $1.server) > ($1.payloadBytes, $0.server) }
        return CalibrationReport(file: file, packets: tcpPackets + otherPackets, tcpPackets: tcpPackets,
                                 otherPackets: otherPackets, destinations: destinations)
    }
}
