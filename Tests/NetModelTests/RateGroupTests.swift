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
