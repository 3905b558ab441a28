import Foundation
import TestHarness
import Testing

@testable import Fidelity

/// replsim against packet-level ns-3 3.37 on every committed grid point (validation/ns3/results.jsonl; no ns-3
/// needed). The fidelity goal: every point within its tolerance, mean absolute error ≤ 5 %, and the threads
/// needed for 90 % of C equal to ns-3's in every thread sweep. Deterministic (sigma-0 server latency, seed 1).
@Suite(.cpuBound) struct FidelityTests {
    /// Misses the flow model cannot close without a change outside TCP caps (docs/accuracy.md, "Out of reach").
    /// Each is still checked: `withKnownIssue` fails the test once the miss disappears, so the list stays honest.
    /// None since the queue-burst model (`QueueBurstWindow`) closed `a-n-2ms-big-1g-1x1`.
    static let knownMisses: [String: Comment] = [:]

    static func comparison() throws -> FidelityComparison {
        let points = try NS3Results.load(path: PackagePaths.file(NS3Results.defaultPath).path)
        return try FidelityComparison.run(points)
    }

    @Test func everyPointWithinItsTolerance() throws {
        let comparison = try Self.comparison()
        print(comparison.markdown())
        #expect(comparison.rows.count == 56)
        for row in comparison.rows {
            let message: Comment = """
                \(row.point.point): ns-3 \(row.point.goodputMbps) Mbit/s, replsim \(row.replsimMbps) \
                (error \(row.error), tolerance \(row.tolerance))
                """
            if let reason = Self.knownMisses[row.point.point] {
                withKnownIssue(reason) { #expect(row.withinTolerance, message) }
            } else {
                #expect(row.withinTolerance, message)
            }
        }
    }

    @Test func meanAbsoluteErrorAtMostFivePercent() throws {
        let comparison = try Self.comparison()
        #expect(comparison.meanAbsoluteError <= FidelityComparison.maxMeanAbsoluteError, "\(comparison.summary())")
    }

    @Test func threadsToNinetyPercentMatchNS3() throws {
        let comparison = try Self.comparison()
        #expect(comparison.sweeps.count >= 4)
        for sweep in comparison.sweeps {
            let ns3 = sweep.ns3Threads.map(String.init) ?? "never"
            let replsim = sweep.replsimThreads.map(String.init) ?? "never"
            let message: Comment = "\(sweep.sweep): ns-3 needs \(ns3), replsim \(replsim)"
            if let reason = Self.knownMisses[sweep.sweep] {
                withKnownIssue(reason) { #expect(sweep.agrees, message) }
            } else {
                #expect(sweep.agrees, message)
            }
        }
    }

    // MARK: The harness itself

    @Test func toleranceIsTwoStandardErrorsOrTenPercent() throws {
        var point = try #require(try NS3Results.parse(Self.line(runs: [10]), file: "t").first)
        #expect(FidelityComparison.tolerance(for: point) == 0.10)
        point.goodputRunsMbps = [95.4, 82.9]  // c-c-50ms-p0.0001-1x4's first two runs: SE 6.25 on a mean of 89.15
        #expect(abs(FidelityComparison.tolerance(for: point) - 2 * 6.25 / 89.15) < 1e-9)
    }

    @Test func badLinesNameFileAndLine() {
        #expect(throws: NS3ResultsError.self) { try NS3Results.parse("{\"point\": \"x\"}", file: "r.jsonl") }
        do {
            _ = try NS3Results.parse(Self.line(runs: [1]) + "\n\nnot json\n", file: "r.jsonl")
            Issue.record("bad JSON accepted")
        } catch let error as NS3ResultsError {
            #expect(error.line == 3 && error.description.hasPrefix("r.jsonl:3:"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: NS3ResultsError.self) {
            let line = Self.line(runs: [1]).replacingOccurrences(of: "\"threads\": 1", with: "\"threads\": 33")
            return try NS3Results.parse(line, file: "t")
        }
    }

    @Test func sweepAgreementFindsFirstThreadCountAtNinetyPercent() throws {
        let base = try #require(try NS3Results.parse(Self.line(runs: [1]), file: "t").first)
        func row(_ threads: Int, ns3: Double, replsim: Double) -> FidelityRow {
            var p = base
            p.point = "s-1x\(threads)"
            p.threads = threads
            p.goodputMbps = ns3
            return FidelityRow(point: p, replsimMbps: replsim)
        }
        let comparison = FidelityComparison(rows: [row(1, ns3: 50, replsim: 50), row(2, ns3: 89, replsim: 91)])
        #expect(comparison.sweeps == [SweepAgreement(sweep: "s", ns3Threads: nil, replsimThreads: 2)])
        #expect(!comparison.goalMet)
    }

    static func line(runs: [Double]) -> String {
        """
        {"point": "p-1x1", "vms": 1, "threads": 1, "rate_mbps": 100, "rtt_ms": 20, "loss": 0, "tcp": "NewReno", \
        "snd_buf": 65536, "rcv_buf": 65536, "mss": 1448, "initial_cwnd": 10, "del_ack_count": 2, \
        "chunk_bytes": 4194304, "server_latency_ms": 5, "access_factor": 10, "sim_s": 12, "warmup_s": 3, \
        "goodput_mbps": \(runs.reduce(0, +) / Double(runs.count)), "goodput_runs_mbps": \(runs)}
        """
    }
}
