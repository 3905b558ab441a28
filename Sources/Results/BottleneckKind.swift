/// What can bind a run, as the strings `RunResult.bottleneck`, `RunResult.bottleneckShares` and
/// `ResourceLimit.kind` use: the one vocabulary of bottleneck kinds. Reports label each case (`BottleneckLabel`),
/// docs/results.md lists each case, and SimDriver maps each of the network model's kinds to one of them.
///
/// The result fields stay `String` so that a newer writer can add a kind without breaking older
/// readers; this enum is the vocabulary writers use. Sources for the caps: docs/sources.md §3 (storage
/// scalability targets: 60 MiB/s and 500 req/s per page blob), §4 (ExpressRoute), §5.2 (TCP).
public enum BottleneckKind: String, Codable, Sendable, Equatable, CaseIterable {
    /// Not enough upload threads for the work: demand (threads × per-connection rate) is the limit.
    case threads
    /// The TCP window divided by the RTT (receive window or congestion window ceiling).
    case window
    /// TCP slow start on new or idle connections.
    case slowStart
    /// The loss response of the congestion controller (Mathis / CUBIC response function).
    case loss
    /// Per-request costs: headers, server latency, one RTT for the response per chunk.
    case requestOverhead
    /// The Hyper-V host's network interface.
    case nic
    /// The host's CPU (compression on the host's cores, `compressionCost` in a scenario).
    case hostCPU
    /// The private-peering circuit (ExpressRoute) bandwidth.
    case circuit
    /// An internet fallback path after a circuit failure.
    case fallbackPath
    /// The storage account's ingress throughput cap.
    case accountIngress
    /// The storage account's request-rate cap (throttled with 503 + Retry-After).
    case accountRequestRate
    /// A page blob's throughput cap (60 MiB/s).
    case blobThroughput
    /// A page blob's request-rate cap (500 requests/s).
    case blobRequestRate
    /// The agent's configured bandwidth throttle (work / non-work hours).
    case bandwidthThrottle
    /// No usable path (circuit down before detection, retries backing off).
    case outage
    /// Nothing to send (churn below capacity, waiting for the next cycle).
    case idle
    /// A resource of no named kind (the network model's generic resource; no scenario creates one).
    case other
}
