extension UploadCore {
    /// Rebuilds the core of a VM after a host restart from its journal, ready for `start(now:)`.
    ///
    /// Committed cycles and completed disks stay done. The current disk of initial replication resumes with the
    /// bytes no `chunkAcknowledged` record covers; each sealed, uncommitted cycle resumes with its ranges minus
    /// its acknowledged chunks; resyncs replay their `supersedes`. So only what was not acknowledged is sent
    /// again. Chunks that were started but not acknowledged count, when sent again, in
    /// ``UploadCoreStats/bytesResentAfterRecovery``. Chunk IDs continue after the largest in the journal.
    ///
    /// The current (unsealed) log is not journaled: it lives in the host's change-tracking files (`.hrl`,
    /// docs/sources.md §1.3). Pass what they hold as `openLog`; it is coalesced as if written before `start`.
    ///
    /// - Throws: ``UploadCoreError/corruptJournal(index:reason:)`` naming the first record that cannot be replayed.
    /// - Complexity: O(records × uncommitted cycles + ranges).
    public init(
        configuration: UploadCoreConfiguration,
        recoveringFrom journal: [JournalRecord],
        openLog: [DiskRanges] = []
    ) throws(UploadCoreError) {
        self.init(configuration: configuration)
        var started: [ChunkRecord] = []
        var acknowledged = Set<ChunkID>()
        var initialAcknowledged = Array(repeating: ByteRangeSet(), count: configuration.disks.count)
        var cycleAcknowledged: [Int: [ByteRangeSet]] = [:]  // cycle → acknowledged ranges per disk
        var highestID: UInt64?

        for (index, record) in journal.enumerated() {
            switch record {
            case .chunkStarted(let chunk):
                try validate(chunk, at: index)
                started.append(chunk)
                highestID = Swift.max(highestID ?? 0, chunk.id.rawValue)
            case .chunkAcknowledged(let chunk):
                try validate(chunk, at: index)
                highestID = Swift.max(highestID ?? 0, chunk.id.rawValue)
                guard acknowledged.insert(chunk.id).inserted else {
                    throw .corruptJournal(index: index, reason: "\(chunk.id) acknowledged twice")
                }
                stats.bytesAcknowledged += chunk.length
                stats.bytesPlanned += chunk.length
                stats.chunksAcknowledged += 1
                if let number = chunk.purpose.cycle {
                    guard cycles.contains(where: { $0.number == number }) else {
                        throw .corruptJournal(
                            index: index, reason: "\(chunk.id) acknowledged for unknown cycle \(number)")
                    }
                    cycleAcknowledged[
                        number, default: Array(repeating: ByteRangeSet(), count: configuration.disks.count)][
                            chunk.disk
                        ].insert(chunk.range)
                } else {
                    initialAcknowledged[chunk.disk].insert(chunk.range)
                }
            case .cycleSealed(let cycle):
                try replaySeal(cycle, at: index)
            case .cycleCommitted(let number, let at):
                guard let head = cycles.first, head.number == number else {
                    throw .corruptJournal(index: index, reason: "cycle \(number) committed out of order")
                }
                cycles.removeFirst()
                stats.recordCommit(cycle: number, at: at)
            case .initialReplicationCompleted(let disk, let at):
                guard configuration.disks.indices.contains(disk) else {
                    throw .corruptJournal(index: index, reason: "no disk \(disk)")
                }
                initialReplicationDone[disk] = true
                stats.initialReplicationCompletedAt[disk] = at
            }
        }

        for disk in configuration.disks.indices {
            initialReplicationRemaining[disk] =
                initialReplicationDone[disk]
                ? ByteRangeSet() : configuration.usedExtents[disk].subtracting(initialAcknowledged[disk])
        }
        for index in cycles.indices {
            let acked = cycleAcknowledged[cycles[index].number]
            cycles[index].toEnqueue = cycles[index].disks.compactMap { diskRanges in
                let left = ByteRangeSet(diskRanges.ranges).subtracting(acked?[diskRanges.disk] ?? ByteRangeSet())
                return left.isEmpty ? nil : DiskRanges(disk: diskRanges.disk, ranges: left.ranges)
            }
        }
        for index in cycles.indices {
            for diskRanges in cycles[index].disks {
                sealedPendingBytes[diskRanges.disk] += cycles[index].bytesPerDisk[diskRanges.disk]
            }
            if cycles[index].kind == .resync { activeResync = cycles[index].number }
        }
        for chunk in started where !acknowledged.contains(chunk.id) { resendDebt[chunk.disk].insert(chunk.range) }
        for diskRanges in openLog {
            guard configuration.disks.indices.contains(diskRanges.disk) else {
                throw .corruptJournal(index: journal.count, reason: "openLog names no disk \(diskRanges.disk)")
            }
            for range in diskRanges.ranges {
                if let aligned = UploadCoreConfiguration.aligned(
                    range, diskSize: configuration.disks[diskRanges.disk].sizeBytes)
                {
                    logBytes[diskRanges.disk] += log[diskRanges.disk].insert(aligned)
                }
            }
        }
        nextChunkID = highestID.map { $0 + 1 } ?? 0
    }

