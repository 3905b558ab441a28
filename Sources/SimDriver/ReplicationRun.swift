import Foundation
import NetModel
import Results
import Scenario
import SimKernel
import UploadCore

/// One simulated replication run: the scenario's world inside a `Simulation`, with one UploadCore per VM.
///
/// The driver is a thin shell. Core actions become kernel timers, storage admission checks and network
/// transfers; network completions and resets, storage answers and timers become core events. All of it goes
/// through `apply(_:vm:)`, the one place where actions are carried out.
///
/// Timing of one chunk on its thread's persistent connection: the request (page data plus
/// `World.requestHeaderBytes`) is a flow on the connection's path; when its last byte is sent, the response
/// arrives one RTT plus the server latency (lognormal) later, and only then is the chunk acknowledged. A request
/// over a request-rate cap is answered 503 with Retry-After after the same RTT plus latency, without a body
/// transfer (the service rejects it on its headers).
final class ReplicationRun {
    let doc: ScenarioDocument
    let sim = Simulation<DriverEvent>()
    var world: World
    var metrics: Metrics
    var latency: RandomStream
    var stormRandom: RandomStream
    var churnRandom: RandomStream
    var activeStorms: [ThrottlingStorm] = []
    /// Per transfer slot: the chunk it carries (an entry whose `transfer` differs is stale).
    var transferOwners: [TransferOwner?] = []
    /// Owners displaced from their slot before their completion was handled: the model reuses a slot as soon as
    /// a transfer ends, which can be before the driver has taken that transfer's completion event.
    var displacedOwners: [TransferID: TransferOwner] = [:]
    var netWake: (time: SimTime, handle: EventHandle)?
    var netGeneration: UInt64 = 0
    let keepJournal: Bool
    let checkInvariants: Bool
    var invariants = InvariantChecker()
    var finishedVMs = 0
    /// Records the run for a packet capture when set (`SimDriver.run(_:packetTrace:)`); nil costs nothing.
    var packetTrace: PacketTrace?

    /// Unix-epoch nanoseconds of simulated time 0: Monday 1970-01-05 00:00 UTC plus the scenario's `startsAt`,
    /// so the core's work-hours throttle sees the intended weekday and hour.
    let coreEpoch: Int64

    /// Churn is sampled at this interval (each sample becomes one write range per disk).
    static let churnTick = SimDuration.seconds(10)

    init(document: ScenarioDocument, checkInvariants: Bool) throws {
        doc = document
        let streams = RandomStreams(rootSeed: document.seed)
        world = try World(document: document, streams: streams)
        latency = streams.stream("server-latency")
        stormRandom = streams.stream("throttling-storm")
        churnRandom = streams.stream("churn")
        coreEpoch = 4 * 86_400 * 1_000_000_000 + document.startOffsetNanoseconds
        keepJournal = document.faults.contains { if case .hostRestart = $0 { true } else { false } }
        self.checkInvariants = checkInvariants
        metrics = Metrics(document: document, vmCount: world.vms.count, threadsPerVM: document.replication.uploadThreadsPerVM)
        for vm in world.vms.indices {
            world.vms[vm].core = UploadCore(configuration: world.vms[vm].configuration)
        }
    }

