import NetModel
import Results
import Scenario
import SimKernel
import UploadCore

extension ReplicationRun {
    /// Assembles the run's `RunResult` after `run()` stopped at `stop`.
    func result(id: String, parameters: [Parameter], stop: SimTime) -> RunResult {
        // Transfers still in flight count for what they delivered so far (`run()` brought the model to `stop`).
        for vm in world.vms.indices {
            for (_, chunk) in world.vms[vm].inFlight.sortedByChunk() {
                guard let transfer = chunk.transfer, let remaining = world.net.bitsRemaining(of: transfer) else {
                    continue
                }
                let bytes = Int64((Double(chunk.wireBytes) * 8 - remaining) / 8)
                metrics.delivered(vm: vm, bytes: bytes, from: chunk.startedAt, to: stop)
            }
        }
        let start = metrics.measureStart
        let end = Swift.max(start + 1, Swift.min(metrics.measureEnd, stop.nanoseconds))
        let seconds = Double(end - start) / 1e9
        let bucketSeconds = Double(metrics.bucketNanos) / 1e9
        let used = Int((stop.nanoseconds + metrics.bucketNanos - 1) / metrics.bucketNanos)
        let series = ThroughputSeries(
            intervalSeconds: bucketSeconds,
            aggregateBitsPerSecond: metrics.buckets.prefix(used).map { $0 * 8 / bucketSeconds },
            perVMBitsPerSecond: metrics.perVMSeries
                ? metrics.vmBuckets.map { $0.prefix(used).map { $0 * 8 / bucketSeconds } } : nil)
        let stats = world.vms.flatMap(\.allStats)
        let (bottleneck, shares) = attribution()
        return RunResult(
            id: id,
            parameters: parameters,
            vms: world.vms.count,
            threadsPerVM: doc.replication.uploadThreadsPerVM,
            seed: doc.seed,
            simulatedSeconds: stop.inSeconds,
            measuredInterval: MeasuredInterval(startSeconds: Double(start) / 1e9, endSeconds: Double(end) / 1e9),
            throughputBitsPerSecond: metrics.measuredPayloadBytes * 8 / seconds,
            peakThroughputBitsPerSecond: series.aggregateBitsPerSecond.max() ?? 0,
            bytesPayload: Int64(metrics.payloadBytes),
            bytesOnWire: Int64(metrics.wireBytes),
            bottleneck: bottleneck,
            bottleneckShares: shares,
            timeSeries: series,
            perVMThroughputBitsPerSecond: metrics.measuredVMBytes.map { $0 * 8 / seconds },
            initialReplication: initialReplication(stop: stop, measuredSeconds: seconds),
            cycles: cycleStats(stop: stop),
            retries: stats.reduce(0) { $0 + $1.retries },
            throttledRequests: metrics.throttled,
            resets: metrics.resets,
            bytesResent: Int64(
                Double(stats.reduce(0) { $0 + $1.bytesResentAfterFailure + $1.bytesResentAfterRecovery })
                    * doc.replication.compressibility),
            eventCount: sim.eventCount,
            limits: SimDriver.limits(of: doc))
    }

    /// Thread-time shares of the measured interval: transferring threads by what bound their flow (the network
    /// model's attribution), the others by what they waited for. The bottleneck is the largest share that is not
    /// `idle`, unless the threads were idle most of the time.
    func attribution() -> (String, [String: Double]) {
        // Sums run in a fixed order (kinds, then model kinds), never in a dictionary's order.
        var seconds: [(String, Double)] = []
        func add(_ name: String, _ value: Double) {
            guard value > 0 else { return }
            if let index = seconds.firstIndex(where: { $0.0 == name }) {
                seconds[index].1 += value
            } else {
                seconds.append((name, value))
            }
        }
        for (index, kind) in Metrics.kinds.enumerated() { add(kind.rawValue, metrics.activitySeconds[index]) }
        let end = metrics.netAtEnd ?? world.net.attribution
        for kind in Bottleneck.allCases {
            add(BottleneckKind(kind).rawValue, end.flowSeconds(kind) - metrics.netAtStart.flowSeconds(kind))
        }
        let total = seconds.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return (BottleneckKind.idle.rawValue, [:]) }
        var shares: [String: Double] = [:]
        for (kind, value) in seconds { shares[kind] = value / total }
        let ranked = shares.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let idle = BottleneckKind.idle.rawValue
        let busy = ranked.first { $0.key != idle }
        if let busy, (shares[idle] ?? 0) < 0.5 { return (busy.key, shares) }
        return (ranked[0].key, shares)
    }

    /// Initial replication per VM and in total (`InitialReplication.init(vms:…)`); a VM that did not finish is
    /// extrapolated at its copy rate over the measured interval (payload rate / compressibility).
    func initialReplication(stop: SimTime, measuredSeconds: Double) -> InitialReplication? {
        guard doc.phases != .delta else { return nil }
        let vmBytes = world.vms.map(\.usedBytes)
        let compressibility = doc.replication.compressibility
        let progress = world.vms.indices.map { vm in
            let copied = world.vms[vm].allStats.reduce(Int64(0)) { $0 + $1.bytesAcknowledged }
            return InitialReplication.VMProgress(
                completionSeconds: world.vms[vm].initialReplicationDoneAt?.inSeconds, bytesToCopy: vmBytes[vm],
                bytesLeft: Swift.max(0, vmBytes[vm] - copied),
                copyBytesPerSecond: metrics.measuredVMBytes[vm] / compressibility / measuredSeconds)
        }
        return InitialReplication(
            vms: progress, endSeconds: stop.inSeconds, compressibility: compressibility)
    }

    /// Delta cycles sealed inside the measured interval (after the VM's initial replication), judged by
    /// `CycleStats.init(perVM:…)`.
    func cycleStats(stop: SimTime) -> CycleStats? {
        guard doc.phases != .initial else { return nil }
        var perVM: [[CycleStats.Timing]] = []
        for vm in world.vms.indices {
            var timings: [CycleStats.Timing] = []
            let seededAt = world.vms[vm].initialReplicationDoneAt?.nanoseconds ?? 0
            var seen = Set<Int>()
            for stats in world.vms[vm].allStats.reversed() {
                for cycle in stats.cycles where cycle.kind == .delta && cycle.supersededBy == nil {
                    guard seen.insert(cycle.cycle).inserted else { continue }
                    let sealed = cycle.sealedAt - coreEpoch
                    guard sealed > seededAt, sealed >= metrics.measureStart, sealed < metrics.measureEnd else { continue }
                    timings.append(.init(sealedNanos: sealed, committedNanos: cycle.committedAt.map { $0 - coreEpoch }))
                }
            }
            perVM.append(timings)
        }
        return CycleStats(
            perVM: perVM, endNanos: stop.nanoseconds,
            frequencySeconds: Double(doc.replication.frequencyNanoseconds) / 1e9,
            targetRPOSeconds: Double(doc.replication.targetRPONanoseconds) / 1e9)
    }
}
