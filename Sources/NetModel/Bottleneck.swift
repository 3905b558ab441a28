/// What limits a flow class's rate at an instant: the binding constraint of max-min progressive filling, a
/// resource's kind or a TCP cap's reason. The model knows only these; the vocabulary of result files (which adds
/// what the driver attributes itself: too few threads, request overhead, outages, idle time) is `BottleneckKind` in
/// module Results, and SimDriver maps each case here to one of its kinds.
public enum Bottleneck: CaseIterable, Sendable {
    // TCP caps of one connection.
    /// The TCP window limit (window / RTT).
    case window
    /// The slow-start congestion window of a new or idle connection.
    case slowStart
    /// The loss-response limit (Mathis for Reno, RFC 9438 for CUBIC).
    case loss
    // Resources.
    /// A private-peering circuit connection (ExpressRoute policer).
    case circuit
    /// An internet fallback path.
    case fallbackPath
    /// A page blob's throughput target (60 MiB/s).
    case blobThroughput
    /// A page blob's request-rate target (500 req/s); reported by `admit` when it throttles.
    case blobRequestRate
    /// The storage account's ingress target.
    case accountIngress
    /// The storage account's request-rate target; reported by `admit` when it throttles.
    case accountRequestRate
    /// A host network interface.
    case nic
    /// A configured bandwidth throttle (MARS agent work-hours limit).
    case bandwidthThrottle
    /// Host CPU (compression, encryption) modelled as a resource.
    case hostCPU
    /// A generic resource with no specific meaning (and the binding of a class nothing limits).
    case other

    /// Dense index for arrays of totals, in `allCases` order.
    @inlinable public var index: Int {
        switch self {
        case .window: 0
        case .slowStart: 1
        case .loss: 2
        case .circuit: 3
        case .fallbackPath: 4
        case .blobThroughput: 5
        case .blobRequestRate: 6
        case .accountIngress: 7
        case .accountRequestRate: 8
        case .nic: 9
        case .bandwidthThrottle: 10
        case .hostCPU: 11
        case .other: 12
        }
    }
}

/// Time-weighted bottleneck attribution accumulated between reallocations.
///
/// For each kind: `bits` is the integral of the rate of flows bound by it (bits moved while bound),
/// `flowSeconds` the integral of the number of flows bound by it. `busySeconds` counts time with at least
/// one active flow. Shares: `bits(.blobThroughput) / totalBits`, or `flowSeconds(...) / totalFlowSeconds`.
public struct BottleneckTotals: Sendable, Equatable {
    public internal(set) var bitsByKind = [Double](repeating: 0, count: Bottleneck.allCases.count)
    public internal(set) var flowSecondsByKind = [Double](repeating: 0, count: Bottleneck.allCases.count)
    public internal(set) var busySeconds: Double = 0

    public init() {}

    public func bits(_ kind: Bottleneck) -> Double { bitsByKind[kind.index] }
    public func flowSeconds(_ kind: Bottleneck) -> Double { flowSecondsByKind[kind.index] }
    public var totalBits: Double { bitsByKind.reduce(0, +) }
    public var totalFlowSeconds: Double { flowSecondsByKind.reduce(0, +) }

    /// Share of flow-time bound by `kind` (0 when nothing ran).
    public func timeShare(_ kind: Bottleneck) -> Double {
        let total = totalFlowSeconds
        return total > 0 ? flowSeconds(kind) / total : 0
    }
}
