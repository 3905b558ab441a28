import Foundation

/// One ns-3 grid point from validation/ns3/results.jsonl (field meanings: validation/ns3/NOTES.md).
public struct NS3Point: Sendable, Equatable, Decodable {
    /// Grid point name, e.g. `c-n-100ms-p0.001-1x4`.
    public var point: String
    public var vms: Int
    public var threads: Int
    /// Bottleneck capacity C in Mbit/s (1e6).
    public var rateMbps: Double
    public var rttMs: Double
    public var loss: Double
    /// `NewReno` or `Cubic`.
    public var tcp: String
    public var sndBuf: Int
    public var rcvBuf: Int
    public var mss: Int
    public var initialCwnd: Int
    public var delAckCount: Int
    public var chunkBytes: Int
    public var serverLatencyMs: Double
    public var accessFactor: Double
    /// The bottleneck's DropTail queue in packets (about one BDP); nil in result lines written before it was
    /// recorded (then replsim models no queue).
    public var queuePackets: Int?
    public var simS: Double
    public var warmupS: Double
    /// Aggregate application goodput in the measurement window [warm-up, end), mean over runs.
    public var goodputMbps: Double
    /// Goodput of each replication.
    public var goodputRunsMbps: [Double]

    enum CodingKeys: String, CodingKey {
        case point, vms, threads, loss, tcp, mss
        case rateMbps = "rate_mbps"
        case rttMs = "rtt_ms"
        case sndBuf = "snd_buf"
        case rcvBuf = "rcv_buf"
        case initialCwnd = "initial_cwnd"
        case delAckCount = "del_ack_count"
        case chunkBytes = "chunk_bytes"
        case serverLatencyMs = "server_latency_ms"
        case accessFactor = "access_factor"
        case queuePackets = "queue_pkts"
        case simS = "sim_s"
        case warmupS = "warmup_s"
        case goodputMbps = "goodput_mbps"
        case goodputRunsMbps = "goodput_runs_mbps"
    }

    /// Connections N·T.
    public var connections: Int { vms * threads }

    /// The thread sweep this point belongs to: its name without the trailing `-<VMs>x<threads>`; 1-VM points only.
    public var sweepName: String? {
        guard vms == 1, let dash = point.lastIndex(of: "-") else { return nil }
        return String(point[..<dash])
    }
}

/// Why the results file could not be read; names the file and line.
public struct NS3ResultsError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

public enum NS3Results {
    /// The results file relative to the package root.
    public static let defaultPath = "validation/ns3/results.jsonl"

    /// Reads one JSON object per non-empty line.
    /// - Throws: `NS3ResultsError` naming the file and line of an unreadable file, bad JSON, a missing field or
    ///   a value the simulator cannot take (threads outside 1...32, C or RTT ≤ 0, loss outside [0, 1)).
    /// - Complexity: O(file size).
    public static func load(path: String) throws -> [NS3Point] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw NS3ResultsError(file: path, line: 0, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    /// Parses JSON-lines text; `file` is for error messages.
    public static func parse(_ text: String, file: String) throws -> [NS3Point] {
        var points: [NS3Point] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let point: NS3Point
            do {
                point = try JSONDecoder().decode(NS3Point.self, from: Data(trimmed.utf8))
            } catch let DecodingError.keyNotFound(key, _) {
                throw NS3ResultsError(file: file, line: index + 1, message: "missing field '\(key.stringValue)'")
            } catch let DecodingError.typeMismatch(_, context) {
                let key = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw NS3ResultsError(file: file, line: index + 1, message: "field '\(key)' has the wrong type")
            } catch {
                throw NS3ResultsError(file: file, line: index + 1, message: "not a JSON object: \(error)")
            }
            if let problem = problem(in: point) {
                throw NS3ResultsError(file: file, line: index + 1, message: "point '\(point.point)': \(problem)")
            }
            points.append(point)
        }
        if points.isEmpty { throw NS3ResultsError(file: file, line: 0, message: "no grid points") }
        return points
    }

    static func problem(in p: NS3Point) -> String? {
        if !(1...32).contains(p.threads) { return "threads \(p.threads) outside 1...32" }
        if !(1...10_000).contains(p.vms) { return "vms \(p.vms) outside 1...10000" }
        if !(p.rateMbps > 0) { return "rate_mbps must be > 0" }
        if !(p.rttMs > 0) { return "rtt_ms must be > 0" }
        if !(0..<1).contains(p.loss) { return "loss \(p.loss) outside [0, 1)" }
        if p.tcp != "NewReno" && p.tcp != "Cubic" { return "tcp '\(p.tcp)' is neither NewReno nor Cubic" }
        if !(p.warmupS >= 0 && p.simS > p.warmupS) { return "need 0 ≤ warmup_s < sim_s" }
        if p.goodputRunsMbps.isEmpty { return "goodput_runs_mbps is empty" }
        if p.mss < 536 || p.chunkBytes <= 0 || p.chunkBytes % 512 != 0 { return "mss or chunk_bytes out of range" }
        return nil
    }
}