    /// Runs to the scenario's duration (or until every VM finished an initial-replication-only run).
    func run() -> SimTime {
        let end = SimTime(nanoseconds: doc.durationNanoseconds)
        scheduleFaults()
        if doc.measurement.startNanoseconds > 0 {
            sim.schedule(at: .nanoseconds(doc.measurement.startNanoseconds), .measurementStart)
        }
        if doc.phases != .initial, hasChurn {
            sim.schedule(at: .zero + Self.churnTick, .churnTick)
        }
        for vm in world.vms.indices {
            guard let actions = world.vms[vm].core?.start(now: coreNow) else { continue }
            apply(actions, vm: vm)
        }
        syncNetWake()
        packetTrace?.networkSettled(world.net)
        sim.run(until: end, stopWhen: { [unowned self] _ in
            self.finishedVMs == self.world.vms.count || self.invariants.violation != nil
        }) { _, event in
            self.metrics.advance(to: self.sim.now) { self.world.net.attribution }
            self.handle(event)
            self.syncNetWake()
            self.packetTrace?.networkSettled(self.world.net)
        }
        let stop = finishedVMs == world.vms.count ? sim.now : end
        // The network model only moves at events; bring it to `stop` so that transfers still in flight count
        // (in result.json and in a packet trace alike) for what they delivered up to the stop.
        _ = world.net.advance(to: stop)
        if checkInvariants {
            for vm in world.vms.indices {
                for (chunk, inFlight) in world.vms[vm].inFlight.sortedByChunk() {
                    guard let transfer = inFlight.transfer else { continue }
                    invariants.bodyInFlight(
                        vm: vm, chunk: chunk, transferIsLive: world.net.bitsRemaining(of: transfer) != nil)
                }
            }
        }
        metrics.advance(to: stop) { world.net.attribution }
        packetTrace?.runEnded(at: stop.nanoseconds, net: world.net)
        return stop
    }

    var coreNow: Int64 { coreEpoch + sim.now.nanoseconds }

    private var hasChurn: Bool { doc.vms.hasChurn }

    // MARK: Events

    func handle(_ event: DriverEvent) {
        switch event {
        case .netWake(let generation):
            guard generation == netGeneration else { return }
            netWake = nil
            for netEvent in world.net.advance(to: sim.now) { handle(netEvent) }
        case .coreTimer(let vm, let timer, let epoch):
            guard epoch == world.vms[vm].epoch, world.vms[vm].core != nil else { return }
            world.vms[vm].timers[timer.code] = nil
            if timer == .pacing { markWaitingThreads(vm: vm, from: .bandwidthThrottle, to: .idle) }
            if timer == .backoff { markWaitingThreads(vm: vm, from: .outage, to: .idle) }
            let actions = world.vms[vm].core!.timerFired(timer, now: coreNow)
            apply(actions, vm: vm)
        case .response(let vm, let chunk, let outcome, let epoch):
            guard epoch == world.vms[vm].epoch, world.vms[vm].core != nil,
                let inFlight = world.vms[vm].inFlight.removeValue(forKey: chunk)
            else { return }
            packetTrace?.responseReceived(
                vm: vm, thread: inFlight.thread, throttled: outcome.code != 0, at: sim.now.nanoseconds)
            switch outcome {
            case .success:
                metrics.chunkAcknowledged(vm: vm, payloadBytes: inFlight.payloadBytes)
                setThread(vm: vm, inFlight.thread, .idle)
                if checkInvariants { invariants.acknowledged(vm: vm, chunk: chunk) }
                apply(world.vms[vm].core!.chunkSucceeded(chunk, now: coreNow), vm: vm)
            case .throttled(let retryAfter, let kind):
                metrics.throttled += 1
                setThread(vm: vm, inFlight.thread, .waiting(kind))
                apply(
                    world.vms[vm].core!.chunkFailed(chunk, reason: .throttled(retryAfterNanos: retryAfter), now: coreNow),
                    vm: vm)
            }
        case .churnTick:
            recordChurn()
            sim.schedule(after: Self.churnTick, .churnTick)
        case .hostDown(let host):
            hostDown(host)
        case .hostUp(let host):
            hostUp(host)
        case .storm(let index, let active):
            guard case .throttlingStorm(let storm) = doc.faults[index] else { return }
            if active {
                activeStorms.append(storm)
            } else if let at = activeStorms.firstIndex(of: storm) {
                activeStorms.remove(at: at)
            }
        case .measurementStart:
            metrics.startMeasurement(net: world.net)
        }
    }

