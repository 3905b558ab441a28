import DequeModule

/// The chunk-upload state machine of one replicating VM: its disks, its upload threads, its delta cycles.
///
/// Sans-I/O: it never reads a clock, touches a socket or a file, or draws unseeded randomness. A driver (the
/// simulator or the live uploader) calls one event method per thing that happened, each with the current time
/// `now` (Unix-epoch nanoseconds), and performs the returned ``UploadAction``s in order:
///
/// ```swift
/// var core = try UploadCore(configuration: configuration)
/// for action in core.start(now: now) { perform(action) }
/// // later, when storage acknowledges a chunk:
/// for action in core.chunkSucceeded(id, now: now) { perform(action) }
/// ```
///
/// **Work.** Initial replication copies the disks one at a time, as ASR does (docs/sources.md §1.3), in chunks of at
/// most `chunkBytes`; every idle thread takes the next chunk of the VM's queue, so all threads work on the current
/// disk. Writes reported during initial replication go to the log and form the first delta cycle. Every
/// `deltaFrequencyNanos` the log is sealed into a cycle, journaled with its ranges, chunked and queued; cycles
/// commit strictly in order once all their chunks are acknowledged. If a disk's pending change (the sealed,
/// uncommitted cycles plus the current log, each coalesced) reaches `resyncThreshold` × its size, one resync cycle
/// (the union of all pending ranges) replaces every uncommitted cycle (docs/sources.md §1.3: resync at 50 %).
///
/// **Order per byte.** A queued chunk whose range overlaps a chunk in flight on the same disk (a newer cycle's
/// change to bytes an older cycle is still sending, or a stale send of a superseded cycle) waits until that one is
/// answered; the next queued chunk that overlaps nothing in flight starts instead. Storage applies writes in the
/// order they arrive, so two sends of the same bytes must never race: the later read of the source must be the
/// later write.
///
/// **Races** that are legitimate are no-ops: a timer firing after it was cancelled or re-armed, an outcome for a
/// chunk the core dropped (superseded by a resync) or after the core failed. Impossible transitions (an event
/// before `start`, an outcome for a chunk ID never issued) trap with `preconditionFailure`.
///
/// Not promised: fairness between VMs (one core per VM), or any order between disks other than one at a time
/// during initial replication.
public struct UploadCore: Sendable {
    enum Lifecycle: Hashable, Sendable {
        case notStarted
        case running
        case finished
        case failed
    }

    struct QueuedChunk: Hashable, Sendable {
        let id: ChunkID
        let disk: Int
        let offset: Int64
        let length: Int64
        let purpose: ChunkPurpose
        var attempt: Int

        var record: ChunkRecord { ChunkRecord(id: id, disk: disk, offset: offset, length: length, purpose: purpose) }
    }

    struct InFlight: Hashable, Sendable {
        let chunk: QueuedChunk
        /// How many sends the core had started before this one (orders starts against failures).
        let startNumber: Int
    }

    struct CycleState: Hashable, Sendable {
        let number: Int
        let kind: CycleKind
        let sealedAt: Int64
        let disks: [DiskRanges]
        let bytesPerDisk: [Int64]
        var outstanding: Int
        /// Ranges still to enqueue (after recovery, at `start`); `nil` once enqueued.
        var toEnqueue: [DiskRanges]?
    }

    /// The validated configuration.
    public let configuration: UploadCoreConfiguration
    /// Counters for reporting.
    public internal(set) var stats: UploadCoreStats

    var lifecycle: Lifecycle = .notStarted
    var generator: SplitMix64
    var threads: [InFlight?]
    /// Per thread, the raw id of the chunk it sends, or `UInt64.max` when idle: a compact mirror of `threads`
    /// for the two per-chunk searches (a free thread, the thread of a chunk).
    var threadChunkIDs: [UInt64]
    var queue: Deque<QueuedChunk> = []
    /// The chunks that follow `queue`, not cut yet (the current disk of initial replication, or the disks of sealed
    /// cycles, in queue order): they are cut into `queue` as threads need them (about one per thread ahead), so memory
    /// follows the threads and the ranges, not the bytes to send over the chunk size.
    var uncut: Deque<UncutChunks> = []
    var nextChunkID: UInt64 = 0

    var initialReplicationDone: [Bool]
    var initialReplicationRemaining: [ByteRangeSet]
    var currentInitialDisk: Int?
    var initialOutstanding = 0
    var initialReplicationComplete = false

    var log: [ByteRangeSet]
    var logBytes: [Int64]
    var cycles: Deque<CycleState> = []
    var nextCycle = 1
    var sealedPendingBytes: [Int64]
    var activeResync: Int?

    var consecutiveFailures = 0
    /// `stats.chunksStarted` at the last failure that advanced `consecutiveFailures`.
    var startsAtLastCountedFailure: Int?
    var backoffUntil: Int64?
    var pacingTimerAt: Int64?
    var nextStartAllowedAt = Int64.min
    var cycleTimerAt: Int64?
    var resendDebt: [ByteRangeSet]

