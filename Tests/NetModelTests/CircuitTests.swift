import SimKernel
import TestHarness
import Testing

@testable import NetModel

/// A 1 Gbps dual circuit (RTT 10 ms) with a 200 Mbps internet fallback (RTT 40 ms, loss 1e-4, Reno).
func circuitWorld(detection: SimDuration = CircuitConfig.bgpHoldTime, policing: CircuitConfig.Policing = .dual)
    throws -> (NetModel, CircuitID, FallbackPathID)
{
    var net = NetModel()
    let fallback = try net.addFallbackPath(
        .init(
            name: "internet", bitsPerSecond: 200e6,
            characteristics: .init(rttSeconds: 0.040, lossRate: 1e-4, congestionControl: .reno)))
    let circuit = try net.addCircuit(
        .init(
            name: "er", bitsPerSecond: 1e9, characteristics: .init(rttSeconds: 0.010), policing: policing,
            detectionDelay: detection, fallback: fallback))
    return (net, circuit, fallback)
}

func openCircuitConnections(_ net: inout NetModel, _ circuit: CircuitID, count: Int) throws -> [ConnectionID] {
    try (0..<count).map { _ in
        try net.openConnection(
            route: .circuit(circuit, hostSide: []), tcp: TCPParameters(slowStart: false), now: net.now)
    }
}

@Test(.cpuBound) func dualCircuitBurstsToTwiceTheBandwidthAndSingleDoesNot() throws {
    for (policing, expected) in [(CircuitConfig.Policing.dual, 2e9), (.single, 1e9)] {
        var (net, circuit, _) = try circuitWorld(policing: policing)
        for connection in try openCircuitConnections(&net, circuit, count: 16) {
            _ = try net.startTransfer(on: connection, bytes: 1 << 30, now: .zero)
        }
        let total = net.legResources(of: circuit).reduce(0.0) { $0 + net.load(on: $1) }
        #expect(relativeError(total, expected) < 1e-9, "policing \(policing)")
    }
}

