import Foundation
import Results
import Scenario

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

    /// The `replsim` executable built next to the test bundle.
    static func replsimPath() throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("replsim").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ToolFailure(description: "replsim executable not found in \(candidates); run swift build first")
        }
        return found
    }

    /// Runs a program; returns (exit status, stdout, stderr).
    static func execute(_ program: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }

    /// `replsim ARGS`; throws unless it exits 0.
    @discardableResult
    static func replsim(_ arguments: [String]) throws -> String {
        let run = try execute(try replsimPath(), arguments)
        guard run.status == 0 else {
            throw ToolFailure(description: "replsim \(arguments) exited \(run.status): \(run.err)")
        }
        return run.out
    }

    static func tshark(_ arguments: [String]) throws -> String {
        let run = try execute("/usr/bin/tshark", arguments)
        guard run.status == 0 else {
            throw ToolFailure(description: "tshark \(arguments) exited \(run.status): \(run.err)")
        }
        return run.out
    }

    /// Writes the scenario, runs `replsim run` with `pcapArguments`, returns the run's result and the pcap path.
    static func export(_ name: String, yaml: String, pcapArguments: [String] = []) throws -> (RunResult, String) {
        let dir = try folder(name)
        let scenario = dir.appendingPathComponent("scenario.yaml").path
        try yaml.write(toFile: scenario, atomically: true, encoding: .utf8)
        let pcap = dir.appendingPathComponent("run.pcap").path
        let out = dir.appendingPathComponent("report").path
        try replsim(["run", scenario, "--quiet", "--out", out, "--pcap", pcap] + pcapArguments)
        let data = try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("result.json"))
        let file = try JSONDecoder().decode(ResultFile.self, from: data)
        guard let run = file.runs.first else { throw ToolFailure(description: "result.json has no run") }
        return (run, pcap)
    }

    /// Client → server TCP payload per client address, from `tshark -q -z conv,tcp` (frame bytes minus 54 per frame
    /// and 8 per SYN for its options); also the number of conversations.
    static func payloadByClient(_ pcap: String) throws -> (bytes: [String: Double], conversations: Int) {
        let text = try tshark(["-r", pcap, "-q", "-z", "conv,tcp"])
        var bytes: [String: Double] = [:]
        var conversations = 0
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count > 8, words[1] == "<->", let a = words.first else { continue }
            // A <-> B, then (frames, bytes[, unit]) for B→A, A→B and total.
            var numbers: [Double] = []
            var unitScale: [Double] = []
            for word in words[3...] {
                if let value = Double(word.replacingOccurrences(of: ",", with: "")) {
                    numbers.append(value)
                    unitScale.append(1)
                } else if let scale = ["bytes": 1.0, "kB": 1e3, "MB": 1e6, "GB": 1e9][word], !unitScale.isEmpty {
                    unitScale[unitScale.count - 1] = scale
                }
            }
            guard numbers.count >= 6 else { continue }
            let (frames, frameBytes) = (numbers[2], numbers[3] * unitScale[3])
            let client = a.split(separator: ":")[0]
            bytes[String(client), default: 0] += frameBytes - 54 * frames - 8
            conversations += 1
        }
        return (bytes, conversations)
    }

    /// One `-z io,stat,0,...` row (a single interval over the whole capture): the column values.
    static func ioTotals(_ pcap: String, columns: [String], options: [String] = []) throws -> [Double] {
        let text = try tshark(["-r", pcap, "-q"] + options + ["-z", "io,stat,0," + columns.joined(separator: ",")])
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
