import SimKernel
import Testing

@testable import NetModel

/// Many classes over one shared account-like resource (the case the rate group serves): `blobs` per-class
/// resources in front of one shared resource, random sizes, random starts and cancels while time advances.
/// Every step must stay feasible and max-min fair, whether the model is in its rate group or not.
@Test(arguments: 0..<30)
func rateGroupKeepsTheAllocationMaxMinFair(seed: Int) throws {
    var random = RandomStreams(rootSeed: UInt64(seed)).stream("group")
    var topology = try RandomTopology(seed: UInt64(seed))
    topology.net = NetModel()
    topology.resources = []
    topology.paths = [:]
    topology.order = []
    let blobs = random.uniformInt(in: 8...16)
    for index in 0..<blobs {
        let capacity = Double(random.uniformInt(in: 1_000...2_000)) * 1e6
        topology.resources.append(
            try topology.net.addResource(name: "blob\(index)", kind: .blobThroughput, bitsPerSecond: capacity))
    }
    // Below 1 Gbps the shared resource binds every flow (each blob has more than that per flow), so the rate
    // group must form; above it blobs bind some flows and the group must not hold.
    let shared = Double(random.uniformInt(in: 5...80)) * 1e8
    let account = try topology.net.addResource(name: "account", kind: .accountIngress, bitsPerSecond: shared)
    topology.resources.append(account)

    var live: [TransferID] = []
    var sawGroup = false
    func start(_ topology: inout RandomTopology, _ random: inout RandomStream) throws {
        let blob = topology.resources[random.uniformInt(in: 0...(blobs - 1))]
        let path = [blob, account]
        let connection = try topology.net.openConnection(
            route: .path(path, .init(rttSeconds: 0.01)), tcp: TCPParameters(slowStart: false), now: topology.net.now)
        let bytes = Int64(random.uniformInt(in: 1...4_000)) * 1024
        let transfer = try topology.net.startTransfer(on: connection, bytes: bytes, now: topology.net.now)
        topology.paths[transfer] = (path, .infinity)
        topology.order.append(transfer)
        live.append(transfer)
    }
    for _ in 0..<(blobs * 6) { try start(&topology, &random) }
    for step in 0..<150 {
        let problems = topology.violations()
        #expect(problems.isEmpty, "reproduce with seed \(seed) at step \(step): \(problems.prefix(3))")
        if !problems.isEmpty { return }
        if topology.net.group.active {
            sawGroup = true
            let expected = shared / Double(topology.net.activeTransfers)
            for transfer in live where topology.net.rate(of: transfer) != expected {
                let rate = String(describing: topology.net.rate(of: transfer))
                Issue.record("group rate \(rate) != \(expected); reproduce with seed \(seed)")
                return
            }
        }
        let choice = random.uniform()
        if choice < 0.15, !live.isEmpty {
            let index = random.uniformInt(in: 0...(live.count - 1))
            _ = topology.net.cancelTransfer(live.remove(at: index), now: topology.net.now)
        } else if choice < 0.55 {
            try start(&topology, &random)
        } else if let next = topology.net.nextEventTime() {
            for event in topology.net.advance(to: next) {
                if case .transferCompleted(let id, _, _) = event { live.removeAll { $0 == id } }
            }
        }
    }
    if shared < 1e9 { #expect(sawGroup, "the rate group never formed; reproduce with seed \(seed)") }
}

/// The rate group gives the completion times plain reallocation gives, when classes keep emptying and
/// reappearing (one connection per blob, a new transfer some time after each completion: the 1-thread-per-VM
/// case, where a class joins or leaves the group at nearly every event).
@Test(arguments: 0..<12)
func rateGroupMatchesPlainReallocationWhenClassesComeAndGo(seed: Int) throws {
    var random = RandomStreams(rootSeed: UInt64(seed)).stream("come-and-go")
    let blobs = random.uniformInt(in: 8...20)
    let shared = Double(random.uniformInt(in: 3...30)) * 1e8
    let transfersPerBlob = 25
    // Varied blob capacities and per-connection windows (caps), and slow start on odd seeds, so that joining
    // classes sometimes must not join the group (their blob or their cap binds below the group's level).
    let blobCapacities = (0..<blobs).map { _ in Double(random.uniformInt(in: 1...20)) * 1e8 }
    let windows = (0..<blobs).map { _ in random.uniformInt(in: 16...1_024) * 1024 }
    let slowStart = seed % 2 == 1
    var plan: [[(bytes: Int64, gapNanos: Int64)]] = []
    for _ in 0..<blobs {
        plan.append(
            (0..<transfersPerBlob).map { _ in
                (Int64(random.uniformInt(in: 64...4_096)) * 1024, Int64(random.uniformInt(in: 0...3_000_000)))
            })
    }

    func completionTimes(rateGroup: Bool) throws -> (times: [[Int64]], groupSteps: Int) {
        var net = NetModel()
        net.allowsRateGroup = rateGroup
        let account = try net.addResource(name: "account", kind: .accountIngress, bitsPerSecond: shared)
        var connections: [ConnectionID] = []
        for index in 0..<blobs {
            let blob = try net.addResource(
                name: "blob\(index)", kind: .blobThroughput, bitsPerSecond: blobCapacities[index])
            connections.append(
                try net.openConnection(
                    route: .path([blob, account], .init(rttSeconds: 0.002)),
                    tcp: TCPParameters(windowBytes: windows[index], slowStart: slowStart), now: .zero))
        }
        var times = Array(repeating: [Int64](), count: blobs)
        var nextStart = Array(repeating: Int64(0), count: blobs)  // -1: a transfer is in flight
        var owner: [TransferID: Int] = [:]
        var groupSteps = 0
        while true {
            let due = (0..<blobs).filter { nextStart[$0] >= 0 && times[$0].count < transfersPerBlob }
            let startAt = due.map { nextStart[$0] }.min()
            let netAt = net.nextEventTime()?.nanoseconds
            guard startAt != nil || netAt != nil else { break }
            if let startAt, netAt.map({ startAt <= $0 }) ?? true {
                for b in due where nextStart[b] == startAt {
                    let bytes = plan[b][times[b].count].bytes
                    let id = try net.startTransfer(on: connections[b], bytes: bytes, now: .nanoseconds(startAt))
                    owner[id] = b
                    nextStart[b] = -1
                }
            } else if let netAt {
                for event in net.advance(to: .nanoseconds(netAt)) {
                    guard case .transferCompleted(let id, _, let at) = event, let b = owner.removeValue(forKey: id)
                    else { continue }
                    nextStart[b] = at.nanoseconds + plan[b][times[b].count].gapNanos
                    times[b].append(at.nanoseconds)
                }
            }
            if net.group.active { groupSteps += 1 }
        }
        return (times, groupSteps)
    }

    let grouped = try completionTimes(rateGroup: true)
    let plain = try completionTimes(rateGroup: false)
    #expect(plain.groupSteps == 0)
    // Seeds 0-8 hold the group for hundreds of steps (9-11 never form it): make sure the comparison means something.
    if seed == 0 { #expect(grouped.groupSteps > 100, "seed 0 no longer exercises the rate group") }
    for b in 0..<blobs {
        #expect(grouped.times[b].count == transfersPerBlob, "blob \(b); reproduce with seed \(seed)")
        for (x, y) in zip(grouped.times[b], plain.times[b]) where abs(x - y) > 1_000 {
            Issue.record("blob \(b): completion at \(x) ns with the group, \(y) ns without; reproduce with seed \(seed)")
            return
        }
    }
}
