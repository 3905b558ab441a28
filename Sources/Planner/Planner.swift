import Foundation
import Results
import Scenario
import SimDriver

/// Answers a capacity planner's inverse questions with the simulator: the minimum circuit bandwidth for 100 % and
/// 90 % of delta cycles within the target RPO, the RPO reached at a given bandwidth, and the RPO violations at
/// the 90 % bandwidth, each per seed and reported as p5/p50/p95 (docs/planning.md).
///
/// The bandwidth searches bisect (in log space) on the share of cycles within the target RPO, which is
/// non-decreasing in the circuit bandwidth for a fixed seed (more capacity never delays a chunk in the fluid
/// model; tested against brute-force sweeps). Every simulated point is cached per (seed, bandwidth), so the 90 %
/// search reuses the 100 % search's runs and the what-if reuses both.
public final class Planner: @unchecked Sendable {
    /// What to plan for and how hard to search.
    public struct Options: Sendable, Codable, Equatable {
        /// Seeds: one search per seed.
        public var seeds: [UInt64]
        /// Bandwidth for the achievable-RPO answer (nil: the scenario's circuit bandwidth), bits/s.
        public var bandwidthBitsPerSecond: Double?
        /// Search range of the circuit bandwidth, bits/s.
        public var minimumBitsPerSecond: Double
        public var maximumBitsPerSecond: Double
        /// Relative tolerance of the bisection: it stops when high / low ≤ 1 + tolerance.
        public var tolerance: Double
        /// Start the search at the sustained load (see `FormulaAnswer.sustainedBitsPerSecond`): below it a backlog
        /// grows without bound, which a finite simulated run may not yet show.
        public var sustainedLoadFloor: Bool
        /// Parallel runs (the machine's, so not part of what a plan computes: not encoded).
        public var jobs = 1

        enum CodingKeys: String, CodingKey {
            case seeds, bandwidthBitsPerSecond, minimumBitsPerSecond, maximumBitsPerSecond, tolerance, sustainedLoadFloor
        }

        /// These options with `jobs` 1, as a part records them.
        var withoutJobs: Options {
            var copy = self
            copy.jobs = 1
            return copy
        }

        public init(
            seeds: [UInt64], bandwidthBitsPerSecond: Double? = nil, minimumBitsPerSecond: Double = 1e6,
            maximumBitsPerSecond: Double = 10e9, tolerance: Double = 0.02, sustainedLoadFloor: Bool = true,
            jobs: Int = 1
        ) {
            self.seeds = seeds
            self.bandwidthBitsPerSecond = bandwidthBitsPerSecond
            self.minimumBitsPerSecond = minimumBitsPerSecond
            self.maximumBitsPerSecond = maximumBitsPerSecond
            self.tolerance = tolerance
            self.sustainedLoadFloor = sustainedLoadFloor
            self.jobs = jobs
        }
    }

    /// Why a document cannot be planned (exit 2).
    public struct Unplannable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The shares of cycles within the target RPO the bandwidth answers are for.
    public static let targetShares = [1.0, 0.9]

    /// The document as given, and as the plan simulates it (delta only, churn × (1 + growth)).
    let given: ScenarioDocument
    let base: ScenarioDocument
    let options: Options
    let settings: PlanSettings
    private let lock = NSLock()
    private var cache: [Key: Evaluation] = [:]

    private struct Key: Hashable {
        var seed: UInt64
        var bitsPerSecond: Double
    }

    /// - Throws: `Unplannable` for a document without delta cycles or without a circuit.
    public init(document: ScenarioDocument, options: Options) throws {
        guard document.phases != .initial else {
            throw Unplannable(description: "the scenario has 'phases: initial'; a plan needs delta cycles (delta or both)")
        }
        guard document.network.circuit != nil else {
            throw Unplannable(description: "the scenario has no network.circuit; the plan searches its bandwidth")
        }
        guard !options.seeds.isEmpty, options.minimumBitsPerSecond > 0,
            options.maximumBitsPerSecond > options.minimumBitsPerSecond, options.tolerance > 0
        else {
            throw Unplannable(description: "need at least one seed, 0 < minimum < maximum bandwidth, tolerance > 0")
        }
        settings = document.plan ?? PlanSettings()
        // The RPO questions are about delta replication: disks start seeded, churn grows by the growth factor.
        var doc = document
        doc.phases = .delta
        let growth = 1 + settings.growth
        if let members = doc.vms.members {
            doc.vms.members = members.map { var vm = $0; vm.churn = vm.churn.scaled(by: growth); return vm }
        } else {
            doc.vms.churn = doc.vms.churn.scaled(by: growth)
        }
        base = doc
        given = document
        self.options = options
    }

