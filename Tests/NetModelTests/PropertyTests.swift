import SimKernel
import TestHarness
import Testing

@testable import NetModel

/// A random topology: resources with random capacities (some shared by many flows), connections over random
/// subsets of them with random window caps; every transfer's path and cap is remembered for the checks.
struct RandomTopology {
    var net = NetModel()
    var resources: [ResourceID] = []
    var paths: [TransferID: (path: [ResourceID], cap: Double)] = [:]
    var order: [TransferID] = []

    init(seed: UInt64) throws {
        var random = RandomStreams(rootSeed: seed).stream("topology")
        for index in 0..<random.uniformInt(in: 1...8) {
            let capacity = Double(random.uniformInt(in: 1...1000)) * 1e6
            resources.append(try net.addResource(name: "r\(index)", kind: .other, bitsPerSecond: capacity))
        }
        for _ in 0..<random.uniformInt(in: 1...40) { try startRandomTransfer(&random) }
    }

    mutating func startRandomTransfer(_ random: inout RandomStream) throws {
        var path: [ResourceID] = []
        for resource in resources where random.uniform() < 0.4 { path.append(resource) }
        if path.isEmpty { path = [resources[random.uniformInt(in: 0...(resources.count - 1))]] }
        let rtt = 0.01
        let window: Int? = random.uniform() < 0.5 ? random.uniformInt(in: 1...2_000) * 1024 : nil
        let tcp = TCPParameters(windowBytes: window, slowStart: false)
        let connection = try net.openConnection(route: .path(path, .init(rttSeconds: rtt)), tcp: tcp, now: net.now)
        let bytes = Int64(random.uniformInt(in: 1...50_000)) * 1024
        let transfer = try net.startTransfer(on: connection, bytes: bytes, now: net.now)
        paths[transfer] = (path, window.map { TCPCaps.window(bytes: $0, rttSeconds: rtt) } ?? .infinity)
        order.append(transfer)
    }

    /// Checks capacity, caps and max-min fairness (bottleneck characterisation: every flow is at its cap or
    /// crosses a saturated resource on which no flow gets more than it). Returns the violations.
    func violations() -> [String] {
        var problems: [String] = []
        let live = order.filter { net.rate(of: $0) != nil }
        let tolerance = 1e-9
        var saturated: [Bool] = []
        for resource in resources {
            let load = net.load(on: resource)
            let capacity = net.capacity(of: resource) ?? 0
            if load > capacity * (1 + tolerance) {
                problems.append("resource \(resource.index) over: \(load) > \(capacity)")
            }
            saturated.append(load >= capacity * (1 - 1e-9))
        }
        for transfer in live {
            let rate = net.rate(of: transfer) ?? 0
            guard let (path, cap) = paths[transfer] else { continue }
            if rate > cap * (1 + tolerance) { problems.append("\(transfer) over cap: \(rate) > \(cap)") }
            if rate >= cap * (1 - tolerance) { continue }
            let bottlenecked = path.contains { resource in
                guard saturated[resource.index] else { return false }
                let maxOnResource =
                    live.filter { paths[$0]?.path.contains(resource) ?? false }
                    .map { net.rate(of: $0) ?? 0 }.max() ?? 0
                return rate >= maxOnResource * (1 - tolerance)
            }
            if !bottlenecked { problems.append("\(transfer) at \(rate) could gain without a smaller flow losing") }
        }
        return problems
    }
}

@Test(.cpuBound, arguments: 0..<200)
func allocationIsFeasibleCappedAndMaxMinFair(seed: Int) throws {
    var topology = try RandomTopology(seed: UInt64(seed))
    var random = RandomStreams(rootSeed: UInt64(seed)).stream("churn")
    var steps = 0
    while steps < 30 {
        let problems = topology.violations()
        #expect(problems.isEmpty, "reproduce with seed \(seed) at step \(steps): \(problems.prefix(3))")
        if !problems.isEmpty { return }
        guard let next = topology.net.nextEventTime() else { break }
        _ = topology.net.advance(to: next)
        if random.uniform() < 0.5 { try topology.startRandomTransfer(&random) }
        steps += 1
    }
}

@Test(.cpuBound) func completionsMatchTheirAnalyticTimes() throws {
    // Two flows share 100 Mbps: 1 MB and 3 MB. The small one ends at 2·8e6/1e8 = 0.16 s; then the big one has
    // 2 MB left at 100 Mbps: 0.16 + 0.16 = 0.32 s.
    var net = NetModel()
    let link = try net.addResource(name: "link", kind: .nic, bitsPerSecond: 100e6)
    let small = try startFlows(
        &net, count: 1, path: [link], characteristics: .init(rttSeconds: 0.01), bytes: 1_000_000)[0]
    let big = try startFlows(&net, count: 1, path: [link], characteristics: .init(rttSeconds: 0.01), bytes: 3_000_000)[
        0]
    #expect(net.nextEventTime() == .seconds(0.16))
    let first = net.advance(to: .seconds(0.16))
    #expect(
        first.count == 1
            && first[0] == .transferCompleted(small, connection: ConnectionID(index: 0), at: .seconds(0.16)))
    #expect(net.rate(of: big) == 100e6)
    #expect(net.nextEventTime() == .seconds(0.32))
    #expect(net.attribution.bits(.nic) > 0)
}
