import Results
import Scenario
import SimDriver

/// UploadThreadsPerVM per Hyper-V host: the setting is per host (every VM of the host uses it), so each host's VMs
/// copy their disks alone on the circuit at the achievable-RPO bandwidth, once per thread count 1...32 and seed, and
/// the answer is the fewest threads that reach 95 % of the best initial-replication (IR) throughput. Throughput is not
/// monotone in the threads (throttled requests back off, connections share the circuit), so this is a sweep, not a
/// bisection.
extension Planner {
    /// Thread counts tried: 1...maxThreads (the UploadThreadsPerVM range).
    public static let maxThreads = 32
    /// Share of the best IR throughput the answer must reach.
    public static let threadsShareOfBest = 0.95
    /// Simulated time of each thread run (at most the scenario's duration), and where its measurement starts.
    static let threadsWindowNanoseconds: Int64 = 120_000_000_000

    /// Host indices with at least one VM, in host order: one thread sweep each.
    var plannedHosts: [Int] {
        let used = Set(base.vms.specs(hostCount: base.hosts.count).map(\.host))
        return base.hosts.indices.filter { used.contains($0) }
    }

    /// The measured run length and its measurement start for the thread runs.
    var threadsWindow: (duration: Int64, start: Int64) {
        let duration = Swift.min(Self.threadsWindowNanoseconds, base.durationNanoseconds)
        return (duration, duration / 6)
    }

    /// Host `host`'s VMs alone (renumbered onto one host), initial replication only, `threads` per VM, at the
    /// achievable-RPO bandwidth, without the scenario's faults, over ``threadsWindow``.
    func hostDocument(host: Int, threads: Int, seed: UInt64) -> ScenarioDocument {
        var doc = base
        let members = doc.vms.specs(hostCount: doc.hosts.count).filter { $0.host == host }.map { vm -> VMSpec in
            var vm = vm
            vm.host = 0
            return vm
        }
        doc.hosts = [doc.hosts[host]]
        doc.vms.members = members
        doc.vms.count = members.count
        doc.phases = .initial
        doc.faults = []
        doc.seed = seed
        doc.replication.uploadThreadsPerVM = threads
        doc.network.circuit?.bandwidthBitsPerSecond = achievableBitsPerSecond
        let window = threadsWindow
        doc.durationNanoseconds = window.duration
        doc.measurement.startNanoseconds = window.start
        doc.measurement.endNanoseconds = window.duration
        return doc
    }

    /// One host's thread sweep over every seed (a unit of `replsim plan --shard`): the IR throughput and what
    /// binds at each thread count.
    public func sweepThreads(host: Int) throws -> HostThreadsOutcome {
        var perSeed: [[ThreadRun]] = []
        for seed in options.seeds {
            let runs = try parallelMap(Array(1...Self.maxThreads), jobs: options.jobs) { threads in
                let doc = self.hostDocument(host: host, threads: threads, seed: seed)
                let run = try SimDriver.run(
                    doc, id: "host=\(self.base.hosts[host].name),threadsPerVM=\(threads),seed=\(seed)",
                    options: SimDriver.Options(checkInvariants: false))
                return ThreadRun(
                    bitsPerSecond: run.initialReplication?.throughputBitsPerSecond ?? 0, bottleneck: run.bottleneck,
                    bottleneckShare: run.bottleneckShare)
            }
            perSeed.append(runs)
        }
        let vms = base.vms.specs(hostCount: base.hosts.count).count { $0.host == host }
        return HostThreadsOutcome(host: base.hosts[host].name, vms: vms, perSeed: perSeed)
    }

    /// The threads answer from every host's sweep (in host order).
    func threadsPlan(_ outcomes: [HostThreadsOutcome]) -> ThreadsPlan {
        let window = threadsWindow
        return ThreadsPlan(
            bandwidthBitsPerSecond: achievableBitsPerSecond, windowSeconds: Double(window.duration) / 1e9,
            measuredFromSeconds: Double(window.start) / 1e9, maxThreads: Self.maxThreads,
            shareOfBest: Self.threadsShareOfBest, hosts: outcomes.map(Self.hostThreads))
    }

    /// One host's answer: per seed the fewest threads within ``threadsShareOfBest`` of the best, the best, and
    /// how far throughput falls past it; bands over the seeds.
    static func hostThreads(_ outcome: HostThreadsOutcome) -> HostThreads {
        var fewest: [Double] = []
        var bestThreads: [Double] = []
        var best: [Double] = []
        var drops: [Double] = []
        for runs in outcome.perSeed {
            let rates = runs.map(\.bitsPerSecond)
            let top = rates.max() ?? 0
            let topIndex = rates.firstIndex(of: top) ?? 0
            fewest.append(Double((rates.firstIndex { $0 >= threadsShareOfBest * top } ?? topIndex) + 1))
            bestThreads.append(Double(topIndex + 1))
            best.append(top)
            let lowestPast = rates[(topIndex + 1)...].min() ?? top
            drops.append(top > 0 ? 1 - lowestPast / top : 0)
        }
        let threads = Band(samples: fewest)
        let recommended = Int(threads.p50.rounded(.up))
        let median = outcome.perSeed[outcome.perSeed.count / 2][recommended - 1]
        let curve = (0..<maxThreads).map { index in Band(samples: outcome.perSeed.map { $0[index].bitsPerSecond }).p50 }
        let drop = Band(samples: drops)
        return HostThreads(
            host: outcome.host, vms: outcome.vms, threads: threads, recommendedThreads: recommended,
            bestThreads: Band(samples: bestThreads), bestBitsPerSecond: Band(samples: best),
            throughputBitsPerSecond: curve, dropPastBest: drop, moreThreadsHurt: drop.p50 > 1 - threadsShareOfBest,
            binding: median.bottleneck, bindingShare: median.bottleneckShare)
    }
}

/// One thread count's run of one host and seed.
public struct ThreadRun: Codable, Sendable, Equatable {
    /// IR throughput (payload bits over the IR time, estimated past the window), bits/s.
    public var bitsPerSecond: Double
    public var bottleneck: String
    public var bottleneckShare: Double
}

/// One host's thread sweep: `perSeed[s][t - 1]` is seed `s`'s run with `t` threads per VM.
public struct HostThreadsOutcome: Codable, Sendable, Equatable {
    public var host: String
    public var vms: Int
    public var perSeed: [[ThreadRun]]
}
