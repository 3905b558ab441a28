import Results

/// The answers of `replsim plan`, written as `plan.json` (schema in docs/results.md, "plan.json"). Bandwidths in
/// bits per second, times in seconds, shares in 0...1; every spread is p5/p50/p95 over the seeds.
public struct Plan: Codable, Sendable, Equatable {
    /// Version of this schema.
    public var schemaVersion = 1
    /// The scenario's name.
    public var scenario: String
    /// VMs and hosts planned for.
    public var vms: Int
    public var hosts: Int
    /// The seeds every answer was simulated with (one search per seed).
    public var seeds: [UInt64]
    /// The settings the answers rest on.
    public var settings: PlanSettingsEcho
    /// The planner-style formula for the same estate: Σ per-VM churn at the percentile × (1 + growth) × 8.
    public var formula: FormulaAnswer
    /// Minimum circuit bandwidth for 100 % and for 90 % of cycles within the target RPO.
    public var bandwidth: [BandwidthAnswer]
    /// RPO reached at a given bandwidth (`--bandwidth`, default the scenario's circuit).
    public var achievable: AchievableRPO
    /// RPO violations at the 90 % bandwidth (its p50); absent when that bandwidth was not found.
    public var whatIf: WhatIf?
    /// UploadThreadsPerVM per host.
    public var threads: ThreadsPlan
    /// `ok` when every bandwidth target was met within the search range, otherwise `unreachable`.
    public var status: Status
    /// One sentence per problem when `status` is `unreachable`: why, and what is closest.
    public var problems: [String]
    /// Simulated runs the plan took (cached evaluations counted once).
    public var simulatedRuns: Int

    public enum Status: String, Codable, Sendable {
        case ok, unreachable
    }
}

/// The settings a plan used.
public struct PlanSettingsEcho: Codable, Sendable, Equatable {
    public var targetRPOSeconds: Double
    public var frequencySeconds: Double
    public var threadsPerVM: Int
    /// Churn percentile (0...1] and growth (≥ 0) as in the scenario's `plan` section.
    public var churnPercentile: Double
    public var growth: Double
    /// Relative search tolerance: a bisection stops when high / low ≤ 1 + tolerance.
    public var tolerance: Double
    /// The search range of the circuit bandwidth.
    public var minimumBitsPerSecond: Double
    public var maximumBitsPerSecond: Double
    /// The circuit policer (`dual`: up to twice the bandwidth while both connections are up).
    public var policer: String
    /// Simulated duration and the start of the measured interval of each run.
    public var durationSeconds: Double
    public var measurementStartSeconds: Double
}

/// The formula answer: what a planner computes from churn alone.
public struct FormulaAnswer: Codable, Sendable, Equatable {
    /// Σ over VMs of the churn at the percentile, bytes per second (before growth).
    public var churnBytesPerSecond: Double
    /// × (1 + growth) × compressibility × 8: the formula's bandwidth, bits per second.
    public var bitsPerSecond: Double
    /// Σ mean churn × (1 + growth) × compressibility × 8: the sustained load, bits per second. Below it (or below
    /// half of it with a dual policer) the backlog grows without bound, so the search starts there.
    public var sustainedBitsPerSecond: Double
}

/// The minimum bandwidth for one target share of cycles.
public struct BandwidthAnswer: Codable, Sendable, Equatable {
    /// The share of cycles that must be within the target RPO (1 or 0.9).
    public var targetShare: Double
    /// Spread of the per-seed answers; absent when some seed could not meet the target within the range.
    public var bitsPerSecond: Band?
    /// Each seed's answer (nil: not met at the maximum), in seed order.
    public var perSeedBitsPerSecond: [Double?]
    /// The formula's bandwidth and the p50 answer divided by it.
    public var formulaBitsPerSecond: Double
    public var ratioToFormula: Double?
    /// What binds at the answer (the run of the median seed; at the maximum when unreachable): the existing
    /// bottleneck attribution and its share of the measured interval.
    public var binding: String
    public var bindingShare: Double
    /// Why the simulation differs from the formula, one sentence.
    public var whyDifferent: String
    /// Share of cycles within target at the maximum bandwidth (p50 over seeds), when unreachable: the closest.
    public var closestShare: Double?
}

/// RPO at one bandwidth.
public struct AchievableRPO: Codable, Sendable, Equatable {
    public var bandwidthBitsPerSecond: Double
    /// The worst RPO (met by 100 % of cycles) and the 90th-percentile RPO (met by 90 %), seconds.
    public var rpo100Seconds: Band?
    public var rpo90Seconds: Band?
    /// Share of cycles within the target RPO.
    public var shareWithinTarget: Band?
    public var binding: String
}

/// RPO violations at a bandwidth (the Deployment Planner's what-if).
public struct WhatIf: Codable, Sendable, Equatable {
    public var bandwidthBitsPerSecond: Double
    /// Violation episodes (a VM's consecutive cycles above the target), the longest, and the most in one day.
    public var violations: Band
    public var longestSeconds: Band
    public var peakPerDay: Band
    public var worstRPOSeconds: Band
}

/// UploadThreadsPerVM per Hyper-V host (docs/planning.md, "Threads per host").
public struct ThreadsPlan: Codable, Sendable, Equatable {
    /// The circuit bandwidth every host's runs use (the achievable-RPO bandwidth), bits/s.
    public var bandwidthBitsPerSecond: Double
    /// Each run copies one host's VMs alone for `windowSeconds` (initial replication only, no faults); IR throughput
    /// comes from the copy rates measured from `measuredFromSeconds` on, extrapolated to the end of the copy.
    public var windowSeconds: Double
    public var measuredFromSeconds: Double
    /// Thread counts tried: 1...maxThreads.
    public var maxThreads: Int
    /// Share of the best IR throughput the answer must reach (0.95).
    public var shareOfBest: Double
    /// One answer per host with VMs, in host order.
    public var hosts: [HostThreads]
}

/// One host's UploadThreadsPerVM answer.
public struct HostThreads: Codable, Sendable, Equatable {
    public var host: String
    public var vms: Int
    /// The fewest threads per VM whose IR throughput reaches `shareOfBest` of the best over 1...maxThreads: spread
    /// over the seeds, and the setting to use (the p50 rounded up).
    public var threads: Band
    public var recommendedThreads: Int
    /// The thread count with the best IR throughput, and that throughput (bits/s).
    public var bestThreads: Band
    public var bestBitsPerSecond: Band
    /// IR throughput at 1...maxThreads threads per VM (p50 over the seeds), bits/s.
    public var throughputBitsPerSecond: [Double]
    /// How far throughput falls past the best: 1 − (the lowest at more threads than the best) / best.
    public var dropPastBest: Band
    /// More threads hurt (throttling): the p50 drop is more than 1 − shareOfBest.
    public var moreThreadsHurt: Bool
    /// What binds at the recommended threads (the median seed's run) and its share of the measured interval.
    public var binding: String
    public var bindingShare: Double
}
