import Foundation
import NetModel
import Results
import Scenario
import SimKernel
import UploadCore

extension ReplicationRun {
    /// The one place where core actions are carried out, in the order the core gave them.
    func apply(_ actions: [UploadAction], vm: Int) {
        for action in actions {
            switch action {
            case .startChunk(let request):
                startChunk(request, vm: vm)
            case .scheduleTimer(let timer, let at):
                let time = SimTime(nanoseconds: at - coreEpoch)
                let handle = sim.schedule(at: time, .coreTimer(vm: vm, timer: timer, epoch: world.vms[vm].epoch))
                world.vms[vm].timers[timer.code] = handle
                if timer == .pacing { markIdleThreads(vm: vm, as: .bandwidthThrottle) }
                if timer == .backoff { markIdleThreads(vm: vm, as: .outage) }
            case .cancelTimer(let timer):
                if let handle = world.vms[vm].timers[timer.code] { sim.cancel(handle) }
                world.vms[vm].timers[timer.code] = nil
            case .appendJournal(let record):
                if checkInvariants { invariants.journaled(vm: vm, record) }
                if case .cycleSealed = record { world.vms[vm].openLog.removeAll() }
                if keepJournal { world.vms[vm].journal.append(record) }
            case .commitCycle(let commit):
                if checkInvariants { invariants.committed(vm: vm, commit) }
                metrics.cycleCommitted(vm: vm)
            case .initialReplicationCompleted:
                if let core = world.vms[vm].core, core.isInitialReplicationComplete,
                    world.vms[vm].initialReplicationDoneAt == nil
                {
                    world.vms[vm].initialReplicationDoneAt = sim.now
                }
            case .resyncStarted, .resyncCompleted:
                break
            case .finished:
                finishedVMs += 1
                if world.vms[vm].initialReplicationDoneAt == nil { world.vms[vm].initialReplicationDoneAt = sim.now }
            case .replicationFailed:
                world.vms[vm].failed = true
                finishedVMs += 1
            }
        }
        if checkInvariants, let core = world.vms[vm].core { invariants.check(vm: vm, core: core) }
    }

    /// A chunk goes out on its thread: first the storage request-rate check, then the body as a network flow.
    func startChunk(_ request: ChunkRequest, vm: Int) {
        let connection = world.vms[vm].connections[request.thread]
        let epoch = world.vms[vm].epoch
        let payload = Int64((Double(request.length) * doc.replication.compressibility).rounded(.up))
        let wire = payload + World.requestHeaderBytes
        var chunk = InFlightChunk(
            thread: request.thread, transfer: nil, startedAt: sim.now, payloadBytes: payload, wireBytes: wire)
        if checkInvariants { invariants.started(vm: vm, request) }

        let blob = world.vms[vm].blobs[request.disk]
        var admission: Admission
        do {
            admission = try world.net.admitRequest(blob: blob, now: sim.now)
        } catch {
            preconditionFailure("blob \(blob) of VM \(vm) is not in the model: \(error)")
        }
        if case .accepted = admission, let storm = activeStorms.first(where: { $0.forced503Share > 0 }),
            stormRandom.uniform() < storm.forced503Share
        {
            admission = .throttled(retryAfter: .seconds(1), by: .accountRequestRate)
        }
        switch admission {
        case .throttled(let retryAfter, let by):
            world.vms[vm].inFlight[request.id] = chunk
            setThread(vm: vm, request.thread, .awaitingResponse)
            let rtt = world.net.pathCharacteristics(of: connection)?.rttSeconds ?? 0
            let kind = BottleneckKind(by)
            packetTrace?.requestThrottled(
                vm: vm, thread: request.thread, host: world.vms[vm].host, disk: request.disk,
                rttNanos: SimDuration.seconds(rtt).nanoseconds, at: sim.now.nanoseconds)
            sim.schedule(
                after: .seconds(rtt) + serverLatency(),
                .response(
                    vm: vm, chunk: request.id,
                    outcome: .throttled(retryAfterNanos: retryAfter.nanoseconds, kind: kind), epoch: epoch))
        case .accepted:
            do {
                let (transfer, path) = try world.net.startTransferOnPath(
                    on: connection, bytes: wire, storage: world.vms[vm].storagePaths[request.disk],
                    now: sim.now)
                chunk.transfer = transfer
                chunk.rttSeconds = path.rttSeconds
                setOwner(of: transfer, vm: vm, chunk: request.id)
                if let packetTrace {
                    let rtt = path.rttSeconds
                    packetTrace.transferStarted(
                        transfer, vm: vm, thread: request.thread, host: world.vms[vm].host, disk: request.disk,
                        wireBytes: wire, rttNanos: SimDuration.seconds(rtt).nanoseconds, at: sim.now.nanoseconds)
                }
            } catch {
                preconditionFailure("thread \(request.thread) of VM \(vm) could not start a transfer: \(error)")
            }
            world.vms[vm].inFlight[request.id] = chunk
            setThread(vm: vm, request.thread, .transferring)
        }
    }

