#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// The loss response of a path's TCP senders.
public enum CongestionControl: String, Sendable, Codable, CaseIterable {
    /// Reno / NewReno: Mathis et al. 1997.
    case reno
    /// CUBIC: RFC 9438 (obsoletes RFC 8312).
    case cubic
}

/// What a path looks like to TCP: round-trip time, packet loss rate, the senders' congestion control and the
/// bottleneck's queue.
public struct PathCharacteristics: Sendable, Equatable {
    public var rttSeconds: Double
    public var lossRate: Double
    public var congestionControl: CongestionControl
    /// The queue (router buffer, or policer burst size) in front of the path's link, in full-size packets; nil
    /// for a queue deep enough that no burst overflows it (the default). When set, a connection's window burst
    /// at each chunk start can overflow it (`QueueBurstWindow`).
    public var queuePackets: Double?

    public init(
        rttSeconds: Double, lossRate: Double = 0, congestionControl: CongestionControl = .cubic,
        queuePackets: Double? = nil
    ) {
        self.rttSeconds = rttSeconds
        self.lossRate = lossRate
        self.congestionControl = congestionControl
        self.queuePackets = queuePackets
    }

    func validated(_ where_: String) throws -> PathCharacteristics {
        try requirePositive(rttSeconds, "\(where_).rttSeconds")
        try requireFraction(lossRate, "\(where_).lossRate")
        if let queuePackets { try requirePositive(queuePackets, "\(where_).queuePackets") }
        return self
    }
}

/// How a sender grows its congestion window from ACKs.
public enum AckCounting: String, Sendable, Codable, CaseIterable {
    /// Per acknowledged segment (RFC 3465 appropriate byte counting; Linux counts `acked` segments in
    /// `tcp_slow_start` / `tcp_cong_avoid_ai`): slow start doubles per RTT, Mathis constant √(3/2).
    case perSegment
    /// Per ACK, whatever it covers (ns-3 3.37 `TcpNewReno`, validation/ns3/NOTES.md item 1): with delayed ACKs
    /// every b segments, slow start grows ×(1 + 1/b) per RTT and the Mathis constant is √(3/(2b)).
    case perAck
}

/// Which CUBIC loss response to use.
public enum CubicResponse: String, Sendable, Codable, CaseIterable {
    /// RFC 9438 §5 / RFC 8312 §5.2: 1.054·(RTT/p)^0.75 segments, never below the Reno-friendly window.
    case rfc9438
    /// ns-3 3.37 `TcpCubic` (no Reno-friendly region): fitted to the ns-3 random-loss points
    /// (validation/ns3/NOTES.md observation 4) as max(1.25 × the pure cubic response, the per-ACK Reno window).
    case ns3
}

/// Per-connection TCP settings.
public struct TCPParameters: Sendable, Equatable {
    /// Maximum segment size in bytes (1460 for a 1500-byte MTU).
    public var mssBytes: Int
    /// Window limit in bytes (receive window or send buffer), or nil for none. Windows before receive-window
    /// auto-tuning used 65,535 bytes (docs/sources.md §5.2).
    public var windowBytes: Int?
    /// Model slow start at all (off gives the steady-state caps from the first byte).
    public var slowStart: Bool
    /// Initial window in segments: 10 (RFC 6928).
    public var initialWindowSegments: Int
    /// Restart slow start after an idle period longer than the RTO: Linux `tcp_slow_start_after_idle`, default 1
    /// (RFC 2861 behaviour; docs/sources.md §5.2).
    public var slowStartAfterIdle: Bool
    /// Window growth per acknowledged segment (Linux, default) or per ACK (ns-3 NewReno).
    public var ackCounting: AckCounting
    /// Segments per ACK b with delayed ACKs (RFC 1122 §4.2.3.2 / RFC 5681 §4.2: every second segment): 2.
    public var delayedAckSegments: Int
    /// CUBIC loss response (RFC 9438 by default).
    public var cubicResponse: CubicResponse
    /// Full-size packets at the path's slowest resource added to the RTT of the window limit: the data packet's
    /// and its ACK partner's serialisation (store-and-forward; ns-3 measured 2.27 ms at 2 ms base RTT and
    /// 100 Mbit/s, validation/ns3/NOTES.md observation 2): 2 models that; 0 (default) gives the pure
    /// window / RTT of docs/sources.md §5.2. Under 1 % at ≥ 10 ms RTT or ≥ 1 Gbit/s.
    public var serialisationPackets: Double