    /// The formula answer (churn percentile × growth) and the sustained load, for the estate as given.
    public var formula: FormulaAnswer {
        let specs = base.vms.specs(hostCount: base.hosts.count)
        let growth = 1 + settings.growth
        // `base` already carries the growth; the formula's churn is reported before it.
        let percentile = specs.reduce(0.0) {
            $0 + $1.churn.percentileBytesPerSecond(settings.churnPercentile, durationNanoseconds: base.durationNanoseconds)
        }
        let mean = specs.reduce(0.0) { $0 + $1.churn.meanBytesPerSecond }
        let wire = base.replication.compressibility * 8
        return FormulaAnswer(
            churnBytesPerSecond: percentile / growth, bitsPerSecond: percentile * wire,
            sustainedBitsPerSecond: mean * wire)
    }

    /// Simulates `seed` at `bitsPerSecond` and keeps what the plan reads of the run (cached).
    func evaluate(seed: UInt64, bitsPerSecond: Double) throws -> Evaluation {
        let key = Key(seed: seed, bitsPerSecond: bitsPerSecond)
        lock.lock()
        if let hit = cache[key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        var doc = base
        doc.seed = seed
        doc.network.circuit?.bandwidthBitsPerSecond = bitsPerSecond
        let result = try SimDriver.run(
            doc, id: "seed=\(seed),bandwidth=\(Int64(bitsPerSecond))",
            options: SimDriver.Options(checkInvariants: false))
        let evaluation = Evaluation(seed: seed, bitsPerSecond: bitsPerSecond, run: result)
        remember([evaluation])
        return evaluation
    }

    /// Adds evaluations simulated elsewhere (another shard's) to the cache.
    func remember(_ evaluations: [Evaluation]) {
        lock.lock()
        for evaluation in evaluations {
            cache[Key(seed: evaluation.seed, bitsPerSecond: evaluation.bitsPerSecond)] = evaluation
        }
        lock.unlock()
    }

    /// Every evaluation of `seed` so far, in ascending bandwidth.
    func evaluations(of seed: UInt64) -> [Evaluation] {
        lock.lock()
        defer { lock.unlock() }
        return cache.values.filter { $0.seed == seed }.sorted { $0.bitsPerSecond < $1.bitsPerSecond }
    }

    /// Runs simulated so far.
    public var simulatedRuns: Int {
        lock.lock()
        defer { lock.unlock() }
        return cache.count
    }

    /// Share of `seed`'s cycles within the target RPO at `bitsPerSecond` (simulated once, then cached).
    public func shareWithinTarget(seed: UInt64, bitsPerSecond: Double) throws -> Double {
        try evaluate(seed: seed, bitsPerSecond: bitsPerSecond).share
    }

    /// The lowest bandwidth the searches start from: the sustained load (halved for a dual policer) within the
    /// search range, or the range's minimum without the floor.
    public var searchFloorBitsPerSecond: Double { floorBitsPerSecond }

    var floorBitsPerSecond: Double {
        guard options.sustainedLoadFloor else { return options.minimumBitsPerSecond }
        let dual = base.network.circuit?.policer == .dual ? 2.0 : 1.0
        return Swift.min(
            Swift.max(options.minimumBitsPerSecond, formula.sustainedBitsPerSecond / dual), options.maximumBitsPerSecond)
    }

    /// The smallest bandwidth (within the tolerance) at which `seed` meets `share` of cycles within the target,
    /// searching up from `low` (known or assumed to fail) and below `high` when given (known to pass). Nil when
    /// not met at the maximum.
    /// - Complexity: O(log(range / tolerance)) simulated runs.
    public func minimumBandwidth(seed: UInt64, share target: Double, knownPass: Double? = nil) throws -> Double? {
        let passes = { (bits: Double) throws -> Bool in try self.evaluate(seed: seed, bitsPerSecond: bits).share >= target - 1e-12 }
        var low = floorBitsPerSecond
        if try passes(low) { return low }
        var high: Double
        if let knownPass {
            high = knownPass
        } else {
            high = Swift.min(Swift.max(low * 2, formula.bitsPerSecond), options.maximumBitsPerSecond)
            while !(try passes(high)) {
                if high >= options.maximumBitsPerSecond { return nil }
                low = high
                high = Swift.min(high * 2, options.maximumBitsPerSecond)
            }
        }
        while high / low > 1 + options.tolerance {
            let middle = Self.rounded((low * high).squareRoot())
            if try passes(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// Search points are whole kbit/s, so that runs are reproducible from the printed value.
    static func rounded(_ bits: Double) -> Double { (bits / 1000).rounded() * 1000 }

    /// Every answer of the plan: every unit (each seed's searches, ``searchSeed(_:)``, and each host's thread sweep,
    /// ``sweepThreads(host:)``) in parallel, then ``assemble(_:)``.
    public func plan() throws -> Plan {
        try assemble(try parallelMap(Array(0..<unitCount), jobs: options.jobs) { try self.runUnit($0) })
    }

    /// One seed's share of the plan, independent of every other seed (a unit of `replsim plan --shard`): its
    /// searches for each target share (the 90 % search starts under the 100 % answer), and its run at the
    /// achievable-RPO bandwidth.
    public func searchSeed(_ seed: UInt64) throws -> SeedOutcome {
        var answers: [Double?] = []
        var pass: Double?
        for target in Self.targetShares {
            let answer = try minimumBandwidth(seed: seed, share: target, knownPass: pass)
            answers.append(answer)
            pass = answer ?? pass
        }
        _ = try evaluate(seed: seed, bitsPerSecond: achievableBitsPerSecond)
        return SeedOutcome(seed: seed, answers: answers, evaluations: evaluations(of: seed))
    }

    /// The bandwidth of the achievable-RPO answer: `--bandwidth`, else the scenario's circuit.
    var achievableBitsPerSecond: Double {
        options.bandwidthBitsPerSecond ?? base.network.circuit?.bandwidthBitsPerSecond ?? 0
    }

    /// The plan from every unit's outcome (in unit order), whether run here or on other machines: the searches'
    /// evaluations join the cache, and what needs every seed's answers (the what-if at the p50 of the 90 % answers;
    /// each seed's share at the maximum when a target is unreachable) is simulated here unless cached. Depends only
    /// on the outcomes, so a merged plan equals a single machine's.
    public func assemble(_ units: [PlanUnitOutcome]) throws -> Plan {
        let outcomes = units.compactMap(\.search)
        let sweeps = units.compactMap(\.threads)
        precondition(
            outcomes.map(\.seed) == options.seeds && sweeps.count == plannedHosts.count,
            "one outcome per seed, in seed order, then one per host")
        for outcome in outcomes { remember(outcome.evaluations) }
        let seeds = options.seeds
        let formula = self.formula
        let perSeed = outcomes.map(\.answers)
        var problems: [String] = []
        var bandwidth: [BandwidthAnswer] = []
        for (index, target) in Self.targetShares.enumerated() {
            let answers = perSeed.map { $0[index] }
            let found = answers.compactMap { $0 }
            let band = found.count == answers.count ? Band(samples: found) : nil
            // What binds: the median seed's run at its answer, or at the maximum when unreachable.
            let medianSeed = seeds[seeds.count / 2]
            let at = answers[seeds.count / 2] ?? options.maximumBitsPerSecond
            let run = try evaluate(seed: medianSeed, bitsPerSecond: at)
            var closest: Double?
            if band == nil {
                let shares = try parallelMap(seeds, jobs: options.jobs) {
                    try self.evaluate(seed: $0, bitsPerSecond: self.options.maximumBitsPerSecond).share
                }
                closest = Band(samples: shares).p50
                problems.append(
                    "\(Self.percent(target)) of cycles within the \(Self.duration(settings(base).target)) target RPO cannot "
                        + "be met within \(Self.bits(options.maximumBitsPerSecond)) (\(answers.count - found.count) of "
                        + "\(answers.count) seeds): at \(Self.bits(options.maximumBitsPerSecond)) \(Self.percent(closest ?? 0)) "
                        + "of cycles are within it (the closest), and \(run.bottleneck) binds "
                        + "\(Self.percent(run.bottleneckShare)) of the time")
            }
            let ratio = band.map { $0.p50 / formula.bitsPerSecond }
            bandwidth.append(
                BandwidthAnswer(
                    targetShare: target, bitsPerSecond: band, perSeedBitsPerSecond: answers,
                    formulaBitsPerSecond: formula.bitsPerSecond, ratioToFormula: ratio, binding: run.bottleneck,
                    bindingShare: run.bottleneckShare,
                    whyDifferent: whyDifferent(simulated: band?.p50, formula: formula, binding: run.bottleneck, target: target),
                    closestShare: closest))
        }

        let given = achievableBitsPerSecond
        let atGiven = try parallelMap(seeds, jobs: options.jobs) { try self.evaluate(seed: $0, bitsPerSecond: given) }
        let achievable = AchievableRPO(
            bandwidthBitsPerSecond: given,
            rpo100Seconds: Self.band(atGiven) { $0.rpoMaxSeconds },
            rpo90Seconds: Self.band(atGiven) { $0.rpoP90Seconds },
            shareWithinTarget: Self.band(atGiven) { $0.shareWithinTargetRPO },
            binding: atGiven[seeds.count / 2].bottleneck)

        var whatIf: WhatIf?
        if let ninety = bandwidth.last?.bitsPerSecond?.p50 {
            let bits = Self.rounded(ninety)
            let runs = try parallelMap(seeds, jobs: options.jobs) { try self.evaluate(seed: $0, bitsPerSecond: bits) }
            whatIf = WhatIf(
                bandwidthBitsPerSecond: bits,
                violations: Band(samples: runs.map { Double($0.violations ?? 0) }),
                longestSeconds: Band(samples: runs.map { $0.longestViolationSeconds ?? 0 }),
                peakPerDay: Band(samples: runs.map { Double($0.violationsPeakPerDay ?? 0) }),
                worstRPOSeconds: Band(samples: runs.map { $0.rpoMaxSeconds ?? 0 }))
        }
        let circuit = base.network.circuit
        return Plan(
            scenario: base.name, vms: base.vms.count, hosts: base.hosts.count, seeds: seeds,
            settings: PlanSettingsEcho(
                targetRPOSeconds: Double(base.replication.targetRPONanoseconds) / 1e9,
                frequencySeconds: Double(base.replication.frequencyNanoseconds) / 1e9,
                threadsPerVM: base.replication.uploadThreadsPerVM, churnPercentile: settings.churnPercentile,
                growth: settings.growth, tolerance: options.tolerance, minimumBitsPerSecond: floorBitsPerSecond,
                maximumBitsPerSecond: options.maximumBitsPerSecond, policer: circuit?.policer.rawValue ?? "none",
                durationSeconds: Double(base.durationNanoseconds) / 1e9,
                measurementStartSeconds: Double(base.measurement.startNanoseconds) / 1e9),
            formula: formula, bandwidth: bandwidth, achievable: achievable, whatIf: whatIf,
            threads: threadsPlan(sweeps), status: problems.isEmpty ? .ok : .unreachable, problems: problems,
            simulatedRuns: simulatedRuns + sweeps.reduce(0) { $0 + $1.perSeed.count * Self.maxThreads })
    }

    private func settings(_ doc: ScenarioDocument) -> (target: Double, frequency: Double) {
        (Double(doc.replication.targetRPONanoseconds) / 1e9, Double(doc.replication.frequencyNanoseconds) / 1e9)
    }

    /// One sentence: where and why the simulated answer differs from the formula.
    func whyDifferent(simulated: Double?, formula: FormulaAnswer, binding: String, target: Double) -> String {
        guard let simulated else {
            return "Not met within the search range, so no comparison with the formula's \(Self.bits(formula.bitsPerSecond))."
        }
        let (targetRPO, frequency) = settings(base)
        let dual = base.network.circuit?.policer == .dual
        let ratio = simulated / formula.bitsPerSecond
        var reasons: [String] = []
        if ratio < 1 {
            if dual {
                reasons.append("the dual policer lets the circuit carry up to twice its bandwidth while both connections are up")
            }
            if targetRPO > frequency {
                reasons.append(
                    "the \(Self.duration(targetRPO)) target leaves each \(Self.duration(frequency)) cycle "
                        + "\(Self.duration(targetRPO - frequency)) to upload, so churn above the average is spread over that slack")
            }
            if target < 1 { reasons.append("\(Self.percent(1 - target)) of cycles may miss the target") }
        } else {
            reasons.append(
                "every cycle must carry the churn the percentile leaves out, plus request headers and TCP ramp-up after "
                    + "idle gaps; \(binding) binds at the answer")
            if formula.sustainedBitsPerSecond > formula.bitsPerSecond {
                reasons.append("the mean churn is above the percentile (rare high bursts), and the circuit must carry the mean")
            }
        }
        let direction = ratio < 1 ? "below" : "above"
        return "The simulation needs \(Self.bits(simulated)), \(String(format: "%.2f", ratio))× the formula's "
            + "\(Self.bits(formula.bitsPerSecond)) (\(direction)): " + (reasons.isEmpty ? "they agree within the tolerance" : reasons.joined(separator: "; ")) + "."
    }

    static func band(_ runs: [Evaluation], _ value: (Evaluation) -> Double?) -> Band? {
        let values = runs.compactMap(value)
        return values.count == runs.count && !values.isEmpty ? Band(samples: values) : nil
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f %%", share * 100) }

    static func bits(_ bitsPerSecond: Double) -> String {
        bitsPerSecond >= 1e9 ? String(format: "%.2f Gbps", bitsPerSecond / 1e9) : String(format: "%.0f Mbps", bitsPerSecond / 1e6)
    }

    static func duration(_ seconds: Double) -> String {
        seconds >= 3600 ? String(format: "%.1f h", seconds / 3600)
            : seconds >= 60 ? String(format: "%.1f min", seconds / 60) : String(format: "%.0f s", seconds)
    }
}