    func markIdleThreads(vm: Int, as kind: BottleneckKind) {
        for thread in world.vms[vm].threads.indices where world.vms[vm].threads[thread] == .idle {
            setThread(vm: vm, thread, .waiting(kind))
        }
    }

    // MARK: Workload and faults

    func scheduleFaults() {
        for (index, fault) in doc.faults.enumerated() {
            switch fault {
            case .circuitDown:
                break  // scheduled in the network model by `World`
            case .throttlingStorm(let storm):
                sim.schedule(at: .nanoseconds(storm.atNanoseconds), .storm(index: index, active: true))
                sim.schedule(
                    at: .nanoseconds(storm.atNanoseconds + storm.forNanoseconds), .storm(index: index, active: false))
            case .hostRestart(let restart):
                sim.schedule(at: .nanoseconds(restart.atNanoseconds), .hostDown(host: restart.hostIndex))
                sim.schedule(
                    at: .nanoseconds(restart.atNanoseconds + restart.downForNanoseconds), .hostUp(host: restart.hostIndex))
            }
        }
    }

    /// The host goes down: its VMs' transfers stop, their timers and pending answers become stale, and their
    /// cores are dropped (what survives is the journal and the open log on the host's disk).
    func hostDown(_ host: Int) {
        for vm in world.vms.indices where world.vms[vm].host == host {
            guard let core = world.vms[vm].core else { continue }
            for (_, chunk) in world.vms[vm].inFlight.sortedByChunk() {
                if let transfer = chunk.transfer {
                    let bits = world.net.cancelTransfer(transfer, now: sim.now) ?? 0
                    _ = takeOwner(of: transfer)
                    metrics.delivered(vm: vm, bytes: Int64(bits / 8), from: chunk.startedAt, to: sim.now, wasted: true)
                    packetTrace?.transferEnded(
                        transfer, deliveredBytes: Int64(bits / 8), reset: true, at: sim.now.nanoseconds)
                }
            }
            packetTrace?.vmStopped(vm, at: sim.now.nanoseconds)
            world.vms[vm].inFlight.removeAll()
            for index in world.vms[vm].timers.indices {
                if let handle = world.vms[vm].timers[index] { sim.cancel(handle) }
                world.vms[vm].timers[index] = nil
            }
            for thread in world.vms[vm].threads.indices { setThread(vm: vm, thread, .waiting(.outage)) }
            world.vms[vm].retiredStats.append(core.stats)
            world.vms[vm].core = nil
            world.vms[vm].epoch += 1
            if checkInvariants { invariants.restarted(vm: vm) }
        }
    }

    /// The host is back: each VM's core is rebuilt from its journal and open log, and starts again.
    func hostUp(_ host: Int) {
        for vm in world.vms.indices where world.vms[vm].host == host && world.vms[vm].core == nil {
            do {
                world.vms[vm].core = try UploadCore(
                    configuration: world.vms[vm].configuration, recoveringFrom: world.vms[vm].journal,
                    openLog: world.vms[vm].openLog)
            } catch {
                preconditionFailure("VM \(vm) could not recover from its own journal: \(error)")
            }
            for thread in world.vms[vm].threads.indices { setThread(vm: vm, thread, .idle) }
            apply(world.vms[vm].core!.start(now: coreNow), vm: vm)
        }
    }

    /// Writes of the last churn interval: per VM, the churn profile's bytes spread over its disks by size, one
    /// write range per disk at a random 4 KiB-aligned offset.
    func recordChurn() {
        let tick = Self.churnTick.nanoseconds
        let middle = sim.now.nanoseconds - tick / 2
        for vm in world.vms.indices where world.vms[vm].core != nil && !world.vms[vm].failed {
            let bytesPerSecond = ChurnProfile.rate(world.vms[vm].churn, atNanoseconds: middle, doc: doc)
            let total = bytesPerSecond * Double(tick) / 1e9
            guard total >= 1 else { continue }
            let diskBytes = world.vms[vm].diskBytes
            let allDisks = diskBytes.reduce(0, +)
            for (disk, size) in world.vms[vm].configuration.disks.enumerated() {
                let share = total * diskBytes[disk] / allDisks
                let length = Swift.min(size.sizeBytes, (Int64(share) + 511) / 512 * 512)
                guard length > 0 else { continue }
                let slots = (size.sizeBytes - length) / 4096
                let offset = slots > 0 ? Int64(churnRandom.uniform(below: UInt64(slots + 1))) * 4096 : 0
                let range = offset..<(offset + length)
                appendOpenLog(vm: vm, disk: disk, range: range)
                apply(world.vms[vm].core!.changesRecorded(disk: disk, range: range, now: coreNow), vm: vm)
            }
        }
    }

    private func appendOpenLog(vm: Int, disk: Int, range: Range<Int64>) {
        guard keepJournal else { return }
        if let index = world.vms[vm].openLog.firstIndex(where: { $0.disk == disk }) {
            let old = world.vms[vm].openLog[index]
            world.vms[vm].openLog[index] = DiskRanges(disk: disk, ranges: old.ranges + [range])
        } else {
            world.vms[vm].openLog.append(DiskRanges(disk: disk, ranges: [range]))
        }
    }
}
