import Foundation

/// What simulating a scenario will cost, estimated from its sizes before anything runs: sizes valid one by one can be
/// absurd together (a 200,000-host list, 10,000 VMs for a day, 512-byte chunks on a 4,095 GB disk).
///
/// **Events.** The simulator's cost grows with events, and a run's events are mostly chunk transfers (about two
/// events per chunk in the CI scenarios: `eventCount` against bytes moved / chunk size in results/baseline). A run
/// moves at most what it has to copy (initial replication: used bytes; delta cycles: mean churn × duration, per VM)
/// and at most what its narrowest shared resource carries in the duration (circuit plus fallback paths, storage
/// ingress). Events ≈ 2.5 × chunks + 4 per delta cycle per VM + 2 per fault, summed over the sweep's runs.
///
/// **Memory.** What one run holds is set by the estate, not by the bytes moved (the upload core cuts a disk's chunks
/// as threads take them): about 16 KiB per VM plus 1 KiB per upload thread, 2 KiB per host core, and the queue of
/// chunks a delta cycle can hold (the churn of one interval per VM, at most the resync threshold of its disks, 64 B per
/// chunk). A scenario with host restarts also keeps each VM's journal, two records per chunk moved.
///
/// The estimate is an order of magnitude, for refusing the absurd early; the limits are far above every shipped
/// scenario (the default 160-run sweep is about 10⁸ events).
public struct WorkEstimate: Sendable, Equatable {
    /// Runs (sweep points).
    public var runs: Int
    /// Events of all runs.
    public var events: Double
    /// Chunk transfers of all runs.
    public var chunks: Double
    /// Memory of the largest single run, bytes.
    public var peakRunMemoryBytes: Double

    /// Above these a run warns (minutes of CPU time: a release build does about 2.5 million events a second, or
    /// GBs of memory).
    public static let warnEvents = 5e8
    public static let warnMemoryBytes = 4.0 * 1_073_741_824
    /// Above these it is refused unless forced (half an hour of CPU time and more, or more memory than a 24 GiB machine has to spare).
    public static let refuseEvents = 5e9
    public static let refuseMemoryBytes = 16.0 * 1_073_741_824

    /// The estimate of every point of `scenario`'s sweep.
    /// - Complexity: O(sweep points × (disks + hosts + faults)).
    public init(_ scenario: Scenario) {
        let points = scenario.expandSweep().map(\.document)
        self.init(points.isEmpty ? [scenario.document] : points)
    }

    /// The estimate of these runs.
    public init(_ documents: [ScenarioDocument]) {
        runs = documents.count
        events = 0
        chunks = 0
        peakRunMemoryBytes = 0
        for document in documents {
            let run = Self.run(document)
            events += run.events
            chunks += run.chunks
            peakRunMemoryBytes = Swift.max(peakRunMemoryBytes, run.memory)
        }
    }

    /// What the estimate says: nothing, a warning, or a refusal (unless forced), with the reason.
    public enum Verdict: Sendable, Equatable {
        case fine
        case warn(String)
        case refuse(String)
    }

    public var verdict: Verdict {
        if events > Self.refuseEvents || peakRunMemoryBytes > Self.refuseMemoryBytes {
            return .refuse(
                "\(summary) is beyond the limit (\(Self.format(count: Self.refuseEvents)) events, "
                    + "\(Self.format(bytes: Self.refuseMemoryBytes)) per run); shrink the scenario (fewer VMs, hosts "
                    + "or sweep points, a shorter duration, larger chunks) or pass --force")
        }
        if events > Self.warnEvents || peakRunMemoryBytes > Self.warnMemoryBytes {
            return .warn("\(summary): this will take long or use much memory")
        }
        return .fine
    }

    /// "about 3.2e9 events (1.3e9 chunks) in 160 runs, 1.2 GiB per run".
    public var summary: String {
        "about \(Self.format(count: events)) events (\(Self.format(count: chunks)) chunks) in \(runs) "
            + "run\(runs == 1 ? "" : "s"), \(Self.format(bytes: peakRunMemoryBytes)) per run"
    }

    private static func run(_ d: ScenarioDocument) -> (events: Double, chunks: Double, memory: Double) {
        let seconds = Double(d.durationNanoseconds) / 1e9
        let vms = Double(d.vms.count)
        // VMs that differ are summed one by one; a group of identical VMs is one VM times the count.
        let specs = d.vms.members ?? [d.vms.spec(ofVM: 0, hostCount: 1)]
        let copies = d.vms.members == nil ? vms : 1
        let chunk = Double(Swift.max(d.replication.chunkSizeBytes, 1))
        let initial = d.phases == .delta ? 0 : d.vms.totalUsedBytes
        let churnRate = d.phases == .initial ? 0 : specs.reduce(0.0) { $0 + $1.churn.meanBytesPerSecond }
        var capacityBits = d.storage.ingressBitsPerSecond
        let pathBits =
            (d.network.circuit?.bandwidthBitsPerSecond ?? 0)
            + d.network.fallbackPaths.reduce(0) { $0 + $1.capacityBitsPerSecond }
        if pathBits > 0 { capacityBits = Swift.min(capacityBits, pathBits) }
        let movable = capacityBits.isFinite && capacityBits > 0 ? capacityBits / 8 * seconds : .infinity
        let moved = Swift.min(initial + copies * churnRate * seconds, movable)
        let chunks = moved / chunk + copies * Double(specs.reduce(0) { $0 + $1.disks.count })
        let cycles = d.phases == .initial ? 0 : vms * seconds / Swift.max(Double(d.replication.frequencyNanoseconds) / 1e9, 1e-3)
        let events = 2.5 * chunks + 4 * cycles + 2 * Double(d.faults.count)

        let perVMMemory = specs.reduce(0.0) { sum, spec in
            let diskBytes = Double(spec.disks.reduce(Int64(0)) { $0 + $1.sizeBytes })
            let rate = d.phases == .initial ? 0 : spec.churn.meanBytesPerSecond
            let cycleBytes = Swift.min(
                rate * Double(d.replication.frequencyNanoseconds) / 1e9, diskBytes * d.replication.resyncThreshold)
            return sum + (16_384 + 1_024 * Double(d.replication.uploadThreadsPerVM) + 64 * cycleBytes / chunk)
        }
        let cores = d.hosts.reduce(0) { $0 + Double(Swift.max($1.cores, 1)) }
        var memory =
            copies * perVMMemory
            + 2_048 * Swift.max(cores, Double(d.hosts.count))
        if d.faults.contains(where: { if case .hostRestart = $0 { true } else { false } }) { memory += 2 * 80 * chunks }
        return (events, chunks, memory)
    }

    static func format(count: Double) -> String {
        count < 1e4 ? String(Int(count)) : String(format: "%.1e", count)
    }

    static func format(bytes: Double) -> String {
        bytes < 1_048_576 ? "\(Int(bytes / 1024)) KiB" : bytes < 1_073_741_824
            ? "\(Int(bytes / 1_048_576)) MiB" : String(format: "%.1f GiB", bytes / 1_073_741_824)
    }
}
