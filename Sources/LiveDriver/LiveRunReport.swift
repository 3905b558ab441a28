import Results
import UploadCore

/// The outcome of a live run: the core's counters plus what the shell measured.
public struct LiveRunReport: Sendable {
    /// The core's counters (including what a resumed journal had acknowledged before).
    public var stats: UploadCoreStats
    /// Threads (connections) used.
    public var threads: Int
    /// Endpoint uploaded to, without credentials.
    public var endpoint: String
    /// Wall-clock seconds of the upload in this process.
    public var wallSeconds: Double
    /// Whether the run resumed from a journal with records.
    public var resumed: Bool
    /// Bytes acknowledged before this process started (from the journal).
    public var bytesAcknowledgedBefore: Int64
    /// Bytes acknowledged by this process.
    public var bytesAcknowledgedNow: Int64
    /// Put Page body bytes this process sent, acknowledged or not.
    public var bytesSent: Int64
    /// Put Page requests sent.
    public var requestsSent: Int
    /// Bytes sent again: after a failure (retries) plus those started but not acknowledged before a restart.
    public var bytesResent: Int64 { stats.bytesResentAfterFailure + stats.bytesResentAfterRecovery }
    /// zlib output / input over the chunks measured; `nil` without `--compress`.
    public var compressionRatio: Double?
    /// CPU seconds zlib took over all chunks.
    public var compressionCPUSeconds: Double
    /// Seconds the core paused all starts after throttled responses / after resets and errors.
    public var pausedSecondsThrottled: Double
    public var pausedSecondsFaults: Double
    /// Interval of ``throughputSeries``, seconds.
    public var seriesIntervalSeconds: Double
    /// Acknowledged throughput per interval, bits per second.
    public var throughputSeries: [Double]
    /// Seconds from the start of this process until every disk's initial replication was acknowledged; `nil` if
    /// it was complete before (a resumed run) or never completed.
    public var initialReplicationSeconds: Double?
    /// Bytes the sources hold as data: what initial replication copies.
    public var initialReplicationBytes: Int64
    /// Initial replication's time and throughput as `result.json` gives them (the statistics simulated runs use);
    /// `nil` when a resumed journal had finished it before this process started.
    public var initialReplication: InitialReplication?
    /// The delta cycles sealed by the cycle timer after initial replication (upload time, RPO and violations);
    /// `nil` for a run of initial replication only.
    public var cycles: CycleStats?
    /// Bytes the churn writer wrote into the sources.
    public var churnBytes: Int64

    /// Mean acknowledged payload throughput of this process, bits per second.
    public var throughputBitsPerSecond: Double {
        wallSeconds > 0 ? Double(bytesAcknowledgedNow) * 8 / wallSeconds : 0
    }

    /// Estimated request and response header bytes per Put Page (signed request headers ≈ 450 B, response
    /// ≈ 250 B), for `bytesOnWire`; an estimate, not a measurement (a `--capture` shows the real figure).
    public static let headerBytesPerRequest: Int64 = 700

    /// The run in the `result.json` schema shared with simulated runs (`RunMode.live`).
    ///
    /// The bottleneck is attributed coarsely: time with every start paused after a throttled response is
    /// `blobRequestRate`, after resets and errors `outage`, the rest `threads` (the client, the connections or
    /// the server; a loopback run cannot tell them apart without a capture).
    public func runResult(id: String, parameters: [Parameter], seed: UInt64 = 0) -> RunResult {
        let wall = Swift.max(wallSeconds, 1e-9)
        var shares: [String: Double] = [:]
        let throttled = Swift.min(1, pausedSecondsThrottled / wall)
        let faults = Swift.min(1 - throttled, pausedSecondsFaults / wall)
        if throttled > 0 { shares[BottleneckKind.blobRequestRate.rawValue] = throttled }
        if faults > 0 { shares[BottleneckKind.outage.rawValue] = faults }
        shares[BottleneckKind.threads.rawValue] = Swift.max(0, 1 - throttled - faults)
        let bottleneck =
            shares.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
            ?? BottleneckKind.threads.rawValue
        return RunResult(
            id: id, parameters: parameters, vms: 1, threadsPerVM: threads, seed: seed,
            simulatedSeconds: wallSeconds,
            measuredInterval: MeasuredInterval(startSeconds: 0, endSeconds: wallSeconds),
            throughputBitsPerSecond: throughputBitsPerSecond,
            peakThroughputBitsPerSecond: throughputSeries.max() ?? 0,
            bytesPayload: bytesAcknowledgedNow,
            bytesOnWire: bytesSent + Int64(requestsSent) * Self.headerBytesPerRequest,
            bottleneck: bottleneck, bottleneckShares: shares,
            timeSeries: ThroughputSeries(
                intervalSeconds: seriesIntervalSeconds, aggregateBitsPerSecond: throughputSeries),
            perVMThroughputBitsPerSecond: [throughputBitsPerSecond],
            initialReplication: initialReplication,
            cycles: cycles,
            retries: stats.retries, throttledRequests: stats.throttledResponses,
            resets: stats.connectionResets, bytesResent: bytesResent, eventCount: stats.chunksStarted,
            live: LiveRunInfo(wallSeconds: wallSeconds, endpoint: endpoint, compressionRatio: compressionRatio))
    }
}