    func handle(_ event: NetEvent) {
        switch event {
        case .transferCompleted(let transfer, _, let at):
            guard let owner = takeOwner(of: transfer), var inFlight = world.vms[owner.vm].inFlight[owner.chunk]
            else { return }
            metrics.delivered(vm: owner.vm, bytes: inFlight.wireBytes, from: inFlight.startedAt, to: at)
            packetTrace?.transferEnded(transfer, deliveredBytes: inFlight.wireBytes, reset: false, at: at.nanoseconds)
            inFlight.transfer = nil
            world.vms[owner.vm].inFlight[owner.chunk] = inFlight
            setThread(vm: owner.vm, inFlight.thread, .awaitingResponse)
            let delay = SimDuration.seconds(inFlight.rttSeconds) + serverLatency()
            sim.schedule(
                after: delay,
                .response(vm: owner.vm, chunk: owner.chunk, outcome: .success, epoch: world.vms[owner.vm].epoch))
        case .transferReset(let transfer, _, let at, let bitsDelivered):
            guard let owner = takeOwner(of: transfer),
                let inFlight = world.vms[owner.vm].inFlight.removeValue(forKey: owner.chunk)
            else { return }
            metrics.resets += 1
            packetTrace?.transferEnded(
                transfer, deliveredBytes: Int64(bitsDelivered / 8), reset: true, at: at.nanoseconds)
            metrics.delivered(
                vm: owner.vm, bytes: Int64(bitsDelivered / 8), from: inFlight.startedAt, to: at, wasted: true)
            setThread(vm: owner.vm, inFlight.thread, .waiting(.outage))
            apply(world.vms[owner.vm].core!.chunkFailed(owner.chunk, reason: .connectionReset, now: coreNow), vm: owner.vm)
        case .routeChanged:
            break
        }
    }

    /// Records that `transfer` carries `chunk` of `vm`.
    /// - Complexity: O(1) amortised.
    func setOwner(of transfer: TransferID, vm: Int, chunk: ChunkID) {
        let slot = Int(transfer.slot)
        if slot >= transferOwners.count {
            transferOwners.append(contentsOf: repeatElement(nil, count: slot + 1 - transferOwners.count))
        }
        if let previous = transferOwners[slot] { displacedOwners[previous.transfer] = previous }
        transferOwners[slot] = TransferOwner(transfer: transfer, vm: vm, chunk: chunk)
    }

    /// The owner of `transfer`, forgotten as it is returned; nil if unknown or already taken.
    /// - Complexity: O(1).
    func takeOwner(of transfer: TransferID) -> TransferOwner? {
        let slot = Int(transfer.slot)
        if slot < transferOwners.count, let owner = transferOwners[slot], owner.transfer == transfer {
            transferOwners[slot] = nil
            return owner
        }
        return displacedOwners.removeValue(forKey: transfer)
    }

    /// Keeps exactly one kernel wake-up at the network model's next event time.
    func syncNetWake() {
        let next = world.net.nextEventTime()
        if let current = netWake, current.time == next { return }
        if let current = netWake { sim.cancel(current.handle) }
        netWake = nil
        guard let next else { return }
        netGeneration &+= 1
        netWake = (next, sim.schedule(at: next, .netWake(generation: netGeneration)))
    }

    func serverLatency() -> SimDuration {
        let storage = doc.storage
        var seconds = latency.lognormal(
            median: Double(storage.serverLatencyMedianNanoseconds) / 1e9, sigma: storage.serverLatencySigma)
        for storm in activeStorms { seconds += Double(storm.extraLatencyNanoseconds) / 1e9 }
        return .seconds(seconds)
    }

    func setThread(vm: Int, _ thread: Int, _ activity: ThreadActivity) {
        let old = world.vms[vm].threads[thread]
        guard old != activity else { return }
        metrics.threadChanged(from: old, to: activity)
        world.vms[vm].threads[thread] = activity
    }

    func markWaitingThreads(vm: Int, from: BottleneckKind, to: ThreadActivity) {
        for thread in world.vms[vm].threads.indices where world.vms[vm].threads[thread] == .waiting(from) {
            setThread(vm: vm, thread, to)
        }
    }
}
