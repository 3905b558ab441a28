@testable import UploadCore

extension MockUploadDriver {
    /// Performs `actions` in order against the model, throwing on the first illegal one.
    mutating func apply(_ actions: [UploadAction]) throws {
        for action in actions {
            switch action {
            case .startChunk(let request): try start(request)
            case .scheduleTimer(let timer, let at):
                guard timers[timer] == nil else { throw MockDriverViolation("timer \(timer) armed twice") }
                guard at >= now else { throw MockDriverViolation("timer \(timer) armed in the past: \(at) < \(now)") }
                timers[timer] = at
            case .cancelTimer(let timer):
                guard timers.removeValue(forKey: timer) != nil else {
                    throw MockDriverViolation("cancel of unarmed timer \(timer)")
                }
            case .appendJournal(let record): try append(record)
            case .commitCycle(let commit): try commitCycle(commit)
            case .initialReplicationCompleted(let disk): try completeInitialReplication(disk)
            case .resyncStarted(let cycle, _): resyncsStarted.append(cycle)
            case .resyncCompleted(let cycle):
                guard resyncsStarted.contains(cycle), committedCycles.contains(cycle) else {
                    throw MockDriverViolation("resync \(cycle) completed without start and commit")
                }
                resyncsCompleted.append(cycle)
            case .finished:
                guard !finished else { throw MockDriverViolation("finished twice") }
                finished = true
            case .replicationFailed:
                guard !failed else { throw MockDriverViolation("failed twice") }
                failed = true
            }
        }
        guard ackAwaitingJournal.isEmpty else {
            throw MockDriverViolation("acknowledged chunks not journaled: \(ackAwaitingJournal.sorted())")
        }
        if finished || failed {
            for timer in [TimerID.cycle, .backoff, .pacing] where timers[timer] != nil {
                throw MockDriverViolation("timer \(timer) still armed after finish/failure")
            }
        }
        if finished, let busy = inFlight.first { throw MockDriverViolation("finished with \(busy) in flight") }
        let stats = core.stats
        guard stats.bytesAcknowledged <= stats.bytesPlanned else {
            throw MockDriverViolation("acknowledged \(stats.bytesAcknowledged) > planned \(stats.bytesPlanned)")
        }
    }

    private mutating func start(_ request: ChunkRequest) throws {
        guard threads.indices.contains(request.thread) else {
            throw MockDriverViolation("\(request.id) on thread \(request.thread) of \(threads.count)")
        }
        if let busy = threads[request.thread] {
            throw MockDriverViolation("\(request.id) started on thread \(request.thread), busy with \(busy.id)")
        }
        guard !acknowledged.contains(request.id) else { throw MockDriverViolation("\(request.id) restarted after ack") }
        guard !inFlight.contains(where: { $0.id == request.id }) else {
            throw MockDriverViolation("\(request.id) started twice at once")
        }
        let disk = configuration.disks[request.disk]
        guard request.offset % 512 == 0, request.length % 512 == 0, request.length > 0,
            request.length <= configuration.chunkBytes, request.offset + request.length <= disk.sizeBytes
        else { throw MockDriverViolation("bad chunk geometry \(request)") }
        let record = ChunkRecord(
            id: request.id, disk: request.disk, offset: request.offset, length: request.length,
            purpose: request.purpose
        )
        guard journal.last == .chunkStarted(record) else {
            throw MockDriverViolation("\(request.id) started without its chunkStarted journal record")
        }
        let range = ByteRangeSet(CollectionOfOne(record.range))
        switch request.purpose {
        case .initial:
            guard initialCompleted.firstIndex(of: false) == request.disk else {
                throw MockDriverViolation("initial chunk for disk \(request.disk) while another disk is current")
            }
            guard initialAcked[request.disk].intersection(range).isEmpty else {
                throw MockDriverViolation("\(request.id) re-sends acknowledged initial bytes")
            }
        case .delta(let cycle), .resync(let cycle):
            guard let sealed = sealedCycles[cycle], !committedCycles.contains(cycle), !superseded.contains(cycle)
            else { throw MockDriverViolation("\(request.id) for cycle \(cycle), which is not open") }
            let sealedRanges = ByteRangeSet(sealed.disks.first { $0.disk == request.disk }?.ranges ?? [])
            guard range.subtracting(sealedRanges).isEmpty else {
                throw MockDriverViolation("\(request.id) sends bytes outside cycle \(cycle)")
            }
            let acked = cycleAcked[cycle]?[request.disk] ?? ByteRangeSet()
            guard acked.intersection(range).isEmpty else {
                throw MockDriverViolation("\(request.id) re-sends acknowledged bytes of cycle \(cycle)")
            }
        }
        if request.attempt == 1, !abandoned[request.disk].isEmpty {
            let owed = abandoned[request.disk].intersection(range)
            bytesResentAfterRestartsSeen += owed.totalBytes
            abandoned[request.disk] = abandoned[request.disk].subtracting(owed)
        }
        threads[request.thread] = request
        starts.append((now, request))
        maxConcurrentInFlight = Swift.max(maxConcurrentInFlight, inFlight.count)
    }

