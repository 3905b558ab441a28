import ArgumentParser
import Foundation
import Pcap

/// `replsim calibrate CAPTURE [--out FRAGMENT.yaml]`: estimate path and workload parameters from a capture.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Estimate RTT, loss, throughput, connections and request size from a packet capture.",
        discussion: """
            Reads a pcap or pcapng file (tcpdump -w, Wireshark, replsim live --capture) with Ethernet, Linux \
            cooked (-i any) or raw IP framing, prints per-destination estimates and writes a scenario fragment \
            (network.circuit rtt/loss/bandwidth, replication uploadThreadsPerVM/chunkSize) for the destination \
            that carried the most bytes.
            """
    )

    @Argument(help: "The capture file to analyze.")
    var capture: String

    @Option(name: .long, help: "Write the scenario fragment to this YAML file instead of standard output.")
    var out: String?

    @Option(name: .long, help: "Pauses longer than this (ms), with all data acknowledged, end an active period.")
    var idleGapMs: Double = 200

    @Option(name: .long, help: "Flow lines to print per destination.")
    var maxFlows: Int = 20

    func validate() throws {
        guard idleGapMs > 0, idleGapMs <= 1e9 else { throw ValidationError("--idle-gap-ms must be in (0, 1e9]") }
        guard maxFlows >= 0 else { throw ValidationError("--max-flows must be >= 0") }
    }

    func run() throws {
        let options = Calibration.Options(idleGapNanos: Int64(idleGapMs * 1e6))
        let report = try Calibration.analyze(path: capture, options: options)
        print(report.summaryText(maxFlowLines: maxFlows), terminator: "")
        let fragment = report.scenarioFragment()
        guard let out else {
            print("")
            print(fragment, terminator: "")
            return
        }
        do {
            try fragment.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw PcapError.cannotWrite(file: out, reason: error.localizedDescription)
        }
        print("scenario fragment written to \(out)")
    }
}
