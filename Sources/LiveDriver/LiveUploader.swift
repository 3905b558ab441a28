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
                deltaFrequencyNanos: nil,
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
    /// requires them to exist with the right size). Returns when the core emits `.finished`.
    /// - Throws: ``LiveError`` when storage refuses a request for good, the journal or a source fails, or the
    ///   retry policy gives up.
    public func run(onProgress: @escaping @Sendable (LiveProgress) -> Void = { _ in }) async throws -> LiveRunReport {
        self.onProgress = onProgress
        let records = try openJournal()
        let timeout = TimeAmount.seconds(configuration.requestTimeoutSeconds)
        connections = (0..<configuration.threads).map { _ in
            PageBlobConnection(target: configuration.target, timeout: timeout)
        }
        do {
            try await BlobPreparation.prepare(
                connection: connections[0], container: configuration.container,
                diskBytes: sources.map(\.blobBytes), resuming: !records.isEmpty)
            if !records.isEmpty {
                do {
                    core = try UploadCore(configuration: coreConfiguration, recoveringFrom: records)
                } catch {
                    throw LiveError.badJournal(path: journal?.path ?? "-", reason: "\(error)")
                }
                resumed = true
                acknowledgedBeforeResume = core.stats.bytesAcknowledged
            }
        } catch {
            await shutdown()
            throw error
        }
        metrics.started(at: clock.elapsedNanos())
        apply(core.start(now: clock.now()))
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

    private func shutdown() async {
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
            reportProgress()
        case .failed(let reason):
            metrics.failed(reason, at: elapsed)
            apply(core.chunkFailed(request.id, reason: reason, now: clock.now()))
        case .fatal(let error):
            finish(error)
        }
    }

    func timerFired(_ timer: TimerID) {
        guard !isDone else { return }
        if timer == .backoff { metrics.pauseEnded(at: clock.elapsedNanos()) }
        apply(core.timerFired(timer, now: clock.now()))
    }

    private func reportProgress() {
        let stats = core.stats
        let total = coreConfiguration.usedExtents.reduce(Int64(0)) { $0 + $1.totalBytes }
        onProgress(
            LiveProgress(
                bytesAcknowledged: stats.bytesAcknowledged, bytesTotal: total,
                bytesThisRun: stats.bytesAcknowledged - acknowledgedBeforeResume,
                elapsedSeconds: clock.elapsedSeconds(), retries: stats.retries))
    }
}

extension LiveClock {
    func elapsedNanos() -> Int64 { now() - originEpochNanos }
}
