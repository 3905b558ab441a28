import Foundation
import NIOCore
import UploadCore

/// Progress of a live run, handed to the caller's callback after every acknowledged chunk.
public struct LiveProgress: Sendable {
    /// Bytes acknowledged, including those acknowledged before a resume.
    public var bytesAcknowledged: Int64
    /// Bytes the run has to upload in all (acknowledged + left).
    public var bytesTotal: Int64
    /// Bytes acknowledged in this process.
    public var bytesThisRun: Int64
    /// Seconds since this process started uploading.
    public var elapsedSeconds: Double
    /// Retries so far in this process.
    public var retries: Int
    /// Delta cycles committed after initial replication, and how many the run makes (0: initial replication only).
    public var cyclesCommitted: Int = 0
    public var cyclesPlanned: Int = 0
    /// Failures in a row the retry policy has counted (0 once a request succeeds again), the count at which it gives
    /// up (`nil`: never), and what the last failure was (the server's answer or the connection error; `nil` once a
    /// request succeeded after it).
    public var failuresInARow: Int = 0
    public var giveUpAfter: Int?
    public var lastFailure: String?
}

/// The live shell around ``UploadCore``: real clock, real timers, one real connection per upload thread.
///
/// The actor owns the core and is the one place where core actions are carried out, in the order the core gave
/// them (mirroring SimDriver's `ReplicationRun.apply`): `startChunk` hands the chunk to a detached task that reads,
/// checksums and sends it on its thread's connection and reports back; `scheduleTimer` starts a task sleeping on
/// `ContinuousClock` that delivers `timerFired`; `appendJournal` writes the journal; `commitCycle` fsyncs it.
///
/// ```swift
/// let uploader = try LiveUploader(configuration: configuration)
/// let report = try await uploader.run { progress in print(progress.bytesAcknowledged) }
/// ```
public actor LiveUploader {
    /// The run's settings.
    public let configuration: LiveConfiguration
    let sources: [SourceDisk]
    let coreConfiguration: UploadCoreConfiguration
    let clock = LiveClock()
    var core: UploadCore
    var journal: LiveJournal?
    var connections: [PageBlobConnection] = []
    var timers: [TimerID: Task<Void, Never>] = [:]
    var metrics = LiveMetrics()
    var done: CheckedContinuation<Void, Never>?
    var isDone = false
    var failure: LiveError?
    var onProgress: @Sendable (LiveProgress) -> Void = { _ in }
    var resumed = false
    var acknowledgedBeforeResume: Int64 = 0
    /// The churn writer, while it runs; the bytes it wrote.
    var churnTask: Task<Void, Never>?
    var churnBytes: Int64 = 0
    /// Journal records found at the start (0 for a fresh run): a resumed writer's stream starts from a new seed,
    /// so it does not replay the writes the killed process made.
    var recordsAtStart = 0
    /// What the last failure was, until a chunk is acknowledged again (progress line, give-up error).
    var lastFailure: String?
    /// Cycles the cycle timer sealed so far, and the number of the last one the run makes (set when sealed).
    var timerSealedCycles = 0
    var finalCycle: Int?

    /// Opens the sources and builds the core's configuration; nothing is sent yet.
    /// - Throws: ``LiveError`` for bad settings or unreadable sources.
    public init(configuration: LiveConfiguration) throws {
        try configuration.validate()
        let sources = try configuration.sources.map { try SourceDisk(path: $0) }
        do {
            coreConfiguration = try UploadCoreConfiguration(
                disks: sources.map { DiskSpec(sizeBytes: $0.blobBytes, usedExtents: $0.dataExtents()) },
                threadsPerVM: configuration.threads,
                chunkBytes: configuration.chunkBytes,
                initialReplication: true,
                deltaFrequencyNanos: configuration.deltaCycles > 0 ? configuration.deltaIntervalNanos : nil,
                retryPolicy: configuration.retryPolicy,
                seed: configuration.seed
            )
        } catch {
            throw LiveError.badSetting("upload core configuration: \(error)")
        }
        self.configuration = configuration
        self.sources = sources
        self.core = UploadCore(configuration: coreConfiguration)
    }

    /// Bytes the sources hold as data (what initial replication copies), per disk.
    public nonisolated var usedBytesPerDisk: [Int64] { coreConfiguration.usedExtents.map(\.totalBytes) }

    /// Uploads every source (resuming from the journal if it holds records) and returns the report.
    ///
    /// Creates the container and the page blobs first (a new journal re-creates the blobs, zeroed; a resumed one
    /// requires them to exist with the right size). Returns when the core emits `.finished`, or, with
    /// ``LiveConfiguration/deltaCycles`` > 0, when the last delta cycle commits.
    /// - Throws: ``LiveError`` when storage refuses a request for good, the journal or a source fails, or the
    ///   retry policy gives up.
    public func run(onProgress: @escaping @Sendable (LiveProgress) -> Void = { _ in }) async throws -> LiveRunReport {
        self.onProgress = onProgress
        let records = try openJournal()
        recordsAtStart = records.count
        let timeout = TimeAmount.seconds(configuration.requestTimeoutSeconds)
        connections = (0..<configuration.threads).map { _ in
            PageBlobConnection(target: configuration.target, timeout: timeout)
        }
        do {
            try await BlobPreparation.prepare(
                connection: connections[0], container: configuration.container,
                diskBytes: sources.map(\.blobBytes), resuming: !records.isEmpty,
                retryPolicy: configuration.retryPolicy, seed: configuration.seed
            ) { [weak self] failures, cause in
                await self?.preparationFailed(failures: failures, cause: cause)
            }
            if !records.isEmpty {
                do {
                    core = try UploadCore(configuration: coreConfiguration, recoveringFrom: records)
                } catch {
                    throw LiveError.badJournal(path: journal?.path ?? "-", reason: "\(error)")
                }
                resumed = true
                acknowledgedBeforeResume = core.stats.bytesAcknowledged
                if configuration.deltaCycles > 0 { recordEverythingChanged() }
            }
        } catch {
            await shutdown()
            throw error
        }
        metrics.started(at: clock.elapsedNanos())
        apply(core.start(now: clock.now()))
        startChurn()
        if !isDone { await withCheckedContinuation { done = $0 } }
        await shutdown()
        if let failure { throw failure }
        return makeReport()
    }

    private func openJournal() throws -> [JournalRecord] {
        guard let directory = configuration.journalDirectory else { return [] }
        let manifest = LiveManifest(
            diskBytes: sources.map(\.blobBytes),
            blobs: sources.indices.map { LiveConfiguration.blobName(disk: $0) },
            container: configuration.container)
        let journal = try LiveJournal(directory: directory)
        try manifest.writeOrCheck(in: directory)
        self.journal = journal
        return try journal.load()
    }

    /// A resumed delta run lost the changes recorded since the last sealed cycle with the old process, so it sends
    /// every disk again, whole, in its first cycle: the resynchronisation ASR makes after an unclean stop. Whole,
    /// not only today's data regions: a region that held data when the old process wrote it may be a hole now
    /// (`--generate` rewrites the image), and the blob must read zeros there too.
    private func recordEverythingChanged() {
        for (disk, source) in sources.enumerated() {
            _ = core.changesRecorded(disk: disk, range: 0..<source.blobBytes, now: clock.now())
        }
    }

    private func startChurn() {
        guard let churn = configuration.churn, !isDone else { return }
        let writer = ChurnWriter(churn: churn, sources: sources, seed: configuration.seed &+ UInt64(recordsAtStart))
        churnTask = Task { [weak self] in
            do {
                try await writer.run { [weak self] disk, range in
                    await self?.changesRecorded(disk: disk, range: range)
                }
            } catch let error as LiveError {
                await self?.finish(error)
            } catch {
                await self?.finish(.badSource(path: "-", reason: "churn writer: \(error)"))
            }
        }
    }

    /// Stops the churn writer and waits until its last write is recorded.
    func stopChurn() async {
        guard let task = churnTask else { return }
        task.cancel()
        await task.value  // a second caller (shutdown after a failure) waits here too, not past a running writer
        churnTask = nil
    }

    private func shutdown() async {
        await stopChurn()
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        for connection in connections { await connection.shutdown() }
        connections.removeAll()
    }

    /// Ends the run (once): `error` nil for success.
    func finish(_ error: LiveError?) {
        guard !isDone else { return }
        isDone = true
        failure = error
        metrics.finished(at: clock.elapsedNanos())
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        done?.resume()
        done = nil
    }

    // MARK: - Events

    func chunkCompleted(_ request: ChunkRequest, outcome: ChunkOutcome, facts: ChunkSendFacts) {
        guard !isDone else { return }
        let elapsed = clock.elapsedNanos()
        metrics.sent(facts, at: elapsed)
        switch outcome {
        case .succeeded:
            metrics.acknowledged(bytes: request.length, at: elapsed)
            apply(core.chunkSucceeded(request.id, now: clock.now()))
            if core.failuresInARow == 0 { lastFailure = nil }
            reportProgress()
        case .failed(let reason, let cause):
            metrics.failed(reason, at: elapsed)
            lastFailure = cause
            apply(core.chunkFailed(request.id, reason: reason, now: clock.now()))
            if !isDone { reportProgress() }
        case .fatal(let error):
            finish(error)
        }
    }

    func timerFired(_ timer: TimerID) async {
        guard !isDone else { return }
        if timer == .backoff { metrics.pauseEnded(at: clock.elapsedNanos()) }
        if timer == .cycle && finalCycle != nil { return }  // the last cycle is sealed; no more recovery points
        let last =
            timer == .cycle && configuration.deltaCycles > 0 && timerSealedCycles + 1 >= configuration.deltaCycles
        if last {
            // The run's last cycle: stop the writer first, so that everything it wrote is in this cycle or an
            // earlier one and the blobs end equal to the sources.
            await stopChurn()
            guard !isDone else { return }
        }
        let actions = core.timerFired(timer, now: clock.now())
        if timer == .cycle {
            for case .appendJournal(.cycleSealed(let record)) in actions {
                timerSealedCycles += 1
                if last { finalCycle = record.cycle }
            }
        }
        apply(actions)
        if last && finalCycle == nil && !isDone {
            // The core sealed nothing (it never should here): without a final cycle the run would wait forever.
            finish(.badSetting("internal: the last cycle timer sealed no cycle; the run cannot end"))
        }
    }

    func changesRecorded(disk: Int, range: Range<Int64>) {
        guard !isDone else { return }
        churnBytes += range.upperBound - range.lowerBound
        apply(core.changesRecorded(disk: disk, range: range, now: clock.now()))
    }

    /// Called after every acknowledged chunk: the cycle figures are worked out only in a run that has cycles.
    func reportProgress() {
        let stats = core.stats
        var total = coreConfiguration.usedExtents.reduce(Int64(0)) { $0 + $1.totalBytes }
        var committed = 0
        if configuration.deltaCycles > 0 {
            total += stats.cycles.reduce(Int64(0)) { $0 + ($1.supersededBy == nil ? $1.bytes : 0) }
            committed = countedCycles().filter { $0.committedAt != nil }.count
        }
        onProgress(
            LiveProgress(
                bytesAcknowledged: stats.bytesAcknowledged, bytesTotal: Swift.max(total, stats.bytesAcknowledged),
                bytesThisRun: stats.bytesAcknowledged - acknowledgedBeforeResume,
                elapsedSeconds: clock.elapsedSeconds(), retries: stats.retries,
                cyclesCommitted: committed, cyclesPlanned: configuration.deltaCycles,
                failuresInARow: core.failuresInARow, giveUpAfter: configuration.retryPolicy.maxAttempts,
                lastFailure: lastFailure))
    }

    /// A request before the first chunk (Create Container, Put Blob, Get Blob Properties) failed and is retried.
    func preparationFailed(failures: Int, cause: String) {
        lastFailure = cause
        onProgress(
            LiveProgress(
                bytesAcknowledged: 0, bytesTotal: usedBytesPerDisk.reduce(0, +), bytesThisRun: 0,
                elapsedSeconds: clock.elapsedSeconds(), retries: failures, failuresInARow: failures,
                giveUpAfter: configuration.retryPolicy.maxAttempts, lastFailure: cause))
    }

    /// The cycles a run's figures count (progress and `result.json` alike): delta cycles sealed after the one sealed
    /// as initial replication completed (the first recovery point, not counted, as in simulated runs), and not
    /// superseded by a resync.
    func countedCycles() -> [UploadCoreStats.Cycle] {
        let stats = core.stats
        let seeded = stats.initialReplicationCompletedAt.compactMap { $0 }.max() ?? .max
        return stats.cycles.filter { $0.kind == .delta && $0.supersededBy == nil && $0.sealedAt > seeded }
    }
}

extension LiveClock {
    func elapsedNanos() -> Int64 { now() - originEpochNanos }
}