    public init(
        mssBytes: Int = 1460, windowBytes: Int? = nil, slowStart: Bool = true, initialWindowSegments: Int = 10,
        slowStartAfterIdle: Bool = true, ackCounting: AckCounting = .perSegment, delayedAckSegments: Int = 2,
        cubicResponse: CubicResponse = .rfc9438, serialisationPackets: Double = 0
    ) {
        self.mssBytes = mssBytes
        self.windowBytes = windowBytes
        self.slowStart = slowStart
        self.initialWindowSegments = initialWindowSegments
        self.slowStartAfterIdle = slowStartAfterIdle
        self.ackCounting = ackCounting
        self.delayedAckSegments = delayedAckSegments
        self.cubicResponse = cubicResponse
        self.serialisationPackets = serialisationPackets
    }

    /// The Mathis constant for this ACK counting: √(3/2) per segment, √(3/(2b)) per ACK (Mathis et al. 1997 §2,
    /// "b packets per ACK").
    public var mathisConstant: Double {
        switch ackCounting {
        case .perSegment: (1.5).squareRoot()
        case .perAck: (1.5 / Double(delayedAckSegments)).squareRoot()
        }
    }

    /// Slow-start growth factor per RTT: 2 per segment (RFC 5681 §3.1 with RFC 3465), 1 + 1/b per ACK (ns-3
    /// measured ×1.5 with b = 2: 10, 11, 16, 23, 34, 50 … segments, validation/ns3/NOTES.md item 1).
    public var slowStartGrowth: Double {
        switch ackCounting {
        case .perSegment: 2
        case .perAck: 1 + 1 / Double(delayedAckSegments)
        }
    }

    func validated(_ where_: String) throws -> TCPParameters {
        try requirePositive(Double(mssBytes), "\(where_).mssBytes")
        try requirePositive(Double(initialWindowSegments), "\(where_).initialWindowSegments")
        try requirePositive(Double(delayedAckSegments), "\(where_).delayedAckSegments")
        if !(serialisationPackets >= 0 && serialisationPackets.isFinite) {
            throw NetModelError.invalidValue(
                field: "\(where_).serialisationPackets", value: serialisationPackets, expected: "a finite number ≥ 0")
        }
        if let windowBytes { try requirePositive(Double(windowBytes), "\(where_).windowBytes") }
        return self
    }
}

/// TCP throughput limits of one connection, in bits/s. Pure functions; each cites its source.
public enum TCPCaps {
    /// Window limit: window / RTT. Source: the bandwidth-delay product (docs/sources.md §5.2; Windows Server docs
    /// "throughput = window / latency": 64 KiB at 10 ms ≈ 52.4 Mbit/s).
    public static func window(bytes: Int, rttSeconds: Double) -> Double {
        Double(bytes) * 8 / rttSeconds
    }

    /// Reno loss limit, Mathis et al. 1997 (CCR 27(3)): MSS/RTT · C/√p with C = √(3/2) ≈ 1.22 for growth per
    /// acknowledged segment, √(3/(2b)) for growth per ACK with b segments per ACK (`constant`). Valid for light
    /// to moderate loss without timeouts (p up to about 2 %; above that PFTK applies, not modelled).
    /// RTT 50 ms, p = 1e-4, MSS 1460 → ≈ 28.6 Mbit/s. Infinite for p = 0.
    public static func mathis(
        mssBytes: Int, rttSeconds: Double, lossRate p: Double, constant: Double = (1.5).squareRoot()
    ) -> Double {
        guard p > 0 else { return .infinity }
        return Double(mssBytes) * 8 / rttSeconds * constant / p.squareRoot()
    }

    /// The pure cubic response of RFC 9438 §5 / RFC 8312 §5.2 eq. 5-7 (C = 0.4, β = 0.7), in segments:
    /// 1.054 · RTT^0.75 / p^0.75 (RTT in seconds).
    public static func cubicSegments(rttSeconds: Double, lossRate p: Double) -> Double {
        1.054 * pow(rttSeconds, 0.75) / pow(p, 0.75)
    }