    private func validate(_ chunk: ChunkRecord, at index: Int) throws(UploadCoreError) {
        guard configuration.disks.indices.contains(chunk.disk) else {
            throw .corruptJournal(index: index, reason: "\(chunk.id) names no disk \(chunk.disk)")
        }
        guard chunk.length > 0, chunk.offset >= 0,
            chunk.offset + chunk.length <= configuration.disks[chunk.disk].sizeBytes
        else {
            throw .corruptJournal(
                index: index, reason: "\(chunk.id) range \(chunk.range) is outside disk \(chunk.disk)")
        }
    }

    private mutating func replaySeal(_ cycle: CycleRecord, at index: Int) throws(UploadCoreError) {
        guard initialReplicationDone.allSatisfy({ $0 }) else {
            throw .corruptJournal(
                index: index, reason: "cycle \(cycle.cycle) sealed before initial replication completed")
        }
        guard cycle.cycle >= nextCycle else {
            throw .corruptJournal(index: index, reason: "cycle \(cycle.cycle) sealed after cycle \(nextCycle - 1)")
        }
        for number in cycle.supersedes {
            guard let position = cycles.firstIndex(where: { $0.number == number }) else {
                throw .corruptJournal(index: index, reason: "resync \(cycle.cycle) supersedes unknown cycle \(number)")
            }
            cycles.remove(at: position)
            stats.recordSupersede(cycle: number, by: cycle.cycle)
        }
        if !cycle.supersedes.isEmpty {
            sealedPendingBytes = Array(repeating: 0, count: configuration.disks.count)
        }
        var bytesPerDisk = Array(repeating: Int64(0), count: configuration.disks.count)
        for diskRanges in cycle.disks {
            guard configuration.disks.indices.contains(diskRanges.disk) else {
                throw .corruptJournal(index: index, reason: "cycle \(cycle.cycle) names no disk \(diskRanges.disk)")
            }
            bytesPerDisk[diskRanges.disk] = ByteRangeSet(diskRanges.ranges).totalBytes
        }
        nextCycle = cycle.cycle + 1
        let bytes = bytesPerDisk.reduce(0, +)
        stats.cycles.append(
            UploadCoreStats.Cycle(cycle: cycle.cycle, kind: cycle.kind, bytes: bytes, sealedAt: cycle.sealedAt))
        cycles.append(
            CycleState(
                number: cycle.cycle, kind: cycle.kind, sealedAt: cycle.sealedAt, disks: cycle.disks,
                bytesPerDisk: bytesPerDisk, outstanding: 0, toEnqueue: []
            )
        )
    }
}
