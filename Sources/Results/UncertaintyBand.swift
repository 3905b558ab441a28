/// How much a point's outcome varies with the random seed: p5, p50 and p95 over the runs that differ only in their
/// `seed` parameter (`replsim sweep --seeds N` adds that axis).
///
/// Derived from ``ResultFile/runs`` (see ``ResultFile/bands``), so a merged result and a single-machine result of
/// the same runs carry the same bands.
public struct UncertaintyBand: Codable, Sendable, Equatable {
    /// The point: the runs' id without the `seed` assignment (`"vms=3,threadsPerVM=8"`; `"run"` without axes).
    public var id: String
    /// The point's assignments without `seed`, in axis order.
    public var parameters: [Parameter]
    /// The seeds the band is taken over, in run order.
    public var seeds: [String]
    /// Mean payload throughput over the measured interval, bits per second.
    public var throughputBitsPerSecond: Band
    /// Seconds until the last VM finished initial replication; absent unless every seed's run finished it.
    public var initialReplicationSeconds: Band?
    /// Share (0...1) of RPO samples within the target; absent unless every seed's run had cycles.
    public var shareWithinTargetRPO: Band?

    public init(
        id: String, parameters: [Parameter], seeds: [String], throughputBitsPerSecond: Band,
        initialReplicationSeconds: Band? = nil, shareWithinTargetRPO: Band? = nil
    ) {
        self.id = id
        self.parameters = parameters
        self.seeds = seeds
        self.throughputBitsPerSecond = throughputBitsPerSecond
        self.initialReplicationSeconds = initialReplicationSeconds
        self.shareWithinTargetRPO = shareWithinTargetRPO
    }

    /// The parameter key of the seed axis.
    public static let seedKey = "seed"

    /// One band per point whose runs differ only in `seed`, in order of the point's first run; `nil` when no run
    /// has a `seed` parameter (a file without a seed axis carries no bands).
    /// - Complexity: O(n log n) in the number of runs.
    public static func bands(of runs: [RunResult]) -> [UncertaintyBand]? {
        guard runs.contains(where: { $0.parameters.contains { $0.key == seedKey } }) else { return nil }
        var order: [String] = []
        var groups: [String: [RunResult]] = [:]
        for run in runs {
            let id = RunResult.makeID(run.parameters.filter { $0.key != seedKey })
            if groups[id] == nil { order.append(id) }
            groups[id, default: []].append(run)
        }
        return order.compactMap { id in
            guard let group = groups[id], let first = group.first else { return nil }
            let irs = group.compactMap { $0.initialReplication?.overallSeconds }
            let shares = group.compactMap { $0.cycles?.shareWithinTargetRPO }
            return UncertaintyBand(
                id: id, parameters: first.parameters.filter { $0.key != seedKey },
                seeds: group.map { $0.parameters.first { $0.key == seedKey }?.value ?? String($0.seed) },
                throughputBitsPerSecond: Band(samples: group.map(\.throughputBitsPerSecond)),
                initialReplicationSeconds: irs.count == group.count ? Band(samples: irs) : nil,
                shareWithinTargetRPO: shares.count == group.count ? Band(samples: shares) : nil)
        }
    }
}

/// The 5th, 50th and 95th percentiles of a sample, in the unit of the field that holds it.
///
/// Percentiles interpolate linearly between the closest ranks (Hyndman and Fan's definition 7, the default of
/// NumPy's `percentile` and R's `quantile`): for sorted `x[0..<n]`, `p` is at position `h = (n − 1)·p`, and the
/// value is `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`. With one sample all three equal it. So with 8 seeds
/// p5 lies between the two smallest values, not at the smallest.
public struct Band: Codable, Sendable, Equatable {
    public var p5: Double
    public var p50: Double
    public var p95: Double

    public init(p5: Double, p50: Double, p95: Double) {
        self.p5 = p5
        self.p50 = p50
        self.p95 = p95
    }

    /// - Precondition: `samples` is not empty.
    /// - Complexity: O(n log n) (sorts a copy).
    public init(samples: [Double]) {
        precondition(!samples.isEmpty, "a band needs at least one sample")
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Double {
            let position = Double(sorted.count - 1) * p
            let low = Int(position.rounded(.down))
            let high = Swift.min(low + 1, sorted.count - 1)
            return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
        }
        self.init(p5: percentile(0.05), p50: percentile(0.50), p95: percentile(0.95))
    }
}
