#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// The path facts the queue-burst model needs, in packets of MSS payload and seconds.
public struct QueueBurstPath: Sendable, Equatable {
    /// Bottleneck queue (router buffer or policer burst size) in full-size packets.
    public var queuePackets: Double
    /// Bandwidth-delay product of the bottleneck link in packets: C · RTT / (8 · MSS).
    public var bdpPackets: Double
    /// Bottleneck capacity over the rate the sender's burst arrives at (its slowest host-side resource), in
    /// [0, 1]; 0 for an unlimited host side.
    public var drainRatio: Double
    /// Round-trip time in seconds (the window limit's RTT, serialisation included).
    public var rttSeconds: Double
    /// Receive (or send-buffer) window in packets; infinity for none.
    public var windowPackets: Double

    public init(
        queuePackets: Double, bdpPackets: Double, drainRatio: Double, rttSeconds: Double, windowPackets: Double
    ) {
        self.queuePackets = queuePackets
        self.bdpPackets = bdpPackets
        self.drainRatio = drainRatio
        self.rttSeconds = rttSeconds
        self.windowPackets = windowPackets
    }

    /// The largest window whose burst fits the queue: a window of W packets sent back to back at the access
    /// rate a into a link draining at C leaves W · (1 − C/a) packets queued, so it overflows beyond
    /// Q / (1 − C/a). Infinite when the host side is no faster than the link.
    public var burstLimitPackets: Double {
        drainRatio >= 1 ? .infinity : queuePackets / (1 - drainRatio)
    }

    /// Whether the window can overflow the queue at all: it can grow past the burst limit (a burst at a chunk
    /// start) or past BDP + Q (in flight, the textbook sawtooth, whatever the host's rate).
    public var canOverflow: Bool { windowPackets > Swift.min(burstLimitPackets, bdpPackets + queuePackets) }
}

/// Congestion-avoidance window of one loss-based connection from chunk to chunk, on a path whose bottleneck has a
/// finite queue (`PathCharacteristics.queuePackets`). Pure value: `send(packets:)` advances it over one transfer.
///
/// **Why.** A connection that uploads a chunk, waits for the reply and uploads the next has lost its ACK clock at
/// each chunk start: the whole congestion window leaves at the host's rate. Into a queue of Q packets draining at
/// C, that burst overflows once W > Q / (1 − C/a) (`QueueBurstPath.burstLimitPackets`), and the sender cuts its
/// window (β = 0.5 NewReno, RFC 5681 §3.2; 0.7 CUBIC, RFC 9438 §4.6). Between chunks the window regrows by the
/// sender's own rule, so it saws between β·W_b and W_b — below the BDP when W_b is near it. A single NewReno flow
/// at 1 Gbit/s / 2 ms with a 1-BDP queue and a = 10·C (validation/ns3, `a-n-2ms-big-1g-1x1`) saws between 93 and
/// 185 packets around a BDP of 167: ns-3 measured 681 Mbit/s where window / RTT predicts 803.
///
/// Within a transfer the ACK clock paces the sender at C, so the queue overflows only past BDP + Q, as in the
/// textbook sawtooth (Appenzeller et al., "Sizing router buffers", SIGCOMM 2004, §2). Growth: Reno adds `alpha`
/// packets per RTT (1 per segment counting, 1/b per ACK with delayed ACKs; ns-3 NewReno, NOTES item 1); while the
/// window is below the BDP a window W sends W packets per RTT, so per packet dW = alpha / W and dt = RTT / W, which
/// integrates in closed form. CUBIC grows with time since the last cut, W(t) = 0.4 (t − K)³ + W_max (RFC 9438
/// §4.2), with RFC 9438's Reno-friendly window as a floor when `renoFriendly`; it is integrated numerically.
///
/// The model treats the connection as if it had the bottleneck to itself: it bounds what one flow can get. With
/// two or more flows sharing the link each flow's share is at most C/2, below this bound, and the max-min
/// allocation decides (ns-3 at ≥ 2 flows shows no burst cost, docs/accuracy.md).
public struct QueueBurstWindow: Sendable, Equatable {
    /// How the window grows between losses.
    public enum Growth: Sendable, Equatable {
        /// Reno / NewReno: `alpha` packets per RTT.
        case reno(alpha: Double)
        /// CUBIC: RFC 9438 cubic function of time; `renoFriendly` adds RFC 9438 §4.3's floor (Linux), ns-3 3.37's
        /// TcpCubic has none.
        case cubic(renoFriendly: Bool)
    }

