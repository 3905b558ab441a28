import Foundation

/// One compared grid point.
public struct FidelityRow: Sendable, Equatable {
    public var point: NS3Point
    /// replsim goodput in Mbit/s.
    public var replsimMbps: Double
    /// Relative error (replsim − ns-3) / ns-3.
    public var error: Double { (replsimMbps - point.goodputMbps) / point.goodputMbps }
    /// Allowed |error|: `FidelityComparison.tolerance(for:)`.
    public var tolerance: Double { FidelityComparison.tolerance(for: point) }
    public var withinTolerance: Bool { abs(error) <= tolerance }
}

/// Threads needed to reach 90 % of C in one 1-VM thread sweep, by ns-3 and by replsim (nil: never).
public struct SweepAgreement: Sendable, Equatable {
    public var sweep: String
    public var ns3Threads: Int?
    public var replsimThreads: Int?
    public var agrees: Bool { ns3Threads == replsimThreads }
}

/// The comparison of replsim with ns-3 over a grid, and the fidelity goal: every point within its tolerance,
/// mean absolute error ≤ 5 %, threads-to-90 % equal in every sweep.
public struct FidelityComparison: Sendable {
    public var rows: [FidelityRow]

    public static let maxMeanAbsoluteError = 0.05
    public static let baseTolerance = 0.10
    public static let utilisationTarget = 0.9

    /// Simulates every point (in file order).
    /// - Throws: the first point's scenario or simulation error.
    public static func run(_ points: [NS3Point], knobs: FidelityScenario.Knobs = .ns3) throws -> FidelityComparison {
        FidelityComparison(
            rows: try points.map { point in
                FidelityRow(point: point, replsimMbps: try FidelityScenario.simulate(point, knobs: knobs))
            })
    }

    public init(rows: [FidelityRow]) { self.rows = rows }

    /// max(10 %, 2 × the standard error of ns-3's mean) with several runs (sample standard deviation / √n,
    /// relative to the mean); 10 % with one run.
    public static func tolerance(for p: NS3Point) -> Double {
        let runs = p.goodputRunsMbps
        guard runs.count > 1 else { return baseTolerance }
        let mean = runs.reduce(0, +) / Double(runs.count)
        let variance = runs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(runs.count - 1)
        let standardError = (variance / Double(runs.count)).squareRoot()
        return max(baseTolerance, 2 * standardError / mean)
    }

    public var meanAbsoluteError: Double {
        rows.isEmpty ? 0 : rows.reduce(0) { $0 + abs($1.error) } / Double(rows.count)
    }

    /// The row with the largest |error| (first on ties).
    public var worst: FidelityRow? {
        rows.reduce(nil) { best, row in
            guard let best else { return row }
            return abs(row.error) > abs(best.error) ? row : best
        }
    }

    public var failures: [FidelityRow] { rows.filter { !$0.withinTolerance } }

    /// Every 1-VM thread sweep with at least two thread counts, in order of first appearance.
    public var sweeps: [SweepAgreement] {
        var order: [String] = []
        var members: [String: [FidelityRow]] = [:]
        for row in rows {
            guard let name = row.point.sweepName else { continue }
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(row)
        }
        return order.compactMap { name -> SweepAgreement? in
            let sweep = (members[name] ?? []).sorted { $0.point.threads < $1.point.threads }
            guard Set(sweep.map(\.point.threads)).count > 1 else { return nil }
            func threads(_ goodput: (FidelityRow) -> Double) -> Int? {
                sweep.first { goodput($0) >= Self.utilisationTarget * $0.point.rateMbps }?.point.threads
            }
            return SweepAgreement(
                sweep: name, ns3Threads: threads(\.point.goodputMbps), replsimThreads: threads(\.replsimMbps))
        }
    }

    public var goalMet: Bool {
        failures.isEmpty && meanAbsoluteError <= Self.maxMeanAbsoluteError && sweeps.allSatisfy(\.agrees)
    }

    /// Markdown: the point table, the sweep table and a summary line.
    public func markdown() -> String {
        var lines = [
            "| point | tcp | VMs x T | C Mbps | RTT ms | loss | window | ns-3 Mbps | replsim Mbps | error | tolerance "
                + "| ok |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            let p = row.point
            lines.append(
                "| \(p.point) | \(p.tcp) | \(p.vms)x\(p.threads) | \(Self.number(p.rateMbps)) "
                    + "| \(Self.number(p.rttMs)) "
                    + "| \(p.loss == 0 ? "0" : String(format: "%g", p.loss)) | \(Self.bytes(min(p.sndBuf, p.rcvBuf))) "
                    + "| \(String(format: "%.2f", p.goodputMbps)) | \(String(format: "%.2f", row.replsimMbps)) "
                    + "| \(Self.percent(row.error, signed: true)) | \(Self.percent(row.tolerance)) "
                    + "| \(row.withinTolerance ? "yes" : "**no**") |")
        }
        lines += ["", "| sweep (1 VM, T threads) | T for 90 % of C: ns-3 | replsim | agree |", "|---|---|---|---|"]
        for sweep in sweeps {
            lines.append(
                "| \(sweep.sweep) | \(sweep.ns3Threads.map(String.init) ?? "never") "
                    + "| \(sweep.replsimThreads.map(String.init) ?? "never") | \(sweep.agrees ? "yes" : "**no**") |")
        }
        lines += ["", summary()]
        return lines.joined(separator: "\n")
    }

    /// One paragraph: MAE, worst point, failures, sweep agreement, goal.
    public func summary() -> String {
        let worstText = worst.map { "\($0.point.point) \(Self.percent($0.error, signed: true))" } ?? "none"
        let agreeing = sweeps.filter(\.agrees).count
        return "\(rows.count) points: mean absolute error \(Self.percent(meanAbsoluteError)) (goal ≤ 5 %), "
            + "worst \(worstText), \(failures.count) beyond tolerance"
            + (failures.isEmpty ? "" : " (\(failures.map(\.point.point).joined(separator: ", ")))")
            + "; threads to 90 % of C agree in \(agreeing) of \(sweeps.count) sweeps; goal "
            + (goalMet ? "met." : "missed.")
    }

    static func percent(_ value: Double, signed: Bool = false) -> String {
        String(format: signed ? "%+.1f %%" : "%.1f %%", value * 100)
    }

    static func number(_ value: Double) -> String { FidelityScenario.format(value) }

    static func bytes(_ value: Int) -> String {
        if value % 1_048_576 == 0 { return "\(value / 1_048_576)M" }
        if value % 1024 == 0 { return "\(value / 1024)k" }
        return "\(value)"
    }
}
