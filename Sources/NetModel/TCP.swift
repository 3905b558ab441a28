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

/// What a path looks like to TCP: round-trip time, packet loss rate and the senders' congestion control.
public struct PathCharacteristics: Sendable, Equatable {
    public var rttSeconds: Double
    public var lossRate: Double
    public var congestionControl: CongestionControl

    public init(rttSeconds: Double, lossRate: Double = 0, congestionControl: CongestionControl = .cubic) {
        self.rttSeconds = rttSeconds
        self.lossRate = lossRate
        self.congestionControl = congestionControl
    }

    func validated(_ where_: String) throws -> PathCharacteristics {
        try requirePositive(rttSeconds, "\(where_).rttSeconds")
        try requireFraction(lossRate, "\(where_).lossRate")
        return self
    }
}

/// Per-connection TCP settings.
public struct TCPParameters: Sendable, Equatable {
    /// Maximum segment size in bytes (1460 for a 1500-byte MTU).
    public var mssBytes: Int
    /// Window limit in bytes (receive window or send buffer), or nil for none. Windows before receive-window
    /// auto-tuning used 65,535 bytes (DOMAIN.md §5.2).
    public var windowBytes: Int?
    /// Model slow start at all (off gives the steady-state caps from the first byte).
    public var slowStart: Bool
    /// Initial window in segments: 10 (RFC 6928).
    public var initialWindowSegments: Int
    /// Restart slow start after an idle period longer than the RTO: Linux `tcp_slow_start_after_idle`, default 1
    /// (RFC 2861 behaviour; DOMAIN.md §5.2).
    public var slowStartAfterIdle: Bool

    public init(
        mssBytes: Int = 1460, windowBytes: Int? = nil, slowStart: Bool = true, initialWindowSegments: Int = 10,
        slowStartAfterIdle: Bool = true
    ) {
        self.mssBytes = mssBytes
        self.windowBytes = windowBytes
        self.slowStart = slowStart
        self.initialWindowSegments = initialWindowSegments
        self.slowStartAfterIdle = slowStartAfterIdle
    }

    func validated(_ where_: String) throws -> TCPParameters {
        try requirePositive(Double(mssBytes), "\(where_).mssBytes")
        try requirePositive(Double(initialWindowSegments), "\(where_).initialWindowSegments")
        if let windowBytes { try requirePositive(Double(windowBytes), "\(where_).windowBytes") }
        return self
    }
}

/// TCP throughput limits of one connection, in bits/s. Pure functions; each cites its source.
public enum TCPCaps {
    /// Window limit: window / RTT. Source: the bandwidth-delay product (DOMAIN.md §5.2; Windows Server docs
    /// "throughput = window / latency": 64 KiB at 10 ms ≈ 52.4 Mbit/s).
    public static func window(bytes: Int, rttSeconds: Double) -> Double {
        Double(bytes) * 8 / rttSeconds
    }

    /// Reno loss limit, Mathis et al. 1997 (CCR 27(3)): MSS/RTT · C/√p with C = √(3/2) ≈ 1.22. Valid for light
    /// to moderate loss without timeouts (p up to about 2 %; above that PFTK applies, not modelled).
    /// RTT 50 ms, p = 1e-4, MSS 1460 → ≈ 28.6 Mbit/s. Infinite for p = 0.
    public static func mathis(mssBytes: Int, rttSeconds: Double, lossRate p: Double) -> Double {
        guard p > 0 else { return .infinity }
        return Double(mssBytes) * 8 / rttSeconds * (1.5).squareRoot() / p.squareRoot()
    }

    /// CUBIC loss limit, RFC 9438 §5 / RFC 8312 eq. 5-7: average window 1.054 · RTT^0.75 / p^0.75 segments
    /// (C = 0.4, β = 0.7), but never below the Reno-friendly window (the Mathis window, which CUBIC's
    /// Reno-friendly region tracks). RTT 10 ms, p = 1e-6, 1500-byte packets → ≈ 1,200 segments ≈ 1.44 Gbit/s.
    public static func cubic(mssBytes: Int, rttSeconds: Double, lossRate p: Double) -> Double {
        guard p > 0 else { return .infinity }
        let cubicSegments = 1.054 * pow(rttSeconds, 0.75) / pow(p, 0.75)
        let renoSegments = (1.5).squareRoot() / p.squareRoot()
        return Swift.max(cubicSegments, renoSegments) * Double(mssBytes) * 8 / rttSeconds
    }

    /// Loss limit for the path's congestion control.
    public static func loss(_ path: PathCharacteristics, mssBytes: Int) -> Double {
        switch path.congestionControl {
        case .reno: mathis(mssBytes: mssBytes, rttSeconds: path.rttSeconds, lossRate: path.lossRate)
        case .cubic: cubic(mssBytes: mssBytes, rttSeconds: path.rttSeconds, lossRate: path.lossRate)
        }
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
    func cap(path: PathCharacteristics, cwndSegments: Double?, pathCapacity: Double) -> ConnectionCap {
        var best = ConnectionCap(bitsPerSecond: .infinity, reason: .other, slowStartDone: true)
        if let windowBytes {
            best = ConnectionCap(
                bitsPerSecond: TCPCaps.window(bytes: windowBytes, rttSeconds: path.rttSeconds), reason: .window,
                slowStartDone: true)
        }
        let loss = TCPCaps.loss(path, mssBytes: mssBytes)
        if loss < best.bitsPerSecond { best = ConnectionCap(bitsPerSecond: loss, reason: .loss, slowStartDone: true) }
        if let cwndSegments {
            let ss = TCPCaps.slowStart(cwndSegments: cwndSegments, mssBytes: mssBytes, rttSeconds: path.rttSeconds)
            if ss < Swift.min(best.bitsPerSecond, pathCapacity) {
                best = ConnectionCap(bitsPerSecond: ss, reason: .slowStart, slowStartDone: false)
            }
        }
        return best
    }
}
