/// The network between the hosts and the storage account.
public struct Network: Sendable, Equatable, Codable {
    /// The ExpressRoute circuit (public/Microsoft peering, docs/sources.md §0); nil when replication goes over the
    /// internet only (then `fallbackPaths` must not be empty and the first one carries the traffic).
    public var circuit: Circuit?
    /// TCP settings of every upload connection.
    public var tcp: TCPSettings
    /// Internet paths, in preference order; traffic moves to the first one when the circuit is detected down.
    public var fallbackPaths: [FallbackPath]
}

/// An ExpressRoute circuit: a primary and a secondary connection (docs/sources.md §4).
public struct Circuit: Sendable, Equatable, Codable {
    /// Procured bandwidth B in bits/s (required, > 0). 2015 offers: 10 Mbps ... 10 Gbps (docs/sources.md §4).
    public var bandwidthBitsPerSecond: Double
    /// Round-trip time in ns (default 2 ms; docs/sources.md §4 has no published ER RTT, 2 ms is the reference case).
    public var rttNanoseconds: Int64
    /// Packet-loss probability in [0, 1) (default 0).
    public var loss: Double
    /// How the circuit is policed (default `.dual`).
    public var policer: Policer
    /// Bytes a burst can put ahead of the circuit's rate before packets drop (router buffer or policer burst
    /// size), or nil (default) for one deep enough that no burst overflows. When set, a connection whose whole
    /// window leaves the host at the NIC's rate at each chunk start can overflow it and cut its window
    /// (docs/accuracy.md; a 1-BDP queue costs a single flow up to 15 %).
    public var queueBytes: Int64? = nil
}

/// Circuit policing model.
public enum Policer: String, Sendable, Equatable, Codable, CaseIterable {
    /// Each connection policed at B: up to 2B with both up ("burst to two times", docs/sources.md §4), B with one down.
    case dual
    /// One policer at B whatever the connections' state.
    case single
}

/// Congestion-control response used for loss-limited throughput.
public enum TCPVariant: String, Sendable, Equatable, Codable, CaseIterable {
    /// RFC 9438 response function, the larger of CUBIC and Reno-friendly (docs/sources.md §5.2).
    case cubic
    /// Mathis et al. 1997, MSS/RTT · 1.22/√p (docs/sources.md §5.2).
    case reno
}

/// TCP settings of each upload connection.
public struct TCPSettings: Sendable, Equatable, Codable {
    /// Congestion control (default `.cubic`).
    public var variant: TCPVariant
    /// Maximum segment size in bytes, 536...9000 (default 1460, docs/sources.md §7).
    public var mssBytes: Int64
    /// Initial congestion window in segments, 1...100 (default 10, RFC 6928).
    public var initialWindowSegments: Int
    /// Receive window in bytes (default 16 MiB: Windows "Normal" auto-tuning, 64 KiB × 2⁸, docs/sources.md §5.2/§7).
    public var receiveWindowBytes: Int64
    /// Restart slow start after an idle period longer than the RTO (default true, Linux default, docs/sources.md §5.2).
    public var slowStartAfterIdle: Bool
    /// Window growth per acknowledged segment (Linux, RFC 3465; default) or per ACK (ns-3 NewReno).
    public var ackCounting: TCPAckCounting = .perSegment
    /// Segments per ACK with delayed ACKs, 1...8 (default 2, RFC 5681 §4.2).
    public var delayedAckSegments: Int = 2
    /// CUBIC loss response (default `.rfc9438`; `.ns3` for ns-3 3.37's TcpCubic).
    public var cubicResponse: TCPCubicResponse = .rfc9438
    /// Per-packet bytes besides the payload that the circuit's and paths' bit rates carry (TCP/IP headers,
    /// options, link framing), 0...200. Capacities are scaled by MSS / (MSS + this). Default 0: capacities are
    /// payload capacities (78 for Ethernet without timestamps, 54 for ns-3's PPP with timestamps).
    public var wireOverheadBytes: Int64 = 0
    /// Full-size packets at the slowest link added to the RTT of the window limit, 0...10 (default 0: window /
    /// RTT; 2 = a data packet and its delayed-ACK partner, as ns-3 measured at 2 ms / 100 Mbit/s).
    public var windowSerialisationPackets: Double = 0

