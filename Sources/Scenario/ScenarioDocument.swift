/// A validated, fully-resolved scenario: every default filled in, every preset expanded, every quantity in base
/// units. The simulator driver consumes this directly; `Codable` so that results can echo it.
///
/// Units everywhere: bandwidth in **bits per second** (`Double`), sizes in **bytes** (`Int64`), times and durations
/// in **nanoseconds** (`Int64`, simulated time starting at 0), ratios as `Double` in [0, 1] unless stated.
/// Defaults and their sources are listed in docs/scenarios.md (docs/sources.md sections in brackets below).
///
/// Promises (checked at load, see `ScenarioLoader`): every bandwidth and capacity > 0; threads in 1...32;
/// frequency ∈ {30 s, 5 min, 15 min}; target RPO ≥ frequency; chunk size a multiple of 512 and ≤ 4 MiB;
/// losses in [0, 1); used fractions in (0, 1]; every fault starts inside [0, duration); at least one path to storage.
public struct ScenarioDocument: Sendable, Equatable, Codable {
    /// Scenario name (default: the file name without extension). Used for result folders.
    public var name: String
    /// Free text: the question the scenario answers (default empty).
    public var description: String
    /// Root seed of the run's random streams (default 1).
    public var seed: UInt64
    /// Simulated time limit in ns: the run stops here (default 1 h).
    public var durationNanoseconds: Int64
    /// Interval over which means (throughput, RPO shares) are measured (default: the whole run).
    public var measurement: MeasurementWindow
    /// Wall-clock position of simulated time 0, in ns since Monday 00:00 UTC (default 0 = Monday 00:00 UTC).
    /// Used by diurnal churn and the bandwidth throttle's work hours. YAML: `startsAt: "mon 09:00"`.
    public var startOffsetNanoseconds: Int64
    /// Which replication phases run (default `.initialThenDelta`).
    public var phases: Phases
    /// Hyper-V hosts, in file order; VMs are placed on them by `vms.placement`. Default: one host `host-1`.
    public var hosts: [Host]
    /// The replicating VMs: `count` identical VMs, or a list of VMs that differ (`vms.members`).
    public var vms: VMGroup
    /// ASR replication settings (frequency, RPO, threads, chunking, retries, throttle).
    public var replication: Replication
    /// The circuit, TCP settings and fallback paths.
    public var network: Network
    /// The target storage account's scalability targets.
    public var storage: StorageAccount
    /// Faults injected during the run, in file order.
    public var faults: [Fault]
    /// `replsim plan` knobs (YAML `plan:`); nil when the file has no `plan` section (defaults then apply).
    /// Runs and sweeps do not read it.
    public var plan: PlanSettings? = nil
}

/// How `replsim plan` turns churn into a planning load, as the Azure Site Recovery Deployment Planner does: the
/// churn percentile of each VM's profile or trace, times (1 + growth) (docs/sources.md §2.1).
public struct PlanSettings: Sendable, Equatable, Codable {
    /// Percentile of each VM's churn over the run that the formula answer uses, in (0, 1] (default 0.95).
    public var churnPercentile: Double
    /// Expected churn growth over the planning horizon, ≥ 0 (default 0.3): simulated churn and the formula's
    /// churn are both scaled by (1 + growth).
    public var growth: Double

    public init(churnPercentile: Double = 0.95, growth: Double = 0.3) {
        self.churnPercentile = churnPercentile
        self.growth = growth
    }
}

/// The measured interval `[startNanoseconds, endNanoseconds)` of a run; 0 ≤ start < end ≤ duration.
public struct MeasurementWindow: Sendable, Equatable, Codable {
    /// Start of the measured interval in ns (YAML `measurement.start`, default 0).
    public var startNanoseconds: Int64
    /// End of the measured interval in ns (YAML `measurement.end`, default the run's duration).
    public var endNanoseconds: Int64
}

/// The replication phases a run simulates. YAML `phases: initial | delta | both`.
public enum Phases: String, Sendable, Equatable, Codable, CaseIterable {
    /// Initial replication only: each VM copies its disks one by one [docs/sources.md §1.3]; the run ends when all are
    /// copied or at the duration.
    case initial
    /// Delta replication only: disks are assumed already seeded; cycles upload churn every `frequency`.
    case delta
    /// Initial replication, then delta cycles per VM once its initial replication completes (ASR's behaviour).
    case both
}

