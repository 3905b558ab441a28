import Foundation
import Results
import Scenario
import SimDriver

/// Builds the replsim scenario of one ns-3 grid point and simulates it through the full stack
/// (YAML → `ScenarioLoader` → `SimDriver`).
///
/// The mapping (validation/ns3/NOTES.md, docs/accuracy.md): one host per VM with a NIC at `access_factor` × C;
/// a single-policer circuit of capacity C, the point's RTT and loss, and ns-3's DropTail queue (`queue_pkts`
/// full-size packets, about one BDP); TCP with the ns-3 knobs set explicitly
/// (MSS 1448, 54 bytes of headers and PPP framing per packet, no slow start after idle, per-ACK growth with
/// b = 2 for NewReno, ns-3's CUBIC response); window = min(SndBuf, RcvBuf); 4 MiB chunks; server latency a
/// constant 5 ms; storage caps far above C; the run measures [`warmup_s`, `sim_s`) and runs past `sim_s` until
/// the chunks in flight there have completed (`tailSeconds(for:)`).
public enum FidelityScenario {
    /// Which TCP behaviour to simulate.
    public enum Knobs: Sendable {
        /// ns-3 3.37's behaviour, set explicitly (the comparison).
        case ns3
        /// replsim's defaults (Linux/RFC: per-segment growth, RFC 9438 CUBIC, capacities as payload rates, slow
        /// start after idle), to show how far real-stack predictions sit from ns-3.
        case realStack
    }

    /// ns-3's per-packet bytes besides the payload: 20 IP + 20 TCP + 12 timestamp option + 2 PPP.
    public static let ns3WireOverheadBytes = 54

    /// The scenario YAML for `point`.
    public static func yaml(for p: NS3Point, knobs: Knobs = .ns3) -> String {
        let rate = p.rateMbps
        // Enough data that no VM runs out during the run: C × duration per VM, twice, in whole chunks.
        let bytesPerVM = rate * 1e6 / 8 * (p.simS + tailSeconds(for: p)) * 2
        let chunks = Int((bytesPerVM / Double(p.chunkBytes)).rounded(.up)) + 2 * p.threads
        let diskBytes = chunks * p.chunkBytes
        let hosts = (1...p.vms).map { "  - {name: vm-host-\($0), nic: \(format(rate * p.accessFactor))Mbps}" }
        let reno = p.tcp == "NewReno"
        let duration = p.simS + tailSeconds(for: p)
        let queue = p.queuePackets.map { "\n    queue: \($0 * (p.mss + ns3WireOverheadBytes))" } ?? ""
        return """
            name: ns3-\(p.point)
            description: ns-3 grid point \(p.point) (validation/ns3/results.jsonl)
            seed: 1
            duration: \(format(duration))s
            measurement: {start: \(format(p.warmupS))s, end: \(format(p.simS))s}
            phases: initial
            hosts:
            \(hosts.joined(separator: "\n"))
            vms:
              count: \(p.vms)
              placement: round-robin
              disks:
                - {size: \(diskBytes), used: 100%}
            replication:
              uploadThreadsPerVM: \(p.threads)
              chunkSize: \(p.chunkBytes)
            network:
              circuit:
                bandwidth: \(format(rate))Mbps
                rtt: \(format(p.rttMs))ms
                loss: \(format(p.loss))
                policer: single\(queue)
              tcp:
                variant: \(reno ? "reno" : "cubic")
                mss: \(p.mss)
                initialWindow: \(p.initialCwnd)
                receiveWindow: \(min(p.sndBuf, p.rcvBuf))
            \(knobs == .ns3 ? ns3Knobs(reno: reno, delayedAckSegments: p.delAckCount) : "")
            storage:
              preset: major-region-2025
              ingress: 1000Gbps
              requestRate: 10000000/s
              blobThroughput: 1000Gbps
              blobRequestRate: 10000000/s
              serverLatency: {median: \(format(p.serverLatencyMs))ms, sigma: 0}

            """
    }

    /// Simulated time after the measurement window, so that chunks in flight at its end complete and count
    /// pro rata (the driver only credits acknowledged chunks' bytes across the window): three chunk times at
    /// a lower bound of the per-connection rate (fair share of C, per-ACK Mathis limit, window limit), plus 1 s.
    static func tailSeconds(for p: NS3Point) -> Double {
        let rtt = p.rttMs / 1000
        var rate = p.rateMbps * 1e6 / Double(p.connections)
        if p.loss > 0 { rate = min(rate, Double(p.mss) * 8 / rtt * (0.75).squareRoot() / p.loss.squareRoot()) }
        rate = min(rate, Double(min(p.sndBuf, p.rcvBuf)) * 8 / rtt)
        return (3 * Double(p.chunkBytes) * 8 / rate + 1).rounded(.up)
    }

    /// The `network.tcp` lines that select ns-3's behaviour (docs/accuracy.md).
    static func ns3Knobs(reno: Bool, delayedAckSegments: Int) -> String {
        """
            slowStartAfterIdle: false
            ackCounting: \(reno ? "per-ack" : "per-segment")
            delayedAckSegments: \(delayedAckSegments)
            cubicResponse: ns3
            wireOverhead: \(ns3WireOverheadBytes)
            windowSerialisationPackets: 2
        """
    }

    /// The validated scenario document for `point`.
    /// - Throws: `ScenarioErrors` if the generated YAML does not validate (names the point).
    public static func document(for p: NS3Point, knobs: Knobs = .ns3) throws -> ScenarioDocument {
        try ScenarioLoader.parse(yaml: yaml(for: p, knobs: knobs), file: "ns3:\(p.point)").document
    }

    /// replsim's goodput for `point` in Mbit/s: payload throughput in the measurement window.
    /// - Complexity: proportional to the chunks and rate changes simulated (not to bytes).
    public static func simulate(_ p: NS3Point, knobs: Knobs = .ns3) throws -> Double {
        let result = try SimDriver.run(
            document(for: p, knobs: knobs), id: p.point, options: SimDriver.Options(checkInvariants: false))
        return result.throughputBitsPerSecond / 1e6
    }

    /// A decimal number without exponent or trailing zeros, for YAML.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.12f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
