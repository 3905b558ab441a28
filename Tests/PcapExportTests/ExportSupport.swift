import Foundation
import Results
import Scenario
import TestHarness

/// Scenarios, the `replsim` executable and tshark for the export tests.
enum ExportSupport {
    /// 3 VMs × 4 threads on three hosts over a 100 Mbps circuit (RTT 2 ms): small enough that a 20 s window is
    /// about 170k packets, busy enough that the twelve flows share the circuit and their rates change.
    static func scenarioYAML(
        duration: String = "12s", measurement: String = "{start: 0s}", replication: String = "",
        fallback: String = "", faults: String = ""
    ) -> String {
        """
        name: pcap-export
        seed: 5
        duration: \(duration)
        measurement: \(measurement)
        phases: initial
        hosts: [{name: h1, nic: 10Gbps}, {name: h2, nic: 10Gbps}, {name: h3, nic: 10Gbps}]
        vms: {count: 3, placement: round-robin, disks: [{size: 8GiB, used: 50%}]}
        replication: {uploadThreadsPerVM: 4, chunkSize: 4MiB\(replication)}
        network:
          circuit: {bandwidth: 100Mbps, rtt: 2ms, loss: 0, policer: dual}
          tcp: {variant: cubic, receiveWindow: 64KiB}
        \(fallback)
        storage: us-grs-2015
        \(faults)
        """
    }

    /// A fresh folder for one test's files.
    static func folder(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("replsim-pcapx-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// `replsim ARGS`; throws unless it exits 0.
    @discardableResult
    static func replsim(_ arguments: [String]) async throws -> String {
        let run = try await runReplsim(arguments)
        guard run.status == 0 else {
            throw ToolFailure(description: "replsim \(arguments) exited \(run.status): \(run.stderr)")
        }
        return run.stdout
    }

    static func tshark(_ arguments: [String]) async throws -> String {
        let run = try await runProgram("/usr/bin/tshark", arguments)
        guard run.status == 0 else {
            throw ToolFailure(description: "tshark \(arguments) exited \(run.status): \(run.stderr)")
        }
        return run.stdout
    }

    /// Writes the scenario, runs `replsim run` with `pcapArguments`, returns the run's result and the pcap path.
    static func export(_ name: String, yaml: String, pcapArguments: [String] = []) async throws -> (RunResult, String) {
        let dir = try folder(name)
        let scenario = dir.appendingPathComponent("scenario.yaml").path
        try yaml.write(toFile: scenario, atomically: true, encoding: .utf8)
        let pcap = dir.appendingPathComponent("run.pcap").path
        let out = dir.appendingPathComponent("report").path
        try await replsim(["run", scenario, "--quiet", "--out", out, "--pcap", pcap] + pcapArguments)
        let data = try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("result.json"))
        let file = try JSONDecoder().decode(ResultFile.self, from: data)
        guard let run = file.runs.first else { throw ToolFailure(description: "result.json has no run") }
        return (run, pcap)
    }

    /// Client → server frames per connection (client `address:port`) from `tshark -q -z conv,tcp`. Its byte
    /// columns are rounded to 2-3 digits (`35 MB`), so payload comes from `clientSegments` instead.
    static func conversationFrames(_ pcap: String) async throws -> [String: Int] {
        var frames: [String: Int] = [:]
        for line in try await tshark(["-r", pcap, "-q", "-z", "conv,tcp"]).split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 8, words[1] == "<->" else { continue }
            // A <-> B, then frames and bytes (with a unit) for B → A, A → B and in total, then start and duration.
            let numbers = words[3...].compactMap { Double($0) }
            guard numbers.count >= 6 else { continue }
            frames[words[0]] = Int(numbers[2])
        }
        return frames
    }

    /// Client → server frames and payload bytes per connection (client `address:port`), from every segment.
    static func clientSegments(_ pcap: String) async throws -> [String: (frames: Int, bytes: Int64)] {
        let text = try await tshark(["-r", pcap, "-Y", "tcp.dstport == 80", "-T", "fields", "-e", "ip.src", "-e",
                               "tcp.srcport", "-e", "tcp.len"])
        var out: [String: (frames: Int, bytes: Int64)] = [:]
        for line in text.split(separator: "\n") {
            let cells = line.split(separator: "\t")
            guard cells.count == 3, let length = Int64(cells[2]) else { continue }
            let key = "\(cells[0]):\(cells[1])"
            out[key, default: (0, 0)].frames += 1
            out[key, default: (0, 0)].bytes += length
        }
        return out
    }

    /// One `-z io,stat,0,...` row (a single interval over the whole capture): the column values.
    static func ioTotals(_ pcap: String, columns: [String], options: [String] = []) async throws -> [Double] {
        let text = try await tshark(["-r", pcap, "-q"] + options + ["-z", "io,stat,0," + columns.joined(separator: ",")])
        for line in text.split(separator: "\n") where line.contains("<>") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return cells.dropFirst().compactMap { Double($0) }
        }
        throw ToolFailure(description: "no io,stat row in:\n\(text)")
    }

    static func within(_ actual: Double, _ expected: Double, _ tolerance: Double = 0.01) -> Bool {
        abs(actual - expected) <= tolerance * abs(expected)
    }
}