    /// CUBIC loss limit, RFC 9438 §5 / RFC 8312 eq. 5-7: average window 1.054 · RTT^0.75 / p^0.75 segments
    /// (C = 0.4, β = 0.7), but never below the Reno-friendly window (the Mathis window, which CUBIC's
    /// Reno-friendly region tracks). RTT 10 ms, p = 1e-6, 1500-byte packets → ≈ 1,200 segments ≈ 1.44 Gbit/s.
    public static func cubic(mssBytes: Int, rttSeconds: Double, lossRate p: Double) -> Double {
        guard p > 0 else { return .infinity }
        let renoSegments = (1.5).squareRoot() / p.squareRoot()
        return Swift.max(cubicSegments(rttSeconds: rttSeconds, lossRate: p), renoSegments) * Double(mssBytes) * 8
            / rttSeconds
    }

    /// ns-3 3.37 `TcpCubic` under random loss: max(1.25 × the pure cubic response, the per-ACK Reno window
    /// √(3/(2b))/√p). An empirical fit, not a derivation: ns-3 runs at 1.05-1.35 × the pure response (random
    /// rather than periodic loss raises the mean cubic window), and where that response is small they track
    /// ns-3 NewReno (validation/ns3/NOTES.md observation 4; docs/accuracy.md). 100 ms, p = 1e-3, MSS 1448 →
    /// ≈ 4.8 Mbit/s (ns-3: 5.07 mean of 8 runs).
    public static func cubicNS3(mssBytes: Int, rttSeconds: Double, lossRate p: Double, delayedAckSegments b: Int)
        -> Double
    {
        guard p > 0 else { return .infinity }
        let renoSegments = (1.5 / Double(b)).squareRoot() / p.squareRoot()
        return Swift.max(1.25 * cubicSegments(rttSeconds: rttSeconds, lossRate: p), renoSegments)
            * Double(mssBytes) * 8 / rttSeconds
    }

    /// Loss limit for the path's congestion control with the connection's ACK counting and CUBIC response.
    public static func loss(_ path: PathCharacteristics, tcp: TCPParameters) -> Double {
        let (mss, rtt, p) = (tcp.mssBytes, path.rttSeconds, path.lossRate)
        switch path.congestionControl {
        case .reno:
            return mathis(mssBytes: mss, rttSeconds: rtt, lossRate: p, constant: tcp.mathisConstant)
        case .cubic:
            switch tcp.cubicResponse {
            case .rfc9438: return cubic(mssBytes: mss, rttSeconds: rtt, lossRate: p)
            case .ns3:
                return cubicNS3(mssBytes: mss, rttSeconds: rtt, lossRate: p, delayedAckSegments: tcp.delayedAckSegments)
            }
        }
    }

    /// Loss limit for the path's congestion control with Linux defaults (per-segment counting, RFC 9438).
    public static func loss(_ path: PathCharacteristics, mssBytes: Int) -> Double {
        loss(path, tcp: TCPParameters(mssBytes: mssBytes))
    }

    /// Window limit with serialisation: window / (RTT + k · packet time at `bottleneckBitsPerSecond`), a full-size
    /// packet being MSS + 54 bytes (TCP/IP with timestamps, 52, plus 2 framing). k = 0 or an infinite capacity
    /// gives `window(bytes:rttSeconds:)`. 16 KiB, 2 ms, 100 Mbit/s, k = 2 → 58.3 Mbit/s (ns-3: 57.2 with the gap).
    public static func window(
        bytes: Int, rttSeconds: Double, mssBytes: Int, bottleneckBitsPerSecond: Double, packets k: Double
    ) -> Double {
        window(
            bytes: bytes,
            rttSeconds: serialisedRTT(
                rttSeconds: rttSeconds, mssBytes: mssBytes, bottleneckBitsPerSecond: bottleneckBitsPerSecond,
                packets: k))
    }

    /// RTT + k · the time a full-size packet (MSS + 54 bytes) takes at `bottleneckBitsPerSecond` (plain RTT for an
    /// infinite capacity): the round trip a window-limited flow sees (`window(bytes:rttSeconds:mssBytes:…)`).
    public static func serialisedRTT(
        rttSeconds: Double, mssBytes: Int, bottleneckBitsPerSecond: Double, packets k: Double
    ) -> Double {
        let packetTime = bottleneckBitsPerSecond.isFinite ? Double(mssBytes + 54) * 8 / bottleneckBitsPerSecond : 0
        return rttSeconds + k * packetTime
    }