    /// The share of a link's bit rate left for payload: MSS / (MSS + `wireOverheadBytes`).
    public var payloadEfficiency: Double { Double(mssBytes) / Double(mssBytes + wireOverheadBytes) }
}

/// How TCP senders count ACKs for window growth. YAML `ackCounting: per-segment | per-ack`.
public enum TCPAckCounting: String, Sendable, Equatable, Codable, CaseIterable {
    /// Per acknowledged segment (Linux; RFC 3465 byte counting): Mathis constant √(3/2), slow start ×2 per RTT.
    case perSegment = "per-segment"
    /// Per ACK (ns-3 3.37 NewReno): with b segments per ACK, Mathis constant √(3/(2b)), slow start ×(1 + 1/b).
    case perAck = "per-ack"
}

/// Which CUBIC loss response to use. YAML `cubicResponse: rfc9438 | ns3`.
public enum TCPCubicResponse: String, Sendable, Equatable, Codable, CaseIterable {
    /// RFC 9438: the larger of the cubic response and the Reno-friendly window (docs/sources.md §5.2).
    case rfc9438
    /// ns-3 3.37 TcpCubic (no Reno-friendly region), fitted: docs/accuracy.md.
    case ns3
}

/// An internet fallback path.
public struct FallbackPath: Sendable, Equatable, Codable {
    /// Unique name (default `internet-N`).
    public var name: String
    /// Capacity in bits/s (required, > 0).
    public var capacityBitsPerSecond: Double
    /// Round-trip time in ns (default 50 ms; docs/sources.md §5.1 planning range 20-150 ms, unconfirmed).
    public var rttNanoseconds: Int64
    /// Packet-loss probability in [0, 1) (default 1e-4; docs/sources.md §5.1 range 1e-4..1e-2, unconfirmed).
    public var loss: Double
    /// Share of capacity taken by other traffic (default `.constant(0)`).
    public var crossTraffic: CrossTraffic
    /// The path bottleneck's queue in bytes, as `Circuit.queueBytes` (default nil: deep enough).
    public var queueBytes: Int64? = nil
}

/// Cross traffic on a fallback path, as a share of its capacity in [0, 1).
public enum CrossTraffic: Sendable, Equatable, Codable {
    /// The same share all the time. YAML `crossTraffic: 30%`.
    case constant(share: Double)
    /// Piecewise constant: each point's share holds from its time to the next; before the first point 0.
    /// YAML `crossTraffic: [{at: 0s, share: 10%}, {at: 8h, share: 60%}]`, times strictly increasing.
    case profile([CrossTrafficPoint])
}

/// One step of a cross-traffic profile.
public struct CrossTrafficPoint: Sendable, Equatable, Codable {
    /// Simulated time in ns at which `share` starts.
    public var timeNanoseconds: Int64
    /// Share of capacity in [0, 1).
    public var share: Double
}

/// The storage account's scalability targets (docs/sources.md §3.1, §3.2).
public struct StorageAccount: Sendable, Equatable, Codable {
    /// Preset the values started from (`us-grs-2015`, …; default `major-region-2025`); explicit keys override it.
    public var preset: String
    /// Account ingress cap in bits/s.
    public var ingressBitsPerSecond: Double
    /// Account request-rate cap in requests/s.
    public var requestsPerSecond: Double
    /// Per page blob throughput cap in bits/s (default 60 MiB/s = 503.3 Mbit/s, docs/sources.md §3.2).
    public var blobBitsPerSecond: Double
    /// Per blob request-rate cap in requests/s (default 500, docs/sources.md §3.2).
    public var blobRequestsPerSecond: Double
    /// Median server latency per request in ns (default 5 ms; replsim assumption, no published figure).
    public var serverLatencyMedianNanoseconds: Int64
    /// σ of the lognormal server latency (of ln latency; default 0.5; replsim assumption), ≥ 0.
    public var serverLatencySigma: Double
}
