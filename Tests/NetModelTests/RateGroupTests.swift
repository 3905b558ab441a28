import SimKernel
import TestHarness
import Testing

@testable import NetModel

/// Many classes over one shared account-like resource (the case the rate group serves): `blobs` per-class
/// resources in front of one shared resource, random sizes, random starts and cancels while time advances.
/// Every step must stay feasible and max-min fair, whether the model is in its rate group or not.
@Test(.cpuBound, arguments: 0..<30)
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

/// The fast paths (`RateGroup`, `BottleneckPartition`) give the completion times plain reallocation gives, when
/// classes keep changing: 1-3 connections per blob, each starting a new transfer some time after its last one
/// completed. With one connection per blob a class empties and reappears at nearly every event (the
/// 1-thread-per-VM case); with more, classes stay and only their counts change.
@Test(.cpuBound, arguments: 0..<18)
func fastPathsMatchPlainReallocationWhenClassesComeAndGo(seed: Int) throws {
    var random = RandomStreams(rootSeed: UInt64(seed)).stream("come-and-go")
    let blobs = random.uniformInt(in: 8...20)
    let perBlob = seed % 3 + 1
    let links = blobs * perBlob
    // Seeds 0-8: an account that binds often (the rate group); 9-17: one that rarely does (the partition).
    let shared = Double(seed < 9 ? random.uniformInt(in: 3...30) : random.uniformInt(in: 100...300)) * 1e8
    let transfersPerLink = 25
    // Varied blob capacities and windows (caps; two sizes per blob, so that a blob's flows form two classes), and
    // slow start on odd seeds, so that classes are bound by the account, by their blob or by their cap, and the
    // binding changes as counts change.
    let blobCapacities = (0..<blobs).map { _ in Double(random.uniformInt(in: 1...20)) * 1e8 }
    let windows = (0..<blobs).map { _ in random.uniformInt(in: 16...1_024) * 1024 }
    let slowStart = seed % 2 == 1
    var plan: [[(bytes: Int64, gapNanos: Int64)]] = []
    for _ in 0..<links {
        plan.append(
            (0..<transfersPerLink).map { _ in
                (Int64(random.uniformInt(in: 64...4_096)) * 1024, Int64(random.uniformInt(in: 0...3_000_000)))
            })
    }

    func completionTimes(fastPaths: Bool) throws -> (times: [[Int64]], groupSteps: Int, partitionSteps: Int) {
        var net = NetModel()
        net.allowsFastPaths = fastPaths
        let account = try net.addResource(name: "account", kind: .accountIngress, bitsPerSecond: shared)
        var blobResources: [ResourceID] = []
        for index in 0..<blobs {
            blobResources.append(
                try net.addResource(name: "blob\(index)", kind: .blobThroughput, bitsPerSecond: blobCapacities[index]))
        }
        var connections: [ConnectionID] = []
        for link in 0..<links {
            connections.append(
                try net.openConnection(
                    route: .path([blobResources[link / perBlob], account], .init(rttSeconds: 0.002)),
                    tcp: TCPParameters(windowBytes: windows[link / perBlob] << (link % 2), slowStart: slowStart), now: .zero))
        }
        var times = Array(repeating: [Int64](), count: links)
        var nextStart = Array(repeating: Int64(0), count: links)  // -1: a transfer is in flight
        var owner: [TransferID: Int] = [:]
        var groupSteps = 0
        var partitionSteps = 0
        while true {
            let due = (0..<links).filter { nextStart[$0] >= 0 && times[$0].count < transfersPerLink }
            let startAt = due.map { nextStart[$0] }.min()
            let netAt = net.nextEventTime()?.nanoseconds
            guard startAt != nil || netAt != nil else { break }
            if let startAt, netAt.map({ startAt <= $0 }) ?? true {
                for link in due where nextStart[link] == startAt {
                    let bytes = plan[link][times[link].count].bytes
                    let id = try net.startTransfer(on: connections[link], bytes: bytes, now: .nanoseconds(startAt))
                    owner[id] = link
                    nextStart[link] = -1
                }
            } else if let netAt {
                for event in net.advance(to: .nanoseconds(netAt)) {
                    guard case .transferCompleted(let id, _, let at) = event, let link = owner.removeValue(forKey: id)
                    else { continue }
                    nextStart[link] = at.nanoseconds + plan[link][times[link].count].gapNanos
                    times[link].append(at.nanoseconds)
                }
            }
            if net.group.active { groupSteps += 1 }
            if net.partition.active { partitionSteps += 1 }
        }
        return (times, groupSteps, partitionSteps)
    }

    let fast = try completionTimes(fastPaths: true)
    let plain = try completionTimes(fastPaths: false)
    #expect(plain.groupSteps == 0 && plain.partitionSteps == 0)
    // Make sure the comparison exercises what it is meant to (hundreds of steps in each mode at these seeds).
    if seed == 0 { #expect(fast.groupSteps > 100, "seed 0 no longer exercises the rate group") }
    if seed >= 9 { #expect(fast.partitionSteps > 100, "seed \(seed) no longer exercises the partition") }
    for link in 0..<links {
        #expect(fast.times[link].count == transfersPerLink, "connection \(link); reproduce with seed \(seed)")
        for (x, y) in zip(fast.times[link], plain.times[link]) where abs(x - y) > 1_000 {
            Issue.record(
                "connection \(link): completion at \(x) ns with the fast paths, \(y) ns without; reproduce with seed \(seed)")
            return
        }
    }
}
