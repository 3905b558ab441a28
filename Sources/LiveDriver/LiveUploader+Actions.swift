import UploadCore

extension LiveUploader {
    /// The one place where core actions are carried out, in the order the core gave them.
    func apply(_ actions: [UploadAction]) {
        for action in actions {
            guard !isDone else { return }
            switch action {
            case .startChunk(let request):
                startChunk(request)
            case .scheduleTimer(let timer, let at):
                timers[timer]?.cancel()
                let instant = clock.instant(atEpochNanos: at)
                timers[timer] = Task { [weak self] in
                    do { try await Task.sleep(until: instant, clock: .continuous) } catch { return }
                    await self?.timerFired(timer)
                }
                if timer == .backoff { metrics.pauseBegan(at: clock.elapsedNanos()) }
            case .cancelTimer(let timer):
                timers[timer]?.cancel()
                timers[timer] = nil
                if timer == .backoff { metrics.pauseEnded(at: clock.elapsedNanos()) }
            case .appendJournal(let record):
                journalAppend(record)
            case .commitCycle(let commit):
                journalSync()
                if let finalCycle, commit.cycle >= finalCycle {
                    finish(nil)  // the run's last delta cycle is a recovery point: done
                } else if configuration.deltaCycles > 0 {
                    reportProgress()
                }
            case .initialReplicationCompleted(let disk):
                metrics.diskCompleted(disk, at: clock.elapsedNanos())
            case .resyncStarted, .resyncCompleted:
                break  // counted by the core (stats.cycles, kind .resync)
            case .finished:
                journalSync()
                finish(nil)
            case .replicationFailed(let failures, let last):
                finish(.gaveUp(consecutiveFailures: failures, last: lastFailure ?? "\(last)"))
            }
        }
    }

    /// Hands the chunk to a detached task (file read, checksum and compression stay off the actor).
    private func startChunk(_ request: ChunkRequest) {
        let connection = connections[request.thread]
        let source = sources[request.disk]
        let blob = "\(configuration.container)/\(LiveConfiguration.blobName(disk: request.disk))"
        let checksum = configuration.checksum
        let level = configuration.compressionLevel
        Task.detached { [weak self] in
            let (outcome, facts) = await ChunkSender.send(
                request, blob: blob, source: source, connection: connection, checksum: checksum,
                compressionLevel: level)
            await self?.chunkCompleted(request, outcome: outcome, facts: facts)
        }
    }

    /// Appends a record; records that mark progress durable (`cycleCommitted`, `initialReplicationCompleted`) are
    /// preceded by an fsync, so the acknowledgements they rely on are on disk first, and followed by one.
    private func journalAppend(_ record: JournalRecord) {
        guard let journal else { return }
        let durable: Bool
        switch record {
        case .cycleCommitted, .initialReplicationCompleted: durable = true
        case .chunkStarted, .chunkAcknowledged, .cycleSealed: durable = false
        }
        do {
            if durable { try journal.sync() }
            try journal.append(record)
            if durable { try journal.sync() }
        } catch let error as LiveError {
            finish(error)
        } catch {
            finish(.badJournal(path: journal.path, reason: "\(error)"))
        }
    }

    private func journalSync() {
        guard let journal else { return }
        do { try journal.sync() } catch let error as LiveError { finish(error) } catch {
            finish(.badJournal(path: journal.path, reason: "\(error)"))
        }
    }
}
