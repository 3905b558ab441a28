/// One TCP connection as measured in a capture.
public struct FlowReport: Equatable, Sendable {
    public var client: PeerEndpoint
    public var server: PeerEndpoint
    public var startNs: Int64
    public var endNs: Int64
    public var uploadBytes: Int64
    public var downloadBytes: Int64
    /// Time with data flowing in the dominant direction (bursts separated by more than the idle gap).
    public var activeNanos: Int64
    /// Dominant-direction payload bits per second over `activeNanos`; nil if there was no burst of 2+ segments.
    public var bitsPerSecond: Double?
    public var handshakeRTTNanos: Int64?
    public var dataSegments: Int
    public var retransmittedSegments: Int
    /// Dominant-direction payload bytes that were sent again (`uploadBytes - retransmittedBytes` is the
    /// application's byte count for an upload).
    public var retransmittedBytes: Int64
    public var requests: Int
}

/// Everything measured towards one server address and port.
public struct DestinationReport: Equatable, Sendable {
    public var server: PeerEndpoint
    public var connections: Int
    public var maxConcurrentConnections: Int
    /// The largest number of simultaneous connections from one client address (threads per VM).
    public var maxConcurrentPerClient: Int
    public var clients: Int
    /// Median handshake RTT over connections whose handshake was captured.
    public var handshakeRTTNanos: Int64?
    public var dataAckRTTMinNanos: Int64?
    public var dataAckRTTMedianNanos: Int64?
    /// Sum of dominant-direction payload bits over the union of all flows' active periods.
    public var aggregateBitsPerSecond: Double?
    public var meanFlowBitsPerSecond: Double?
    public var payloadBytes: Int64
    public var dataSegments: Int
    public var retransmittedSegments: Int
    /// `retransmittedSegments / dataSegments` in the dominant direction: the loss estimate.
    public var retransmissionRate: Double
    public var requests: Int
    /// Median Content-Length of captured requests, else the median distance between request starts.
    public var typicalRequestBytes: Int64?
    public var flows: [FlowReport]

    /// The RTT the fragment uses: the handshake median, else the data → ACK minimum, else the data → ACK median;
    /// only a positive one. A capture cut out of a longer run (an export with a window) has no handshake, and ACKs
    /// of data sent before the cut can follow the first captured segment at once, so the minimum can be 0.
    public var rttNanos: Int64? {
        [handshakeRTTNanos, dataAckRTTMinNanos, dataAckRTTMedianNanos].lazy.compactMap { $0 }.first { $0 > 0 }
    }
}

/// The result of `Calibration.analyze`: per-destination estimates, a text summary and a scenario fragment.
public struct CalibrationReport: Equatable, Sendable {
    public var file: String
    public var packets: Int
    public var tcpPackets: Int
    public var otherPackets: Int
    /// Destinations by payload bytes, largest first.
    public var destinations: [DestinationReport]

    /// The destination that carried the most payload (the one the fragment describes).
    public var primary: DestinationReport? { destinations.first }
}

extension DestinationReport {
    init(server: PeerEndpoint, flows states: [FlowState]) {
        self.server = server
        flows = states.map(FlowReport.init)
        connections = states.count
        maxConcurrentConnections = Stats.maxOverlap(states.map { ($0.firstTs, $0.lastTs) })
        var perClient: [IPAddress: [(Int64, Int64)]] = [:]
        for s in states { perClient[s.client.address, default: []].append((s.firstTs, s.lastTs)) }
        maxConcurrentPerClient = perClient.values.map(Stats.maxOverlap).max() ?? 0
        clients = perClient.count
        handshakeRTTNanos = Stats.median(states.compactMap(\.handshakeRTT))
        dataAckRTTMinNanos = states.compactMap(\.dataAckSamples.minimum).min()
        dataAckRTTMedianNanos = Stats.median(states.flatMap(\.dataAckSamples.kept))
        let bursts = states.flatMap { $0.dominant.bursts }
        let union = Stats.unionLength(bursts.map { ($0.start, $0.end) })
        let burstBytes = bursts.reduce(Int64(0)) { $0 + $1.bytes }
        aggregateBitsPerSecond = union > 0 ? Double(burstBytes) * 8e9 / Double(union) : nil
        let rates = flows.compactMap(\.bitsPerSecond)
        meanFlowBitsPerSecond = rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
        payloadBytes = states.reduce(0) { $0 + $1.up.payloadBytes + $1.down.payloadBytes }
        dataSegments = states.reduce(0) { $0 + $1.dominant.dataSegments }
        retransmittedSegments = states.reduce(0) { $0 + $1.dominant.retransmittedSegments }
        retransmissionRate = dataSegments > 0 ? Double(retransmittedSegments) / Double(dataSegments) : 0
        requests = states.reduce(0) { $0 + $1.up.requestStarts.count }
        if let length = Stats.median(states.flatMap(\.up.contentLengths)) {
            typicalRequestBytes = length
        } else {
            let sizes = states.flatMap { flow -> [Int64] in
                let starts = flow.up.requestStarts + [flow.up.sequenceSpan]
                return zip(starts, starts.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }
            }
            typicalRequestBytes = Stats.median(sizes)
        }
    }
}

extension FlowReport {
    init(_ s: FlowState) {
        client = s.client
        server = s.server
        startNs = s.firstTs
        endNs = s.lastTs
        uploadBytes = s.up.payloadBytes
        downloadBytes = s.down.payloadBytes
        let bursts = s.dominant.bursts
        activeNanos = bursts.reduce(0) { $0 + $1.end - $1.start }
        let bytes = bursts.reduce(Int64(0)) { $0 + $1.bytes }
        bitsPerSecond = activeNanos > 0 ? Double(bytes) * 8e9 / Double(activeNanos) : nil
        handshakeRTTNanos = s.handshakeRTT
        dataSegments = s.dominant.dataSegments
        retransmittedSegments = s.dominant.retransmittedSegments
        retransmittedBytes = s.dominant.retransmittedBytes
        requests = s.up.requestStarts.count
    }
}

/// Small order statistics over arrays (sorting copies; inputs are per-flow or per-sample lists).
enum Stats {
    /// Lower median; nil for an empty list. - Complexity: O(n log n).
    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }

    /// Largest number of intervals open at once; an interval ending when another starts does not overlap it.
    /// - Complexity: O(n log n).
    static func maxOverlap(_ intervals: [(Int64, Int64)]) -> Int {
        let events = intervals.flatMap { [($0.0, 1), ($0.1, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var open = 0
        var best = 0
        for (_, delta) in events {
            open += delta
            best = max(best, open)
        }
        return best
    }

    /// Total length covered by the union of intervals. - Complexity: O(n log n).
    static func unionLength(_ intervals: [(Int64, Int64)]) -> Int64 {
        var total: Int64 = 0
        var current: (Int64, Int64)?
        for (start, end) in intervals.sorted(by: { $0.0 < $1.0 }) {
            if let c = current, start <= c.1 {
                current = (c.0, max(c.1, end))
            } else {
                if let c = current { total += c.1 - c.0 }
                current = (start, end)
            }
        }
        if let c = current { total += c.1 - c.0 }
        return total
    }
}