@Test(.cpuBound) func failoverWithBGPHoldResumesOnFallbackAfter180s() throws {
    var (net, circuit, fallback) = try circuitWorld()
    let connections = try openCircuitConnections(&net, circuit, count: 8)
    var inFlight: [ConnectionID: TransferID] = [:]
    for connection in connections {
        inFlight[connection] = try net.startTransfer(on: connection, bytes: 1 << 40, now: .zero)
    }
    try net.scheduleFault(circuit: circuit, legs: .both, downAt: .seconds(10), upAt: .seconds(1000))
    _ = net.advance(to: .seconds(11))
    for transfer in inFlight.values { #expect(net.rate(of: transfer) == 0) }
    #expect(net.nextEventTime() == .seconds(190))
    let events = net.advance(to: .seconds(190))
    let resets = events.filter { if case .transferReset = $0 { true } else { false } }
    #expect(resets.count == 8)
    for event in resets { if case .transferReset(_, _, let at, _) = event { #expect(at == .seconds(190)) } }
    #expect(events.contains(.routeChanged(circuit, leg: 0, routed: false, at: .seconds(190))))
    // New transfers go over the fallback: 200 Mbps shared, each capped by Mathis at 40 ms / 1e-4.
    let resumed = try net.startTransfer(on: connections[0], bytes: 1 << 30, now: .seconds(190))
    let mathis = TCPCaps.mathis(mssBytes: 1460, rttSeconds: 0.040, lossRate: 1e-4)
    #expect(relativeError(try #require(net.rate(of: resumed)), mathis) < 1e-9)
    #expect(net.load(on: ResourceID(index: 0)) == mathis)  // resource 0 is the fallback path
    _ = fallback
    // Restoration: legs up at 1000 s, traffic back after the 30 s restoration delay.
    _ = net.advance(to: .seconds(1029))
    _ = net.cancelTransfer(resumed, now: net.now)
    let stillFallback = try net.startTransfer(on: connections[1], bytes: 1 << 20, now: .seconds(1029))
    #expect(relativeError(try #require(net.rate(of: stillFallback)), mathis) < 1e-9)
    let restoredEvents = net.advance(to: .seconds(1030))
    #expect(restoredEvents.contains(.routeChanged(circuit, leg: 0, routed: true, at: .seconds(1030))))
    let back = try net.startTransfer(on: connections[2], bytes: 1 << 30, now: .seconds(1030))
    #expect(try #require(net.rate(of: back)) == 1e9)
}

@Test(.cpuBound) func oneLegDownMovesItsTrafficToTheOtherLegWithBFD() throws {
    var (net, circuit, _) = try circuitWorld(detection: CircuitConfig.bfdDetection)
    let connections = try openCircuitConnections(&net, circuit, count: 16)
    for connection in connections { _ = try net.startTransfer(on: connection, bytes: 1 << 40, now: .zero) }
    try net.scheduleFault(circuit: circuit, legs: .primary, downAt: .seconds(1), upAt: nil)
    let events = net.advance(to: .seconds(1.9))
    let resetConnections = events.compactMap { event -> ConnectionID? in
        if case .transferReset(_, let connection, _, _) = event { return connection } else { return nil }
    }
    #expect(!resetConnections.isEmpty && resetConnections.count < 16)
    for connection in resetConnections { _ = try net.startTransfer(on: connection, bytes: 1 << 30, now: net.now) }
    let legs = net.legResources(of: circuit)
    #expect(net.load(on: legs[0]) == 0)
    #expect(relativeError(net.load(on: legs[1]), 1e9) < 1e-9)
}

@Test(.cpuBound) func aLegBackBeforeTheHoldTimerNeverReroutes() throws {
    var (net, circuit, _) = try circuitWorld()
    let connections = try openCircuitConnections(&net, circuit, count: 4)
    let transfers = try connections.map { try net.startTransfer(on: $0, bytes: 1 << 40, now: .zero) }
    try net.scheduleFault(circuit: circuit, legs: .both, downAt: .seconds(1), upAt: .seconds(60))
    let events = net.advance(to: .seconds(400))
    #expect(events.isEmpty)
    for transfer in transfers { #expect(try #require(net.rate(of: transfer)) > 0) }
}

@Test(.cpuBound) func crossTrafficProfileChangesFallbackCapacityAtItsSteps() throws {
    var net = NetModel()
    let fallback = try net.addFallbackPath(
        .init(
            name: "internet", bitsPerSecond: 100e6, characteristics: .init(rttSeconds: 0.03),
            crossTraffic: .profile([(at: .seconds(5), share: 0.25), (at: .seconds(9), share: 0.5)])))
    _ = fallback
    let resource = ResourceID(index: 0)
    #expect(net.capacity(of: resource) == 100e6)
    #expect(net.nextEventTime() == .seconds(5))
    _ = net.advance(to: .seconds(6))
    #expect(net.capacity(of: resource) == 75e6)
    _ = net.advance(to: .seconds(9))
    #expect(net.capacity(of: resource) == 50e6)
}

@Test(.cpuBound) func requestAdmissionThrottlesAtTheBlobRate() throws {
    var net = NetModel()
    let account = try net.addStorageAccount(name: "acct", limits: .us2015GRS)
    let blob = try net.addPageBlob(name: "disk", account: account)
    var accepted = 0
    var firstThrottle: Admission?
    for _ in 0..<600 {
        switch try net.admitRequest(blob: blob, now: .zero) {
        case .accepted: accepted += 1
        case .throttled(let retryAfter, let by):
            if firstThrottle == nil { firstThrottle = .throttled(retryAfter: retryAfter, by: by) }
        }
    }
    #expect(accepted == 500)
    #expect(firstThrottle == .throttled(retryAfter: .milliseconds(2), by: .blobRequestRate))
    // One second later the bucket is full again, never fuller.
    var later = 0
    for _ in 0..<600 where try net.admitRequest(blob: blob, now: .seconds(5)) == .accepted { later += 1 }
    #expect(later == 500)
}
