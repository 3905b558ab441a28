import SimKernel

/// A synthetic replication workload for benchmarks and simulator comparisons (SimGrid, SimPy): `vms` VMs,
/// each with `threadsPerVM` connections over one shared link; every connection repeatedly takes the next
/// chunk of its VM's data, transfers it, then waits one RTT plus `extraWaitSeconds` (response and request
/// overhead) before the next. Connection starts are spread evenly over the first RTT + extra wait.
/// TCP: slow start from 10 segments at the link's RTT (or none with `slowStart: false`, the plain fluid model
/// of the SimGrid and SimPy peers in Benchmarks/peers), no loss, no window limit.
///
/// Driven by `Simulation` exactly as SimDriver drives the model: one kernel wake-up per `nextEventTime()`,
/// invalidated by a generation number when the model's next event moves.
public enum SyntheticUploadWorkload {
    public struct Result: Sendable, Equatable {
        public var makespanSeconds: Double
        public var transfers: Int
        public var events: Int
        public var traceHash: UInt64
    }

    enum Event: TraceableEvent {
        case netWake(generation: UInt64)
        case threadReady(connection: Int)

        var traceCode: UInt64 {
            switch self {
            case .netWake: 1  // the generation depends on scheduling history, not on what happened
            case .threadReady(let connection): 2 &+ UInt64(connection) << 8
            }
        }
    }

    /// Runs the workload and returns (makespan in seconds, number of transfers, kernel events).
    /// - Throws: `NetModelError` for non-positive sizes, rates or counts.
    public static func run(
        vms: Int, threadsPerVM: Int, linkBitsPerSecond: Double, rttSeconds: Double, extraWaitSeconds: Double,
        bytesPerVM: Int64, chunkBytes: Int64, slowStart: Bool = true
    ) throws -> (makespanSeconds: Double, transfers: Int, events: Int) {
        let result = try runDetailed(
            vms: vms, threadsPerVM: threadsPerVM, linkBitsPerSecond: linkBitsPerSecond, rttSeconds: rttSeconds,
            extraWaitSeconds: extraWaitSeconds, bytesPerVM: bytesPerVM, chunkBytes: chunkBytes, slowStart: slowStart)
        return (result.makespanSeconds, result.transfers, result.events)
    }

    /// As `run`, with the kernel's trace hash.
    public static func runDetailed(
        vms: Int, threadsPerVM: Int, linkBitsPerSecond: Double, rttSeconds: Double, extraWaitSeconds: Double,
        bytesPerVM: Int64, chunkBytes: Int64, slowStart: Bool = true
    ) throws -> Result {
        try requirePositive(Double(vms), "SyntheticUploadWorkload.vms")
        try requirePositive(Double(threadsPerVM), "SyntheticUploadWorkload.threadsPerVM")
        try requirePositive(Double(bytesPerVM), "SyntheticUploadWorkload.bytesPerVM")
        try requirePositive(Double(chunkBytes), "SyntheticUploadWorkload.chunkBytes")
        try requireFraction(extraWaitSeconds, "SyntheticUploadWorkload.extraWaitSeconds", below: .infinity)
        var net = NetModel()
        let link = try net.addResource(name: "link", kind: .circuit, bitsPerSecond: linkBitsPerSecond)
        let characteristics = PathCharacteristics(rttSeconds: rttSeconds)
        let connectionCount = vms * threadsPerVM
        var connections: [ConnectionID] = []
        connections.reserveCapacity(connectionCount)
        for _ in 0..<connectionCount {
            connections.append(
                try net.openConnection(
                    route: .path([link], characteristics), tcp: TCPParameters(slowStart: slowStart), now: .zero))
        }
        var bytesLeft = [Int64](repeating: bytesPerVM, count: vms)
        let wait = SimDuration.seconds(rttSeconds + extraWaitSeconds)
        let spread = wait.nanoseconds / Int64(max(1, connectionCount))

        let sim = Simulation<Event>()
        for index in 0..<connectionCount {
            sim.schedule(at: .nanoseconds(spread * Int64(index)), .threadReady(connection: index))
        }
        var generation: UInt64 = 0
        var scheduledWake: SimTime? = nil
        var transfers = 0
        var lastCompletion = SimTime.zero
        var failure: NetModelError?

        func rescheduleWake(_ sim: Simulation<Event>) {
            let next = net.nextEventTime()
            if next == scheduledWake { return }
            generation &+= 1
            scheduledWake = next
            if let next { sim.schedule(at: next, .netWake(generation: generation)) }
        }

        sim.run { sim, event in
            switch event {
            case .netWake(let wakeGeneration):
                guard wakeGeneration == generation else { return }  // superseded wake-up: a no-op
                scheduledWake = nil
                for netEvent in net.advance(to: sim.now) {
                    switch netEvent {
                    case .transferCompleted(_, let connection, let at):
                        lastCompletion = at
                        sim.schedule(after: wait, .threadReady(connection: connection.index))
                    case .transferReset, .routeChanged:
                        break  // no faults in this workload
                    }
                }
            case .threadReady(let connection):
                let vm = connection / threadsPerVM
                guard bytesLeft[vm] > 0 else { return }
                let size = min(chunkBytes, bytesLeft[vm])
                bytesLeft[vm] -= size
                do {
                    _ = try net.startTransfer(on: connections[connection], bytes: size, now: sim.now)
                    transfers += 1
                } catch {
                    failure = error as? NetModelError
                }
            }
            rescheduleWake(sim)
        }
        if let failure { throw failure }
        return Result(
            makespanSeconds: lastCompletion.inSeconds, transfers: transfers, events: sim.eventCount,
            traceHash: sim.traceHash)
    }
}
