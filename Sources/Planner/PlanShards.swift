import Results
import Scenario

/// What the plan reads of one simulated run (a seed at a circuit bandwidth): enough to answer every question
/// without the run itself, so that a shard of `replsim plan --shard` hands over its evaluations in a few lines.
public struct Evaluation: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var bitsPerSecond: Double
    /// Share of cycles within the target RPO; absent when the run had no cycles.
    public var shareWithinTargetRPO: Double?
    /// The worst and the 90th-percentile RPO, seconds; absent without cycles.
    public var rpoMaxSeconds: Double?
    public var rpoP90Seconds: Double?
    /// RPO violation episodes, the longest, and the most in one day; absent without cycles.
    public var violations: Int?
    public var longestViolationSeconds: Double?
    public var violationsPeakPerDay: Int?
    /// What binds (the bottleneck attribution) and its share of the measured interval.
    public var bottleneck: String
    public var bottleneckShare: Double

    init(seed: UInt64, bitsPerSecond: Double, run: RunResult) {
        self.seed = seed
        self.bitsPerSecond = bitsPerSecond
        shareWithinTargetRPO = run.cycles?.shareWithinTargetRPO
        rpoMaxSeconds = run.cycles?.rpoSeconds.max
        rpoP90Seconds = run.cycles?.rpoSeconds.p90
        violations = run.cycles?.violations?.count
        longestViolationSeconds = run.cycles?.violations?.longestSeconds
        violationsPeakPerDay = run.cycles?.violations?.peakPerDay
        bottleneck = run.bottleneck
        bottleneckShare = run.bottleneckShare
    }

    /// The share the searches compare with a target (0 without cycles).
    var share: Double { shareWithinTargetRPO ?? 0 }
}

/// One seed's searches: the minimum bandwidth per target share (``Planner/targetShares``; nil where not met
/// within the maximum) and every evaluation they and the achievable-RPO run made, in ascending bandwidth.
public struct SeedOutcome: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var answers: [Double?]
    public var evaluations: [Evaluation]
}

/// One unit of a plan: a seed's searches or a host's thread sweep (exactly one is set).
public struct PlanUnitOutcome: Codable, Sendable, Equatable {
    public var search: SeedOutcome?
    public var threads: HostThreadsOutcome?

    public init(search: SeedOutcome? = nil, threads: HostThreadsOutcome? = nil) {
        self.search = search
        self.threads = threads
    }
}

/// The payload of a part of `replsim plan --shard i/n` (work `"plan"`): the job's inputs, which every part
/// repeats and `merge` checks equal, and the outcomes of this shard's units. The job's units are every seed's
/// searches, in seed order, then every host's thread sweep, in host order (``Planner/unitCount``).
public struct PlanPart: PartPayload {
    public static var work: String { "plan" }
    public static var field: String { "plan" }
    public static var entryName: String { "plan units" }
    public static var headerName: String { "scenario or plan options" }

    /// The scenario as given to the planner (VMs from `--inventory` included), before the plan's own changes.
    public var document: ScenarioDocument
    /// The search options (``Planner/Options`` without the machine's `jobs`).
    public var options: Planner.Options
    /// This shard's units' outcomes, in the order of the part's unit indices.
    public var outcomes: [PlanUnitOutcome]

    public init(document: ScenarioDocument, options: Planner.Options, outcomes: [PlanUnitOutcome]) {
        self.document = document
        self.options = options
        self.outcomes = outcomes
    }

    public var entryCount: Int { outcomes.count }
    public func sameHeader(as other: PlanPart) -> Bool { document == other.document && options == other.options }
}

extension Planner {
    /// What unit `unit` is, for errors.
    func describe(unit: Int) -> String {
        let seeds = options.seeds.count
        return unit < seeds
            ? "the search of seed \(options.seeds[unit])"
            : "the thread sweep of host \(base.hosts[plannedHosts[unit - seeds]].name)"
    }

    /// `outcome` if it has the shape of unit `unit`'s outcome, else nil.
    func check(_ outcome: PlanUnitOutcome, unit: Int) -> PlanUnitOutcome? {
        let seeds = options.seeds.count
        if unit < seeds {
            guard let search = outcome.search, outcome.threads == nil, search.seed == options.seeds[unit],
                search.answers.count == Self.targetShares.count
            else { return nil }
            return outcome
        }
        guard let threads = outcome.threads, outcome.search == nil,
            threads.host == base.hosts[plannedHosts[unit - seeds]].name, threads.perSeed.count == seeds,
            threads.perSeed.allSatisfy({ $0.count == Self.maxThreads })
        else { return nil }
        return outcome
    }

    /// The planner's input document (as given, before the plan's own changes).
    public var document: ScenarioDocument { given }

    /// Units of the plan: one per seed (its searches), then one per host with VMs (its thread sweep).
    public var unitCount: Int { options.seeds.count + plannedHosts.count }

    /// Runs unit `unit` (see ``unitCount``).
    func runUnit(_ unit: Int) throws -> PlanUnitOutcome {
        let seeds = options.seeds.count
        if unit < seeds { return PlanUnitOutcome(search: try searchSeed(options.seeds[unit])) }
        return PlanUnitOutcome(threads: try sweepThreads(host: plannedHosts[unit - seeds]))
    }

    /// Runs shard `shard` of the plan's units and returns its part's payload; the part's units are
    /// ``Shard/unitIndices(of:)`` of ``unitCount``.
    public func runShard(_ shard: Shard) throws -> PlanPart {
        let outcomes = try parallelMap(shard.unitIndices(of: unitCount), jobs: options.jobs) { try self.runUnit($0) }
        return PlanPart(document: given, options: options.withoutJobs, outcomes: outcomes)
    }

    /// The plan from every part of one `replsim plan --shard` job: checks them (``ShardPart/checked(_:tool:)``),
    /// puts the units' outcomes back in order and assembles the plan as one machine does (``assemble(_:)``),
    /// simulating on `jobs` threads only what needs every seed's answers (the what-if runs).
    /// - Throws: ``MergeError`` for parts that do not make one job; ``Unplannable`` cannot occur for parts a
    ///   planner wrote.
    public static func merge(_ parts: [(source: String, part: ShardPart<PlanPart>)], tool: String, jobs: Int) throws
        -> Plan
    {
        let units = try ShardPart<PlanPart>.checked(parts, tool: tool)
        guard let first = parts.first?.part.payload else { throw MergeError.noParts }
        var options = first.options
        options.jobs = jobs
        let planner = try Planner(document: first.document, options: options)
        var outcomes: [PlanUnitOutcome] = []
        for (unit, (part, entry)) in units.enumerated() {
            let outcome = parts[part].part.payload?.outcomes[entry]
            guard let outcome, let expected = planner.check(outcome, unit: unit) else {
                throw MergeError.inconsistent(
                    source: parts[part].source, reason: "its unit \(unit) is not \(planner.describe(unit: unit))")
            }
            outcomes.append(expected)
        }
        return try planner.assemble(outcomes)
    }
}