    private mutating func append(_ record: JournalRecord) throws {
        journal.append(record)
        switch record {
        case .chunkStarted:
            break
        case .chunkAcknowledged(let chunk):
            guard ackAwaitingJournal.remove(chunk.id) != nil else {
                throw MockDriverViolation("journaled ack of \(chunk.id), which was not just acknowledged")
            }
            guard journaledAcks.insert(chunk.id).inserted else {
                throw MockDriverViolation("ack of \(chunk.id) journaled twice")
            }
            if let cycle = chunk.purpose.cycle {
                var perDisk = cycleAcked[cycle] ?? Array(repeating: ByteRangeSet(), count: configuration.disks.count)
                perDisk[chunk.disk].insert(chunk.range)
                cycleAcked[cycle] = perDisk
            } else {
                initialAcked[chunk.disk].insert(chunk.range)
            }
        case .cycleSealed(let cycle):
            guard cycle.cycle > lastSealed else {
                throw MockDriverViolation("cycle \(cycle.cycle) sealed after \(lastSealed)")
            }
            for old in cycle.supersedes {
                guard sealedCycles[old] != nil, !committedCycles.contains(old), !superseded.contains(old) else {
                    throw MockDriverViolation("resync \(cycle.cycle) supersedes cycle \(old), which is not open")
                }
                superseded.insert(old)
            }
            lastSealed = cycle.cycle
            sealedCycles[cycle.cycle] = cycle
        case .cycleCommitted(let cycle, _):
            guard pendingCommitRecord == nil else { throw MockDriverViolation("two commit records in a row") }
            pendingCommitRecord = cycle
        case .initialReplicationCompleted(let disk, _):
            guard pendingInitialRecord == nil else { throw MockDriverViolation("two IR records in a row") }
            pendingInitialRecord = disk
        }
    }

    private mutating func commitCycle(_ commit: CycleCommit) throws {
        guard pendingCommitRecord == commit.cycle else {
            throw MockDriverViolation("cycle \(commit.cycle) committed before its cycleCommitted record")
        }
        pendingCommitRecord = nil
        if let last = commits.last, last.cycle >= commit.cycle {
            throw MockDriverViolation("cycle \(commit.cycle) committed after \(last.cycle): out of order")
        }
        guard let sealed = sealedCycles[commit.cycle], !superseded.contains(commit.cycle) else {
            throw MockDriverViolation("cycle \(commit.cycle) committed but not open")
        }
        for older in sealedCycles.keys where older < commit.cycle {
            guard committedCycles.contains(older) || superseded.contains(older) else {
                throw MockDriverViolation("cycle \(commit.cycle) committed before older cycle \(older)")
            }
        }
        for diskRanges in sealed.disks {
            let acked = cycleAcked[commit.cycle]?[diskRanges.disk] ?? ByteRangeSet()
            let missing = ByteRangeSet(diskRanges.ranges).subtracting(acked)
            guard missing.isEmpty else {
                throw MockDriverViolation(
                    "cycle \(commit.cycle) committed with unjournaled bytes \(missing.ranges) of disk "
                        + "\(diskRanges.disk) after \(restarts) restarts"
                )
            }
        }
        committedCycles.insert(commit.cycle)
        commits.append(commit)
    }

    private mutating func completeInitialReplication(_ disk: Int) throws {
        guard pendingInitialRecord == disk else {
            throw MockDriverViolation("disk \(disk) completed before its journal record")
        }
        pendingInitialRecord = nil
        guard initialCompleted.firstIndex(of: false) == disk else {
            throw MockDriverViolation("disk \(disk) completed out of order")
        }
        let missing = configuration.usedExtents[disk].subtracting(initialAcked[disk])
        guard missing.isEmpty else {
            throw MockDriverViolation("disk \(disk) completed with unjournaled bytes \(missing.ranges)")
        }
        initialCompleted[disk] = true
        initialReplicationOrder.append(disk)
    }
}
