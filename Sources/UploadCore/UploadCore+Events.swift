extension UploadCore {
    /// Storage acknowledged chunk `id` (HTTP 201 for its Put Page).
    ///
    /// Frees the thread, journals the acknowledgement, completes a disk or commits cycles that became complete
    /// (in order), then starts the next chunks. A chunk that is not in flight (dropped by a resync, or any
    /// outcome after `.replicationFailed`) is a documented no-op apart from freeing its thread.
    ///
    /// - Precondition: `start(now:)` was called, and `id` was issued by this core.
    /// - Complexity: O(threads + uncommitted cycles + chunks started).
    public mutating func chunkSucceeded(_ id: ChunkID, now: Int64) -> [UploadAction] {
        guard let inFlight = takeInFlight(id) else { return [] }
        var actions: [UploadAction] = []
        let chunk = inFlight.chunk
        stats.bytesAcknowledged += chunk.length
        stats.chunksAcknowledged += 1
        consecutiveFailures = 0
        switch chunk.purpose {
        case .initial:
            actions.append(.appendJournal(.chunkAcknowledged(chunk.record)))
            initialOutstanding -= 1
            advanceInitialReplication(now: now, into: &actions)
        case .delta(let number), .resync(let number):
            if let index = cycles.firstIndex(where: { $0.number == number }) {
                actions.append(.appendJournal(.chunkAcknowledged(chunk.record)))
                cycles[index].outstanding -= 1
                commitReadyCycles(now: now, into: &actions)
            } else {
                stats.staleCompletions += 1
            }
        }
        dispatch(now: now, into: &actions)
        finishIfDone(into: &actions)
        return actions
    }

    /// Chunk `id` failed for `reason`.
    ///
    /// The chunk goes back to the head of the queue with `attempt + 1`, and all starts pause for the retry
    /// policy's delay (or the Retry-After of a throttled response); see ``RetryPolicy`` for the formula and
    /// which failures advance the count. When the policy gives up, emits `.replicationFailed` and cancels timers.
    ///
    /// - Precondition: `start(now:)` was called, and `id` was issued by this core.
    /// - Complexity: O(threads + chunks started).
    public mutating func chunkFailed(_ id: ChunkID, reason: ChunkFailure, now: Int64) -> [UploadAction] {
        guard let inFlight = takeInFlight(id) else { return [] }
        var actions: [UploadAction] = []
        var retryAfter: Int64?
        switch reason {
        case .connectionReset: stats.connectionResets += 1
        case .throttled(let after):
            stats.throttledResponses += 1
            retryAfter = after.map { Swift.max(0, $0) }
        case .serverError: stats.serverErrors += 1
        case .timedOut: stats.timeouts += 1
        }
        var chunk = inFlight.chunk
        if let number = chunk.purpose.cycle, !cycles.contains(where: { $0.number == number }) {
            stats.staleCompletions += 1
            dispatch(now: now, into: &actions)
            return actions
        }
        chunk.attempt += 1
        queue.prepend(chunk)

        var pauseUntil: Int64?
        let counted = startsAtLastCountedFailure.map { inFlight.startNumber >= $0 } ?? true
        if counted {
            consecutiveFailures += 1
            startsAtLastCountedFailure = stats.chunksStarted
            if let maxAttempts = configuration.retryPolicy.maxAttempts, consecutiveFailures >= maxAttempts {
                lifecycle = .failed
                cancelAllTimers(into: &actions)
                actions.append(.replicationFailed(consecutiveFailures: consecutiveFailures, last: reason))
                return actions
            }
            pauseUntil =
                now
                + (retryAfter
                    ?? configuration.retryPolicy.delay(
                        afterFailures: consecutiveFailures, using: &generator))
        } else if let retryAfter {
            pauseUntil = now + retryAfter
        }
        if let pauseUntil, pauseUntil > (backoffUntil ?? Int64.min) {
            if backoffUntil != nil { actions.append(.cancelTimer(.backoff)) }
            backoffUntil = pauseUntil
            actions.append(.scheduleTimer(.backoff, at: pauseUntil))
        }
        dispatch(now: now, into: &actions)
        return actions
    }

    /// The armed timer `timer` fired.
    ///
    /// `.cycle` seals the current log into a cycle and re-arms; `.backoff` ends the retry pause; `.pacing` lets
    /// the throttle start the next chunk. A timer that is not armed, or fires before its deadline (an old
    /// instance after a cancel and re-arm), is a documented no-op.
    ///
    /// - Precondition: `start(now:)` was called.
    /// - Complexity: O(log ranges + chunks of the sealed cycle).
    public mutating func timerFired(_ timer: TimerID, now: Int64) -> [UploadAction] {
        precondition(lifecycle != .notStarted, "timerFired before start(now:)")
        guard lifecycle == .running else { return [] }
        var actions: [UploadAction] = []
        switch timer {
        case .cycle:
            guard let at = cycleTimerAt, now >= at else { return [] }
            cycleTimerAt = nil
            sealCycle(now: now, into: &actions)
            armCycleTimer(now: now, into: &actions)
        case .backoff:
            guard let at = backoffUntil, now >= at else { return [] }
            backoffUntil = nil
        case .pacing:
            guard let at = pacingTimerAt, now >= at else { return [] }
            pacingTimerAt = nil
        }
        dispatch(now: now, into: &actions)
        finishIfDone(into: &actions)
        return actions
    }

    /// The VM wrote `range` of `disk`; the bytes are widened to 512-byte pages, clipped to the disk and coalesced
    /// into the current log (a new log collects changes while older ones are in transit).
    ///
    /// May start a resync when the disk's pending change reaches the threshold (only once initial replication is
    /// complete, and not while a resync is uncommitted). Allowed before `start`; a no-op once finished or failed.
    ///
    /// - Precondition: `disk` is a valid disk index.
    /// - Complexity: O(log n) to find the place in the log, O(n) worst case to merge.
    public mutating func changesRecorded(disk: Int, range: Range<Int64>, now: Int64) -> [UploadAction] {
        precondition(configuration.disks.indices.contains(disk), "changesRecorded: no disk \(disk)")
        guard lifecycle == .running || lifecycle == .notStarted else { return [] }
        guard let aligned = UploadCoreConfiguration.aligned(range, diskSize: configuration.disks[disk].sizeBytes)
        else { return [] }
        logBytes[disk] += log[disk].insert(aligned)
        guard lifecycle == .running, initialReplicationComplete, activeResync == nil,
            configuration.deltaFrequencyNanos != nil
        else { return [] }
        let pending = Double(sealedPendingBytes[disk] + logBytes[disk])
        guard pending >= configuration.resyncThreshold * Double(configuration.disks[disk].sizeBytes) else {
            return []
        }
        var actions: [UploadAction] = []
        startResync(triggeredBy: disk, now: now, into: &actions)
        dispatch(now: now, into: &actions)
        return actions
    }

    /// Removes chunk `id` from its thread; `nil` for a legitimate race (not in flight, or the core gave up).
    private mutating func takeInFlight(_ id: ChunkID) -> InFlight? {
        precondition(lifecycle != .notStarted, "chunk outcome before start(now:)")
        precondition(id.rawValue < nextChunkID, "outcome for \(id), which this core never issued")
        guard let thread = thread(sending: id), let inFlight = threads[thread] else { return nil }
        threads[thread] = nil
        threadChunkIDs[thread] = .max
        guard lifecycle == .running else { return nil }
        return inFlight
    }
}