    /// RFC 9438 §4.1 constant C of the cubic function, in packets / s³.
    public static let cubicC = 0.4

    public var growth: Growth
    /// Multiplicative decrease β.
    public var beta: Double
    /// The congestion window in packets.
    public private(set) var windowPackets: Double
    /// CUBIC: W_max (the window before the last cut, lowered by fast convergence), the window right after the
    /// cut (cwnd_epoch) and the sending time since it.
    public private(set) var windowMaxPackets: Double
    public private(set) var windowAtCutPackets: Double
    public private(set) var secondsSinceCut: Double
    /// Window cuts so far (bursts at chunk starts plus in-flight overflows).
    public private(set) var cuts = 0
    /// CUBIC: the steps the last `send` took (about 256 plus its cuts; `maxCubicSteps` bounds it).
    public private(set) var lastSendSteps = 0
    static let maxCubicSteps = 100_000

    /// A window of `packets` after slow start (no cut yet: CUBIC starts on its plateau).
    public init(growth: Growth, beta: Double, windowPackets packets: Double) {
        self.growth = growth
        self.beta = beta
        self.windowPackets = packets
        self.windowMaxPackets = packets
        self.windowAtCutPackets = packets
        self.secondsSinceCut = 0
    }

    /// K of RFC 9438 §4.2: the time the cubic function takes from cwnd_epoch back to W_max.
    var cubicK: Double { cbrt(Swift.max(0, windowMaxPackets - windowAtCutPackets) / Self.cubicC) }

    /// A loss at window `w`: W_max with fast convergence (RFC 9438 §4.7), the window cut by β.
    mutating func cut(at w: Double) {
        let previousMax = windowMaxPackets
        windowMaxPackets = w < previousMax ? w * (1 + beta) / 2 : w
        windowPackets = beta * w
        windowAtCutPackets = windowPackets
        secondsSinceCut = 0
        cuts += 1
    }

    /// The window after `t` seconds of sending since the last cut (CUBIC), capped by the receive window.
    func cubicWindow(at t: Double, path: QueueBurstPath, renoFriendly: Bool) -> Double {
        var w = Self.cubicC * pow(t - cubicK, 3) + windowMaxPackets
        if renoFriendly {
            // RFC 9438 §4.3: W_est = cwnd_epoch + α_cubic · t / RTT, α_cubic = 3 (1 − β) / (1 + β).
            let alpha = 3 * (1 - beta) / (1 + beta)
            w = Swift.max(w, windowAtCutPackets + alpha * t / path.rttSeconds)
        }
        return Swift.min(w, path.windowPackets)
    }

    /// Sends one transfer of `packets` starting after idle: a burst cut if the window exceeds the burst limit,
    /// then growth (and cuts past BDP + Q) until all packets are sent.
    /// - Returns: the seconds the transfer takes at the link's full rate C or less (no sharing).
    /// - Complexity: O(1) for Reno; for CUBIC, about 256 steps, more where the window regrows fast (small BDP) or
    ///   is held far below the BDP, each step at least RTT / 8.
    public mutating func send(packets: Double, on path: QueueBurstPath) -> Double {
        if windowPackets > path.burstLimitPackets { cut(at: windowPackets) }
        switch growth {
        case .reno(let alpha): return sendReno(packets: packets, alpha: alpha, path: path)
        case .cubic(let renoFriendly): return sendCubic(packets: packets, renoFriendly: renoFriendly, path: path)
        }
    }

