import Foundation

extension CalibrationReport {
    /// A human-readable summary: one block per destination, one line per flow (at most `maxFlowLines`).
    public func summaryText(maxFlowLines: Int = 20) -> String {
        var lines = ["capture \(file): \(packets) packets, \(tcpPackets) TCP, \(otherPackets) other"]
        for d in destinations {
            lines.append("destination \(d.server): \(d.connections) connection(s), max \(d.maxConcurrentConnections) "
                + "concurrent, max \(d.maxConcurrentPerClient) per client, \(d.clients) client(s)")
            lines.append("  rtt: handshake \(Format.millis(d.handshakeRTTNanos)), data->ack min "
                + "\(Format.millis(d.dataAckRTTMinNanos)) median \(Format.millis(d.dataAckRTTMedianNanos))")
            lines.append("  throughput: aggregate \(Format.rate(d.aggregateBitsPerSecond)), mean per flow "
                + "\(Format.rate(d.meanFlowBitsPerSecond)); payload \(d.payloadBytes) B")
            lines.append("  retransmissions: \(d.retransmittedSegments) of \(d.dataSegments) data segments "
                + "(loss estimate \(Format.loss(d.retransmissionRate)))")
            lines.append("  requests: \(d.requests), typical size "
                + (d.typicalRequestBytes.map { "\($0) B" } ?? "unknown"))
            for f in d.flows.prefix(maxFlowLines) {
                lines.append("  flow \(f.client) -> \(f.server): up \(f.uploadBytes) B, down \(f.downloadBytes) B, "
                    + "\(Format.rate(f.bitsPerSecond)) over \(Format.millis(f.activeNanos)), rtt "
                    + "\(Format.millis(f.handshakeRTTNanos)), retransmitted "
                    + "\(f.retransmittedSegments)/\(f.dataSegments)")
            }
            if d.flows.count > maxFlowLines { lines.append("  ... \(d.flows.count - maxFlowLines) more flow(s)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A scenario fragment (keys of docs/scenarios.md) for the primary destination; values it could not
    /// measure are left out and named in a comment.
    public func scenarioFragment() -> String {
        guard let d = primary else { return "# replsim calibrate: \(file) has no TCP destination\n" }
        var lines = [
            "# replsim calibrate \(file): destination \(d.server), \(d.connections) connection(s)",
            "# bandwidth is the measured aggregate throughput (a lower bound of the circuit);",
            "# loss is the retransmission rate; uploadThreadsPerVM the max concurrent connections per client.",
        ]
        var missing: [String] = []
        var circuit: [String] = []
        if let rtt = d.rttNanos {
            circuit.append("    rtt: \(Format.duration(rtt))")
            if d.handshakeRTTNanos == nil { lines.append("# rtt from data → ACK times (no handshake in the capture)") }
        } else {
            missing.append("rtt")
        }
        circuit.append("    loss: \(Format.loss(d.retransmissionRate))")
        if let bw = d.aggregateBitsPerSecond {
            circuit.append("    bandwidth: \(Format.bandwidth(bw))")
        } else {
            missing.append("bandwidth")
        }
        lines += ["network:", "  circuit:"] + circuit
        lines += ["replication:", "  uploadThreadsPerVM: \(max(d.maxConcurrentPerClient, 1))"]
        if let size = d.typicalRequestBytes { lines.append("  chunkSize: \(Format.size(size))") } else {
            missing.append("chunkSize")
        }
        if !missing.isEmpty { lines.append("# not measurable from this capture: \(missing.joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Unit formatting for the summary and the fragment (`2ms`, `940Mbps`, `4MiB`, `1e-04`).
enum Format {
    static func decimal(_ value: Double, digits: Int = 3) -> String {
        var text = String(format: "%.\(digits)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func millis(_ nanos: Int64?) -> String {
        guard let nanos else { return "n/a" }
        return decimal(Double(nanos) / 1e6) + " ms"
    }

    static func rate(_ bps: Double?) -> String {
        guard let bps else { return "n/a" }
        return decimal(bps / 1e6) + " Mbit/s"
    }

    static func duration(_ nanos: Int64) -> String { decimal(Double(nanos) / 1e6) + "ms" }

    static func bandwidth(_ bps: Double) -> String {
        if bps >= 1e9 { return decimal(bps / 1e9) + "Gbps" }
        if bps >= 1e6 { return decimal(bps / 1e6) + "Mbps" }
        return decimal(bps / 1e3) + "Kbps"
    }

    static func loss(_ rate: Double) -> String { rate == 0 ? "0" : String(format: "%.2g", rate) }

    static func size(_ bytes: Int64) -> String {
        if bytes > 0, bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
        if bytes > 0, bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
        return "\(bytes)"
    }
}