    /// Share of a link's bit rate left for TCP payload: MSS / (MSS + per-packet overhead), the overhead being
    /// TCP/IP headers with options plus link framing. 1448 / (1448 + 52 + 2) = 0.964 for ns-3's PointToPoint
    /// (PPP) with timestamps; 1460 / (1460 + 40 + 38) = 0.949 for Ethernet without timestamps (preamble, header,
    /// FCS, inter-frame gap: 38 bytes).
    public static func payloadEfficiency(mssBytes: Int, overheadBytes: Int) -> Double {
        Double(mssBytes) / Double(mssBytes + overheadBytes)
    }

    /// Slow-start limit: cwnd segments per RTT. cwnd starts at the initial window (RFC 6928: 10 segments) and
    /// doubles every RTT (RFC 5681 §3.1) until it exceeds the steady-state limit.
    public static func slowStart(cwndSegments: Double, mssBytes: Int, rttSeconds: Double) -> Double {
        cwndSegments * Double(mssBytes) * 8 / rttSeconds
    }

    /// Retransmission timeout used for the idle test: max(200 ms, 3 · RTT). Linux's minimum RTO is 200 ms
    /// (`TCP_RTO_MIN`); RFC 6298's SRTT + 4·RTTVAR is approximated by 3 · RTT for a stable path. An assumption,
    /// documented here because RFC 6298 itself asks for a 1 s minimum.
    public static func retransmissionTimeout(rttSeconds: Double) -> Double {
        Swift.max(0.2, 3 * rttSeconds)
    }
}

extension TCPParameters {
    /// The slow-start window for the model's cwnd, which starts at the initial window and doubles every RTT:
    /// IW · (cwnd / IW)^log2(g) with g = `slowStartGrowth` (identity for g = 2, ×1.5 per RTT for per-ACK growth
    /// with b = 2).
    public func effectiveSlowStartWindow(modelWindow cwnd: Double) -> Double {
        let growth = slowStartGrowth
        guard growth != 2 else { return cwnd }
        let initial = Double(initialWindowSegments)
        return initial * pow(cwnd / initial, log2(growth))
    }
}

/// The cap of one connection on one path at an instant, with the constraint that sets it.
struct ConnectionCap: Equatable {
    var bitsPerSecond: Double
    var reason: Bottleneck
    /// Whether slow start is over (the slow-start limit reached the steady-state limit).
    var slowStartDone: Bool
}

extension TCPParameters {
    /// The binding TCP cap for `cwnd` (nil when not in slow start) on `path`, where `pathCapacity` is the
    /// smallest nominal capacity on the path (slow start ends once it exceeds min(steady cap, pathCapacity)).
    /// `burstCap` is the queue-burst limit of the transfer in flight (`QueueBurstWindow`), nil where it does not
    /// apply; it counts as a loss limit (the losses are the queue's).
    func cap(path: PathCharacteristics, cwndSegments: Double?, pathCapacity: Double, burstCap: Double? = nil)
        -> ConnectionCap
    {
        var best = ConnectionCap(bitsPerSecond: .infinity, reason: .other, slowStartDone: true)
        if let windowBytes {
            let window = TCPCaps.window(
                bytes: windowBytes, rttSeconds: path.rttSeconds, mssBytes: mssBytes,
                bottleneckBitsPerSecond: pathCapacity, packets: serialisationPackets)
            best = ConnectionCap(bitsPerSecond: window, reason: .window, slowStartDone: true)
        }
        let loss = Swift.min(TCPCaps.loss(path, tcp: self), burstCap ?? .infinity)
        if loss < best.bitsPerSecond { best = ConnectionCap(bitsPerSecond: loss, reason: .loss, slowStartDone: true) }
        if let cwndSegments {
            let ss = TCPCaps.slowStart(
                cwndSegments: effectiveSlowStartWindow(modelWindow: cwndSegments), mssBytes: mssBytes,
                rttSeconds: path.rttSeconds)
            if ss < Swift.min(best.bitsPerSecond, pathCapacity) {
                best = ConnectionCap(bitsPerSecond: ss, reason: .slowStart, slowStartDone: false)
            }
        }
        return best
    }
}