    private mutating func sendReno(packets: Double, alpha: Double, path: QueueBurstPath) -> Double {
        let (bdp, rtt, rwnd) = (path.bdpPackets, path.rttSeconds, path.windowPackets)
        let overflow = bdp + path.queuePackets
        var remaining = packets
        var seconds = 0.0
        for _ in 0..<64 {
            var w = Swift.min(windowPackets, rwnd)
            if w < bdp {
                // Below the BDP: W packets per RTT; per packet dW = α/W and dt = RTT/W, so after n packets
                // W² grows by 2αn and the time is RTT · ΔW / α.
                let top = Swift.min(bdp, rwnd)
                if top <= w {  // held below the BDP by the receive window
                    windowPackets = w
                    return seconds + remaining * rtt / w
                }
                let toTop = (top * top - w * w) / (2 * alpha)
                if remaining <= toTop {
                    let end = (w * w + 2 * alpha * remaining).squareRoot()
                    windowPackets = end
                    return seconds + rtt * (end - w) / alpha
                }
                seconds += rtt * (top - w) / alpha
                remaining -= toTop
                w = top
                windowPackets = top
                if top < bdp { return seconds + remaining * rtt / top }
            }
            // At or above the BDP: the link's rate, BDP packets per RTT, while the window grows into the queue
            // (per packet dW = α/W again) until it overflows at BDP + Q.
            let grown = (w * w + 2 * alpha * remaining).squareRoot()
            if grown <= overflow || rwnd <= overflow {
                windowPackets = Swift.min(grown, rwnd)
                return seconds + remaining * rtt / bdp
            }
            let toOverflow = Swift.max(0, (overflow * overflow - w * w) / (2 * alpha))
            seconds += toOverflow * rtt / bdp
            remaining -= toOverflow
            cut(at: overflow)
            // Every later cycle is the same, from β (B + Q) back to B + Q: skip all whole ones but the last in
            // closed form (a queue of a packet or two makes hundreds per 4 MiB chunk).
            let cycle = Self.renoCycle(from: windowPackets, to: overflow, bdp: bdp, alpha: alpha, rtt: rtt)
            let whole = cycle.packets > 0 ? (remaining / cycle.packets).rounded(.down) - 1 : 0
            if whole >= 1 {
                seconds += whole * cycle.seconds
                remaining -= whole * cycle.packets
                cuts += Int(whole)
            }
        }
        // Not reached in practice (a cycle is skipped in closed form): the rest at the window reached.
        return seconds + remaining * rtt / Swift.max(1, Swift.min(windowPackets, bdp))
    }

    /// Packets sent and seconds taken while a Reno window grows from `start` to `end` (≥ `bdp`): below the BDP at
    /// W packets per RTT, above it at BDP packets per RTT, dW = α/W per packet throughout.
    static func renoCycle(from start: Double, to end: Double, bdp: Double, alpha: Double, rtt: Double)
        -> (packets: Double, seconds: Double)
    {
        var packets = 0.0
        var seconds = 0.0
        var w = start
        if w < bdp {
            packets += (bdp * bdp - w * w) / (2 * alpha)
            seconds += rtt * (bdp - w) / alpha
            w = bdp
        }
        let above = Swift.max(0, (end * end - w * w) / (2 * alpha))
        return (packets + above, seconds + above * rtt / bdp)
    }

    private mutating func sendCubic(packets: Double, renoFriendly: Bool, path: QueueBurstPath) -> Double {
        let bdp = path.bdpPackets
        let rtt = path.rttSeconds
        let overflow = bdp + path.queuePackets
        // Step one RTT, or longer so that a transfer takes about 256 steps at the link's rate; but at most a
        // quarter of the time the window takes to regrow from a cut at B + Q (K of RFC 9438 §4.2 with fast
        // convergence, or the Reno-friendly line: (1 − β)(B + Q) at α_cubic = 3 (1 − β) / (1 + β) per RTT), else a
        // small BDP regrows inside one step, which starts just after a cut and so runs at the bottom of the
        // sawtooth. Not below RTT / 8 (cost).
        var regrow = cbrt(overflow * (1 - beta) / 2 / Self.cubicC)
        if renoFriendly { regrow = Swift.min(regrow, overflow * rtt * (1 + beta) / 3) }
        let step = Swift.min(Swift.max(rtt, packets * rtt / bdp / 256), Swift.max(regrow / 4, rtt / 8))
        var remaining = packets
        var seconds = 0.0
        lastSendSteps = 0
        while remaining > 0 && lastSendSteps < Self.maxCubicSteps {
            lastSendSteps += 1
            let w = cubicWindow(at: secondsSinceCut, path: path, renoFriendly: renoFriendly)
            if w > overflow {
                cut(at: overflow)
                continue
            }
            let rate = Swift.max(1, Swift.min(w, bdp)) / rtt
            // The last step sends exactly what is left: `remaining -= rate * (remaining / rate)` can leave a
            // rounding residue that the next step again fails to clear, for ever.
            let last = remaining / rate <= step
            let dt = last ? remaining / rate : step
            remaining = last ? 0 : remaining - rate * dt
            seconds += dt
            secondsSinceCut += dt
        }
        windowPackets = cubicWindow(at: secondsSinceCut, path: path, renoFriendly: renoFriendly)
        // Only if the steps ran out (a bug): the rest at the window reached.
        return seconds + remaining * rtt / Swift.max(1, Swift.min(windowPackets, bdp))
    }
}
