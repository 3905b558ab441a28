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
            add(SimDriver.kind(kind), end.flowSeconds(kind) - metrics.netAtStart.flowSeconds(kind))
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

    /// Initial replication per VM and in total. A VM that did not finish gets an estimated time: the run's end
    /// plus its bytes left at its copy rate over the measured interval (payload rate / compressibility).
    func initialReplication(stop: SimTime, measuredSeconds: Double) -> InitialReplication? {
        guard doc.phases != .delta else { return nil }
        let perVM = world.vms.map { $0.initialReplicationDoneAt?.inSeconds }
        let overall = perVM.contains { $0 == nil } ? nil : perVM.compactMap { $0 }.max()
        let vmBytes = world.vms.map(\.usedBytes)
        let compressibility = doc.replication.compressibility
        var bytesLeft: Int64 = 0
        var times: [Double?] = []
        for vm in world.vms.indices {
            if let done = perVM[vm] {
                times.append(done)
                continue
            }
            let copied = world.vms[vm].allStats.reduce(Int64(0)) { $0 + $1.bytesAcknowledged }
            let left = Swift.max(0, vmBytes[vm] - copied)
            bytesLeft += left
            let rate = metrics.measuredVMBytes[vm] / compressibility / measuredSeconds
            times.append(rate > 0 ? stop.inSeconds + Double(left) / rate : nil)
        }
        let time: Double? = times.contains { $0 == nil } ? nil : times.compactMap { $0 }.max()
        let payloadBits = vmBytes.map { Double($0) * compressibility * 8 }
        // Identical VMs: one VM's bits times the count (the sum of equal terms, rounded once).
        let identical = payloadBits.allSatisfy { $0 == payloadBits.first }
        let totalBits = identical ? (payloadBits.first ?? 0) * Double(world.vms.count) : payloadBits.reduce(0, +)
        return InitialReplication(
            perVMCompletionSeconds: perVM, overallSeconds: overall, bytesToCopy: vmBytes.reduce(0, +),
            bytesLeft: bytesLeft, perVMTimeSeconds: times, timeSeconds: time, timeIsEstimate: overall == nil,
            throughputBitsPerSecond: time.map { totalBits / $0 },
            perVMThroughputBitsPerSecond: times.enumerated().map { vm, time in time.map { payloadBits[vm] / $0 } })
    }

    /// Delta cycles sealed inside the measured interval (after the VM's initial replication): upload time =
    /// commit − seal; RPO just before the commit = upload time + frequency (the previous recovery point's data is
    /// one interval older). A cycle still uncommitted at the end counts with its RPO so far, if that already
    /// exceeds the target; otherwise it is too young to judge and is left out.
    func cycleStats(stop: SimTime) -> CycleStats? {
        guard doc.phases != .initial else { return nil }
        let frequency = Double(doc.replication.frequencyNanoseconds) / 1e9
        let target = Double(doc.replication.targetRPONanoseconds) / 1e9
        var uploads: [Double] = []
        var rpos: [Double] = []
        var count = 0
        var committed = 0
        var perVM: [[(startSeconds: Double, rpoSeconds: Double)]] = []
        for vm in world.vms.indices {
            var samples: [(startSeconds: Double, rpoSeconds: Double)] = []
            defer { perVM.append(samples.sorted { $0.startSeconds < $1.startSeconds }) }
            let seededAt = world.vms[vm].initialReplicationDoneAt?.nanoseconds ?? 0
            var seen = Set<Int>()
            for stats in world.vms[vm].allStats.reversed() {
                for cycle in stats.cycles where cycle.kind == .delta && cycle.supersededBy == nil {
                    guard seen.insert(cycle.cycle).inserted else { continue }
                    let sealed = cycle.sealedAt - coreEpoch
                    guard sealed > seededAt, sealed >= metrics.measureStart, sealed < metrics.measureEnd else { continue }
                    if let commit = cycle.committedAt {
                        let upload = Double(commit - cycle.sealedAt) / 1e9
                        uploads.append(upload)
                        rpos.append(upload + frequency)
                        samples.append((Double(sealed) / 1e9, upload + frequency))
                        committed += 1
                        count += 1
                    } else {
                        let age = Double(stop.nanoseconds - sealed) / 1e9 + frequency
                        if age > target {
                            rpos.append(age)
                            samples.append((Double(sealed) / 1e9, age))
                            count += 1
                        }
                    }
                }
            }
        }
        var stats = CycleStats(
            count: count, committed: committed, uploads: uploads, rpos: rpos, frequencySeconds: frequency,
            targetRPOSeconds: target)
        stats.violations = RPOViolations(perVM: perVM, targetSeconds: target, frequencySeconds: frequency)
        return stats
    }
}
