/// A fault injected at a simulated time.
public enum Fault: Sendable, Equatable, Codable {
    /// Circuit connection(s) down. YAML
    /// `- circuitDown: {connection: both, at: 10m, for: 5m, detection: bgp, restoration: 10s}`.
    case circuitDown(CircuitOutage)
    /// A storage throttling storm: extra latency and/or a share of requests answered 503.
    /// YAML `- throttlingStorm: {at: 5m, for: 2m, extraLatency: 200ms, forced503: 20%}`.
    case throttlingStorm(ThrottlingStorm)
    /// A Hyper-V host restarts; its VMs' cores recover from their journals.
    /// YAML `- hostRestart: {host: host-1, at: 20m, downFor: 2m}`.
    case hostRestart(HostRestart)

    /// Simulated time at which the fault starts, in ns.
    public var startNanoseconds: Int64 {
        switch self {
        case .circuitDown(let outage): outage.atNanoseconds
        case .throttlingStorm(let storm): storm.atNanoseconds
        case .hostRestart(let restart): restart.atNanoseconds
        }
    }
}

/// Which circuit connection a fault takes down.
public enum CircuitConnection: String, Sendable, Equatable, Codable, CaseIterable {
    /// The primary connection, the secondary connection, or both (the circuit is then down).
    case primary, secondary, both
}

/// How fast routing notices a dead connection (docs/sources.md §4).
public enum FailureDetection: Sendable, Equatable, Codable {
    /// BGP hold timer: 180 s (MSEE default keepalive 60 s / hold 180 s). YAML `detection: bgp`.
    case bgp
    /// BFD 300 ms × 3 ≈ 0.9 s. YAML `detection: bfd`.
    case bfd
    /// An explicit delay. YAML `detection: 10s`.
    case fixed(nanoseconds: Int64)

    /// The detection delay in ns.
    public var delayNanoseconds: Int64 {
        switch self {
        case .bgp: 180_000_000_000
        case .bfd: 900_000_000
        case .fixed(let nanoseconds): nanoseconds
        }
    }
}

/// Parameters of `Fault.circuitDown`.
public struct CircuitOutage: Sendable, Equatable, Codable {
    /// Which connection(s) go down (default `.both`).
    public var connection: CircuitConnection
    /// Start in ns, in [0, duration).
    public var atNanoseconds: Int64
    /// Outage length in ns (> 0); nil (YAML key absent) means down until the end of the run.
    public var forNanoseconds: Int64?
    /// Detection delay before traffic moves to the fallback path (default `.bgp`).
    public var detection: FailureDetection
    /// Delay after the connection is back before traffic returns to it, in ns (default 10 s; replsim assumption).
    public var restorationNanoseconds: Int64
}

/// Parameters of `Fault.throttlingStorm`.
public struct ThrottlingStorm: Sendable, Equatable, Codable {
    /// Start in ns, in [0, duration).
    public var atNanoseconds: Int64
    /// Length in ns (> 0).
    public var forNanoseconds: Int64
    /// Latency added to every storage request during the storm, in ns (default 0).
    public var extraLatencyNanoseconds: Int64
    /// Share of requests answered "503 Server Busy" during the storm, in [0, 1] (default 0).
    public var forced503Share: Double
}

/// Parameters of `Fault.hostRestart`.
public struct HostRestart: Sendable, Equatable, Codable {
    /// Index into `ScenarioDocument.hosts` (YAML names the host; default the first host).
    public var hostIndex: Int
    /// Restart time in ns, in [0, duration).
    public var atNanoseconds: Int64
    /// Time the host is down before its VMs resume, in ns (default 0).
    public var downForNanoseconds: Int64
}

/// Named storage-account presets (docs/sources.md §3.1 table; per-blob targets from §3.2).
public enum StoragePreset: String, Sendable, CaseIterable {
    /// 2015-03 targets, US regions, GRS: 10 Gbps ingress, 20,000 req/s.
    case usGRS2015 = "us-grs-2015"
    /// 2015-03 targets, US regions, LRS: 20 Gbps ingress, 20,000 req/s.
    case usLRS2015 = "us-lrs-2015"
    /// 2015-03 targets, Europe/Asia, GRS: 5 Gbps ingress, 20,000 req/s.
    case euAsiaGRS2015 = "eu-asia-grs-2015"
    /// 2015-03 targets, Europe/Asia, LRS: 10 Gbps ingress, 20,000 req/s.
    case euAsiaLRS2015 = "eu-asia-lrs-2015"
    /// 2025-11 targets, listed major regions: 60 Gbps ingress, 40,000 req/s.
    case majorRegion2025 = "major-region-2025"
    /// 2025-11 targets, other regions: 25 Gbps ingress, 20,000 req/s.
    case otherRegion2025 = "other-region-2025"

    /// The preset's values. Every preset has the per-blob 60 MiB/s and 500 req/s targets (docs/sources.md §3.2; the
    /// 2015 text says "60 MB per second", replsim uses 60 MiB/s as the current page-blob target and §7 does),
    /// and the default server latency (median 5 ms, σ 0.5; replsim assumption).
    public var account: StorageAccount {
        let (ingressGbps, requests): (Double, Double) =
            switch self {
            case .usGRS2015: (10, 20_000)
            case .usLRS2015: (20, 20_000)
            case .euAsiaGRS2015: (5, 20_000)
            case .euAsiaLRS2015: (10, 20_000)
            case .majorRegion2025: (60, 40_000)
            case .otherRegion2025: (25, 20_000)
            }
        return StorageAccount(
            preset: rawValue,
            ingressBitsPerSecond: ingressGbps * 1e9,
            requestsPerSecond: requests,
            blobBitsPerSecond: 60 * 1_048_576 * 8,
            blobRequestsPerSecond: 500,
            serverLatencyMedianNanoseconds: 5_000_000,
            serverLatencySigma: 0.5
        )
    }
}
