extension UploadCore {
    /// Completes the current disk when all its chunks are acknowledged and queues the next one; after the last
    /// disk, seals the log written during initial replication as the first delta cycle and arms the cycle timer.
    mutating func advanceInitialReplication(now: Int64, into actions: inout [UploadAction]) {
        while !initialReplicationComplete {
            if let disk = currentInitialDisk {
                guard initialOutstanding == 0 else { return }
                initialReplicationDone[disk] = true
                initialReplicationRemaining[disk] = ByteRangeSet()
                currentInitialDisk = nil
                stats.initialReplicationCompletedAt[disk] = now
                actions.append(.appendJournal(.initialReplicationCompleted(disk: disk, at: now)))
                actions.append(.initialReplicationCompleted(disk: disk))
            }
            guard let next = initialReplicationDone.firstIndex(of: false) else {
                initialReplicationComplete = true
                if configuration.deltaFrequencyNanos != nil || logBytes.contains(where: { $0 > 0 }) {
                    sealCycle(now: now, into: &actions)
                }
                armCycleTimer(now: now, into: &actions)
                return
            }
            currentInitialDisk = next
            initialOutstanding = enqueueChunks(
                of: [DiskRanges(disk: next, ranges: initialReplicationRemaining[next].ranges)], purpose: .initial)
        }
    }

    /// Seals the current log into the next delta cycle (possibly empty: a recovery point with no change).
    mutating func sealCycle(now: Int64, into actions: inout [UploadAction]) {
        let number = nextCycle
        nextCycle += 1
        var disks: [DiskRanges] = []
        var bytesPerDisk = Array(repeating: Int64(0), count: log.count)
        for disk in log.indices where !log[disk].isEmpty {
            disks.append(DiskRanges(disk: disk, ranges: log[disk].ranges))
            bytesPerDisk[disk] = logBytes[disk]
            sealedPendingBytes[disk] += logBytes[disk]
            log[disk] = ByteRangeSet()
            logBytes[disk] = 0
        }
        appendCycle(
            number: number, kind: .delta, disks: disks, bytesPerDisk: bytesPerDisk, supersedes: [],
            now: now, into: &actions)
        commitReadyCycles(now: now, into: &actions)
    }

    /// Replaces every uncommitted cycle and the current log by one resync cycle: their coalesced union.
    ///
    /// Queued chunks of the replaced cycles are dropped; those in flight finish as stale completions.
    mutating func startResync(triggeredBy trigger: Int, now: Int64, into actions: inout [UploadAction]) {
        let number = nextCycle
        nextCycle += 1
        var union = log
        let superseded = cycles.map(\.number)
        for cycle in cycles {
            for diskRanges in cycle.disks { union[diskRanges.disk].formUnion(ByteRangeSet(diskRanges.ranges)) }
            stats.recordSupersede(cycle: cycle.number, by: number)
        }
        cycles.removeAll()
        queue.removeAll()
        uncut.removeAll()
        var disks: [DiskRanges] = []
        var bytesPerDisk = Array(repeating: Int64(0), count: log.count)
        for disk in union.indices {
            log[disk] = ByteRangeSet()
            logBytes[disk] = 0
            bytesPerDisk[disk] = union[disk].totalBytes
            sealedPendingBytes[disk] = bytesPerDisk[disk]
            if !union[disk].isEmpty { disks.append(DiskRanges(disk: disk, ranges: union[disk].ranges)) }
        }
        activeResync = number
        actions.append(.resyncStarted(cycle: number, disk: trigger))
        appendCycle(
            number: number, kind: .resync, disks: disks, bytesPerDisk: bytesPerDisk, supersedes: superseded,
            now: now, into: &actions)
    }

    private mutating func appendCycle(
        number: Int, kind: CycleKind, disks: [DiskRanges], bytesPerDisk: [Int64], supersedes: [Int],
        now: Int64, into actions: inout [UploadAction]
    ) {
        let bytes = bytesPerDisk.reduce(0, +)
        actions.append(
            .appendJournal(
                .cycleSealed(
                    CycleRecord(cycle: number, kind: kind, sealedAt: now, disks: disks, supersedes: supersedes)
                )
            )
        )
        stats.cycles.append(UploadCoreStats.Cycle(cycle: number, kind: kind, bytes: bytes, sealedAt: now))
        var state = CycleState(
            number: number, kind: kind, sealedAt: now, disks: disks, bytesPerDisk: bytesPerDisk,
            outstanding: 0, toEnqueue: nil
        )
        state.outstanding = enqueueChunks(of: disks, purpose: purpose(of: state))
        cycles.append(state)
    }

    /// Commits, in order, every cycle at the head of the queue whose chunks are all acknowledged.
    mutating func commitReadyCycles(now: Int64, into actions: inout [UploadAction]) {
        while let head = cycles.first, head.outstanding == 0, head.toEnqueue == nil {
            cycles.removeFirst()
            for disk in head.bytesPerDisk.indices { sealedPendingBytes[disk] -= head.bytesPerDisk[disk] }
            stats.recordCommit(cycle: head.number, at: now)
            actions.append(.appendJournal(.cycleCommitted(cycle: head.number, at: now)))
            actions.append(
                .commitCycle(
                    CycleCommit(
                        cycle: head.number, kind: head.kind, disks: head.disks.map(\.disk), sealedAt: head.sealedAt,
                        bytes: head.bytesPerDisk.reduce(0, +)
                    )
                )
            )
            switch head.kind {
            case .delta:
                break
            case .resync:
                if activeResync == head.number { activeResync = nil }
                actions.append(.resyncCompleted(cycle: head.number))
            }
        }
    }
}