/// One Hyper-V host.
public struct Host: Sendable, Equatable, Codable {
    /// Unique host name (default `host-N`, 1-based).
    public var name: String
    /// Host NIC capacity in bits/s (default 10 Gbps; a 10 GbE NIC as in docs/sources.md §1.6).
    public var nicBitsPerSecond: Double
    /// CPU cores available for compression (default 16; replsim assumption). Only matters with a compression cost.
    public var cores: Int
}

/// How VMs are assigned to hosts.
public enum Placement: String, Sendable, Equatable, Codable, CaseIterable {
    /// VM i goes to host i mod hostCount (default).
    case roundRobin = "round-robin"
    /// VMs are split into contiguous blocks of ⌈count / hostCount⌉ per host, in host order.
    case packed
}

/// The replicating VMs: `count` identical VMs.
public struct VMGroup: Sendable, Equatable, Codable {
    /// Number of VMs, 1...10,000 (required; sweep alias `vms`).
    public var count: Int
    /// Assignment of VMs to `hosts` (default `.roundRobin`).
    public var placement: Placement
    /// Each VM's disks in copy order (initial replication copies them one by one, docs/sources.md §1.3).
    /// Default one disk of 127 GiB (Hyper-V's default dynamic VHDX size), 50 % used.
    public var disks: [Disk]
    /// Write churn of each VM (default `.none`).
    public var churn: Churn
    /// VMs that differ, one entry per VM in order (YAML `vms:` as a list, or `vms: {inventory: estate.csv}`);
    /// nil for `count` identical VMs. When set, `count` equals its length and `placement`, `disks` and `churn`
    /// above are unused: read every VM through ``spec(ofVM:hostCount:)``.
    public var members: [VMSpec]?

    public init(count: Int, placement: Placement, disks: [Disk], churn: Churn, members: [VMSpec]? = nil) {
        self.count = count
        self.placement = placement
        self.disks = disks
        self.churn = churn
        self.members = members
    }

    /// VM `vm` (0-based): its own entry when the VMs differ, otherwise the group's disks and churn on the host
    /// `placement` gives it, named `vm<N>`.
    /// - Complexity: O(disks) for a group (the disks are copied), O(1) for members.
    public func spec(ofVM vm: Int, hostCount: Int) -> VMSpec {
        if let members { return members[vm] }
        return VMSpec(name: "vm\(vm)", host: hostIndex(ofVM: vm, hostCount: hostCount), disks: disks, churn: churn)
    }

    /// Every VM in order (see ``spec(ofVM:hostCount:)``).
    /// - Complexity: O(count × disks).
    public func specs(hostCount: Int) -> [VMSpec] { (0..<count).map { spec(ofVM: $0, hostCount: hostCount) } }

    /// Host index (into `ScenarioDocument.hosts`) of VM `vm` (0-based) under `placement`; `hostCount` ≥ 1.
    /// - Complexity: O(1).
    public func hostIndex(ofVM vm: Int, hostCount: Int) -> Int {
        switch placement {
        case .roundRobin:
            return vm % hostCount
        case .packed:
            let perHost = (count + hostCount - 1) / hostCount
            return Swift.min(vm / perHost, hostCount - 1)
        }
    }
}

/// One VM of an estate whose VMs differ: its host, its disks and its churn.
public struct VMSpec: Sendable, Equatable, Codable {
    /// The VM's name (unique in the scenario; `vm<N>` for VMs of a group).
    public var name: String
    /// Index into `ScenarioDocument.hosts`.
    public var host: Int
    /// Its disks in copy order (1...17, each as in `VMGroup.disks`).
    public var disks: [Disk]
    /// Its write churn.
    public var churn: Churn

    public init(name: String, host: Int, disks: [Disk], churn: Churn) {
        self.name = name
        self.host = host
        self.disks = disks
        self.churn = churn
    }

    /// Bytes initial replication copies for this VM (its disks' used bytes).
    public var usedBytes: Int64 { disks.reduce(Int64(0)) { $0 + $1.usedBytes } }
}

/// One virtual disk, replicated as one page blob.
public struct Disk: Sendable, Equatable, Codable {
    /// Provisioned size in bytes, > 0 and ≤ 4,095 GB (ASR data-disk limit, docs/sources.md §1.4).
    public var sizeBytes: Int64
    /// Fraction of the disk holding data, in (0, 1]: initial replication copies `sizeBytes × usedFraction`.
    public var usedFraction: Double

    /// Bytes that initial replication copies: `sizeBytes × usedFraction`, rounded down to 512-byte pages.
    public var usedBytes: Int64 {
        let raw = Double(sizeBytes) * usedFraction
        return Int64(raw) / 512 * 512
    }
}