extension LiveUploader {
    func makeReport() -> LiveRunReport {
        let wall = metrics.wallSeconds
        let series = metrics.throughputSeries()
        return LiveRunReport(
            stats: core.stats, threads: configuration.threads, endpoint: configuration.target.description,
            wallSeconds: wall, resumed: resumed, bytesAcknowledgedBefore: acknowledgedBeforeResume,
            bytesAcknowledgedNow: core.stats.bytesAcknowledged - acknowledgedBeforeResume,
            bytesSent: metrics.bytesSent, requestsSent: metrics.requestsSent,
            compressionRatio: metrics.compressedInput > 0
                ? Double(metrics.compressedOutput) / Double(metrics.compressedInput) : nil,
            compressionCPUSeconds: Double(metrics.compressNanos) / 1e9,
            pausedSecondsThrottled: Double(metrics.pausedNanosThrottled) / 1e9,
            pausedSecondsFaults: Double(metrics.pausedNanosFaults) / 1e9,
            seriesIntervalSeconds: series.intervalSeconds, throughputSeries: series.bitsPerSecond,
            initialReplicationSeconds: initialReplicationSeconds(),
            initialReplicationBytes: usedBytesPerDisk.reduce(0, +), initialReplication: initialReplication(),
            cycles: cycleStats(), churnBytes: churnBytes)
    }

    /// Start of this process's upload in the core's clock (epoch nanoseconds): time zero of the report.
    private var reportOrigin: Int64 { clock.originEpochNanos + metrics.startNanos }

    /// The run's initial replication as one VM (all its disks), through the statistics simulated runs use:
    /// measured when it finished in this process, else extrapolated from the bytes left at this process's
    /// acknowledged rate; `nil` when it had finished before this process started (a resumed journal).
    func initialReplication() -> InitialReplication? {
        let completed = core.stats.initialReplicationCompletedAt
        let done = !completed.contains { $0 == nil }
        if done, let last = completed.compactMap({ $0 }).max(), last < reportOrigin { return nil }
        let bytes = usedBytesPerDisk.reduce(0, +)
        let wall = metrics.wallSeconds
        let acknowledged = core.stats.bytesAcknowledged - acknowledgedBeforeResume
        let progress = InitialReplication.VMProgress(
            completionSeconds: done ? initialReplicationSeconds() : nil, bytesToCopy: bytes,
            // Cycles start only after initial replication, so until it finishes every acknowledged byte is a copy.
            bytesLeft: done ? 0 : Swift.max(0, bytes - core.stats.bytesAcknowledged),
            copyBytesPerSecond: wall > 0 ? Double(acknowledged) / wall : 0)
        return InitialReplication(vms: [progress], endSeconds: wall, compressibility: 1)
    }

    /// Seconds from this process's start until the last disk's initial copy was acknowledged (in this process or,
    /// for the disks a resumed journal had finished, before it); `nil` if it was complete before this process
    /// started, or never completed.
    func initialReplicationSeconds() -> Double? {
        let completed = core.stats.initialReplicationCompletedAt
        guard !completed.contains(where: { $0 == nil }), let last = completed.compactMap({ $0 }).max() else {
            return nil
        }
        let start = clock.originEpochNanos + metrics.startNanos
        return last >= start ? Double(last - start) / 1e9 : nil
    }

    /// The ``countedCycles()``, judged by the statistics simulated runs use (`CycleStats.init(perVM:…)`), with
    /// this process's start as time zero.
    func cycleStats() -> CycleStats? {
        guard configuration.deltaCycles > 0 else { return nil }
        let origin = reportOrigin
        let timings = countedCycles().map {
            CycleStats.Timing(sealedNanos: $0.sealedAt - origin, committedNanos: $0.committedAt.map { $0 - origin })
        }
        return CycleStats(
            perVM: [timings], endNanos: clock.now() - origin,
            frequencySeconds: Double(configuration.deltaIntervalNanos) / 1e9,
            targetRPOSeconds: Double(configuration.targetRPONanos) / 1e9)
    }
}