    /// A core for a VM that starts from scratch (or, with `initialReplication: false`, from disks in sync).
    ///
    /// - Complexity: O(disks).
    public init(configuration: UploadCoreConfiguration) {
        let diskCount = configuration.disks.count
        self.configuration = configuration
        self.stats = UploadCoreStats(diskCount: diskCount)
        self.generator = SplitMix64(seed: configuration.seed)
        self.threads = Array(repeating: nil, count: configuration.threadsPerVM)
        self.threadChunkIDs = Array(repeating: .max, count: configuration.threadsPerVM)
        self.initialReplicationDone = Array(repeating: !configuration.initialReplication, count: diskCount)
        self.initialReplicationRemaining = configuration.usedExtents
        self.log = Array(repeating: ByteRangeSet(), count: diskCount)
        self.logBytes = Array(repeating: 0, count: diskCount)
        self.sealedPendingBytes = Array(repeating: 0, count: diskCount)
        self.resendDebt = Array(repeating: ByteRangeSet(), count: diskCount)
    }

    /// Chunks being sent now.
    ///
    /// - Complexity: O(threads).
    public var inFlightCount: Int { threads.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Chunks waiting for a thread (including failed chunks waiting to be retried and initial-replication chunks not
    /// cut yet).
    public var queueDepth: Int { uncut.reduce(queue.count) { $0 + $1.cursor.remainingPieces } }

    /// Whether the core has emitted `.finished`.
    public var isFinished: Bool { lifecycle == .finished }

    /// Whether the core has given up (`.replicationFailed`).
    public var hasFailed: Bool { lifecycle == .failed }

    /// Whether initial replication of every disk is complete.
    public var isInitialReplicationComplete: Bool { initialReplicationComplete }

    /// Failures in a row that the retry policy counts (0 after an acknowledgement); the policy gives up when this
    /// reaches its `maxAttempts`.
    public var failuresInARow: Int { consecutiveFailures }

    /// Cycles sealed and not yet committed.
    public var uncommittedCycleCount: Int { cycles.count }

    /// Begins (or, after recovery, resumes) replication at `now`.
    ///
    /// Emits the journal and start actions for the first chunks, and arms the cycle timer when initial
    /// replication is off or already complete.
    ///
    /// - Precondition: called once, first.
    /// - Complexity: O(chunks queued).
    public mutating func start(now: Int64) -> [UploadAction] {
        precondition(lifecycle == .notStarted, "start(now:) called twice")
        lifecycle = .running
        var actions: [UploadAction] = []
        if initialReplicationDone.allSatisfy({ $0 }) {
            initialReplicationComplete = true
            for index in cycles.indices {
                guard let pending = cycles[index].toEnqueue else { continue }
                cycles[index].toEnqueue = nil
                cycles[index].outstanding = enqueueChunks(of: pending, purpose: purpose(of: cycles[index]))
            }
            commitReadyCycles(now: now, into: &actions)
            armCycleTimer(now: now, into: &actions)
        } else {
            advanceInitialReplication(now: now, into: &actions)
        }
        dispatch(now: now, into: &actions)
        finishIfDone(into: &actions)
        return actions
    }

    // MARK: - Scheduling

    /// Starts queued chunks on idle threads, lowest thread first, unless a backoff or the throttle holds them; a
    /// chunk overlapping one in flight on its disk waits (see *Order per byte*).
    mutating func dispatch(now: Int64, into actions: inout [UploadAction]) {
        guard lifecycle == .running, backoffUntil == nil else { return }
        cutChunks()
        if let at = pacingTimerAt, now >= at || queue.isEmpty {
            // Overtaken by another event at or after its deadline, or nothing left to pace: withdraw it.
            pacingTimerAt = nil
            actions.append(.cancelTimer(.pacing))
        }
        while !queue.isEmpty, let thread = threadChunkIDs.firstIndex(of: .max) {
            defer { cutChunks() }
            guard let next = nextStartable() else { return }
            if let throttle = configuration.throttle {
                if now < nextStartAllowedAt {
                    if pacingTimerAt == nil {
                        pacingTimerAt = nextStartAllowedAt
                        actions.append(.scheduleTimer(.pacing, at: nextStartAllowedAt))
                    }
                    return
                }
                let chunkLength = queue[next].length
                nextStartAllowedAt = now + throttle.pacingInterval(forBytes: chunkLength, at: now)
            }
            let chunk = next == queue.startIndex ? queue.removeFirst() : queue.remove(at: next)
            threads[thread] = InFlight(chunk: chunk, startNumber: stats.chunksStarted)
            threadChunkIDs[thread] = chunk.id.rawValue
            stats.chunksStarted += 1
            if chunk.attempt > 1 {
                stats.retries += 1
                stats.bytesResentAfterFailure += chunk.length
            } else if !resendDebt[chunk.disk].isEmpty {
                let sent = ByteRangeSet(CollectionOfOne(chunk.record.range))
                let owed = resendDebt[chunk.disk].intersection(sent)
                stats.bytesResentAfterRecovery += owed.totalBytes
                resendDebt[chunk.disk] = resendDebt[chunk.disk].subtracting(owed)
            }
            actions.append(.appendJournal(.chunkStarted(chunk.record)))
            actions.append(
                .startChunk(
                    ChunkRequest(
                        id: chunk.id, thread: thread, disk: chunk.disk, offset: chunk.offset,
                        length: chunk.length, purpose: chunk.purpose, attempt: chunk.attempt
                    )
                )
            )
        }
    }

    /// The queue index of the first chunk that overlaps no chunk in flight on its disk, cutting further chunks into
    /// the queue while every one there does; `nil` if every chunk does.
    /// - Complexity: O(threads) when the head can start (always during initial replication, whose chunks are
    ///   disjoint); O(queue × threads) at worst, where the chunks cut to look past the head are those overlapping the
    ///   chunks in flight.
    mutating func nextStartable() -> Int? {
        var index = queue.startIndex
        while index < queue.endIndex || cutChunk() {
            if !overlapsInFlight(queue[index]) { return index }
            index += 1
        }
        return nil
    }

    /// Whether `candidate` shares a byte with a chunk in flight on its disk (no allocation: this runs per start).
    func overlapsInFlight(_ candidate: QueuedChunk) -> Bool {
        for case let flying? in threads
        where flying.chunk.disk == candidate.disk && flying.chunk.offset < candidate.offset + candidate.length
            && candidate.offset < flying.chunk.offset + flying.chunk.length
        {
            return true
        }
        return false
    }

    /// Queues chunks of at most `chunkBytes` covering `ranges` (uncut: their IDs are reserved, the chunks are cut as
    /// threads need them) and returns how many.
    /// - Complexity: O(ranges).
    mutating func enqueueChunks(of ranges: [DiskRanges], purpose: ChunkPurpose) -> Int {
        var count = 0
        for diskRanges in ranges {
            let set = ByteRangeSet(diskRanges.ranges)
            let cursor = ChunkCursor(disk: diskRanges.disk, ranges: set.ranges, pieceBytes: configuration.chunkBytes)
            guard cursor.remainingPieces > 0 else { continue }
            uncut.append(UncutChunks(cursor: cursor, purpose: purpose, nextID: nextChunkID))
            nextChunkID += UInt64(cursor.remainingPieces)
            stats.bytesPlanned += set.totalBytes
            count += cursor.remainingPieces
        }
        return count
    }

    /// Cuts the next uncut chunks into the queue until it holds one per thread. Nothing is queued behind uncut chunks
    /// but more uncut chunks (retries go to the head), so the chunks and their IDs come in the order cutting them all
    /// at once would give.
    mutating func cutChunks() {
        while queue.count < threads.count, cutChunk() {}
    }

    /// Cuts one chunk into the queue; `false` when nothing is left to cut.
    mutating func cutChunk() -> Bool {
        while let head = uncut.first {
            var next = head
            guard let piece = next.cursor.next() else {
                uncut.removeFirst()
                continue
            }
            queue.append(
                QueuedChunk(
                    id: ChunkID(next.nextID), disk: next.cursor.disk, offset: piece.lowerBound,
                    length: piece.upperBound - piece.lowerBound, purpose: next.purpose, attempt: 1))
            next.nextID += 1
            if next.cursor.remainingPieces == 0 {
                uncut.removeFirst()
            } else {
                uncut[uncut.startIndex] = next
            }
            return true
        }
        return false
    }

    /// The thread sending chunk `id`, if any.
    func thread(sending id: ChunkID) -> Int? {
        threadChunkIDs.firstIndex(of: id.rawValue)
    }

    func purpose(of cycle: CycleState) -> ChunkPurpose {
        switch cycle.kind {
        case .delta: return .delta(cycle: cycle.number)
        case .resync: return .resync(cycle: cycle.number)
        }
    }

    mutating func armCycleTimer(now: Int64, into actions: inout [UploadAction]) {
        guard let period = configuration.deltaFrequencyNanos, cycleTimerAt == nil else { return }
        cycleTimerAt = now + period
        actions.append(.scheduleTimer(.cycle, at: now + period))
    }

    /// Emits `.finished` once nothing is left: no delta cycles configured, every disk copied, every cycle
    /// committed, nothing queued or in flight.
    mutating func finishIfDone(into actions: inout [UploadAction]) {
        guard lifecycle == .running, configuration.deltaFrequencyNanos == nil, initialReplicationComplete,
            cycles.isEmpty, queue.isEmpty, uncut.isEmpty, inFlightCount == 0
        else { return }
        lifecycle = .finished
        cancelAllTimers(into: &actions)
        actions.append(.finished)
    }

    mutating func cancelAllTimers(into actions: inout [UploadAction]) {
        if cycleTimerAt != nil {
            cycleTimerAt = nil
            actions.append(.cancelTimer(.cycle))
        }
        if backoffUntil != nil {
            backoffUntil = nil
            actions.append(.cancelTimer(.backoff))
        }
        if pacingTimerAt != nil {
            pacingTimerAt = nil
            actions.append(.cancelTimer(.pacing))
        }
    }
}
