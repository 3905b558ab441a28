import SimKernel
import TestHarness
import Testing

@testable import NetModel

/// Starts one transfer per connection (each on `path`) and returns the model and the transfer IDs.
func startFlows(
    _ net: inout NetModel, count: Int, path: [ResourceID], characteristics: PathCharacteristics,
    tcp: TCPParameters = TCPParameters(slowStart: false), bytes: Int64 = 1 << 40, storage: [ResourceID] = []
) throws -> [TransferID] {
    var transfers: [TransferID] = []
    for _ in 0..<count {
        let connection = try net.openConnection(route: .path(path, characteristics), tcp: tcp, now: net.now)
        transfers.append(try net.startTransfer(on: connection, bytes: bytes, storage: storage, now: net.now))
    }
    return transfers
}

func relativeError(_ value: Double, _ expected: Double) -> Double { abs(value - expected) / expected }

@Test(.cpuBound) func windowLimitedFlowIsWindowOverRTT() throws {
    var net = NetModel()
    let link = try net.addResource(name: "link", kind: .circuit, bitsPerSecond: 10e9)
    let tcp = TCPParameters(windowBytes: 65_536, slowStart: false)
    let flows = try startFlows(&net, count: 1, path: [link], characteristics: .init(rttSeconds: 0.010), tcp: tcp)
    let rate = try #require(net.rate(of: flows[0]))
    #expect(relativeError(rate, 52.4288e6) < 1e-9)
    #expect(net.binding(of: flows[0]) == .window)
    _ = net.advance(to: .seconds(1))
    #expect(net.attribution.timeShare(.window) == 1)
}

@Test(.cpuBound) func mathisRenoAt50msAndLoss1e4() throws {
    let rate = TCPCaps.mathis(mssBytes: 1460, rttSeconds: 0.050, lossRate: 1e-4)
    #expect(relativeError(rate, 28.6e6) < 0.01)
    var net = NetModel()
    let link = try net.addResource(name: "internet", kind: .fallbackPath, bitsPerSecond: 1e9)
    let path = PathCharacteristics(rttSeconds: 0.050, lossRate: 1e-4, congestionControl: .reno)
    let flows = try startFlows(&net, count: 1, path: [link], characteristics: path)
    #expect(try #require(net.rate(of: flows[0])) == rate)
}

@Test(.cpuBound) func cubicAt10msAndLoss1e6IsAbout1200Segments() {
    let rate = TCPCaps.cubic(mssBytes: 1500, rttSeconds: 0.010, lossRate: 1e-6)
    let segments = rate * 0.010 / (1500 * 8)
    #expect(abs(segments - 1200) / 1200 < 0.03)
    #expect(relativeError(rate, 1.44e9) < 0.03)
    // CUBIC exceeds Reno where its own response function dominates (long RTT, low loss).
    #expect(
        TCPCaps.cubic(mssBytes: 1460, rttSeconds: 0.1, lossRate: 1e-6)
            > 1.5 * TCPCaps.mathis(mssBytes: 1460, rttSeconds: 0.1, lossRate: 1e-6))
}

@Test(.cpuBound, arguments: [1, 2, 7, 32])
func equalFlowsShareALinkEqually(count: Int) throws {
    var net = NetModel()
    let link = try net.addResource(name: "link", kind: .circuit, bitsPerSecond: 1e9)
    let flows = try startFlows(&net, count: count, path: [link], characteristics: .init(rttSeconds: 0.01))
    for flow in flows { #expect(relativeError(try #require(net.rate(of: flow)), 1e9 / Double(count)) < 1e-12) }
    #expect(relativeError(net.load(on: link), 1e9) < 1e-12)
}

@Test(.cpuBound) func threeBlobsAtTheirCapOnA10GbpsLink() throws {
    var net = NetModel()
    let link = try net.addResource(name: "circuit", kind: .circuit, bitsPerSecond: 10e9)
    let account = try net.addStorageAccount(name: "acct", limits: .us2015GRS)
    var all: [TransferID] = []
    for disk in 0..<3 {
        let blob = try net.addPageBlob(name: "disk\(disk)", account: account)
        all += try startFlows(
            &net, count: 8, path: [link], characteristics: .init(rttSeconds: 0.01), storage: net.storagePath(blob: blob)
        )
    }
    let perBlob = 60.0 * 1_048_576 * 8
    #expect(relativeError(perBlob, 503.3e6) < 1e-3)
    #expect(relativeError(net.load(on: link), 3 * perBlob) < 1e-9)
    for flow in all { #expect(relativeError(try #require(net.rate(of: flow)), perBlob / 8) < 1e-9) }
    _ = net.advance(to: .seconds(10))
    #expect(net.attribution.timeShare(.blobThroughput) == 1)
}

@Test(.cpuBound) func accountIngressIsNeverExceeded() throws {
    var net = NetModel()
    let link = try net.addResource(name: "circuit", kind: .circuit, bitsPerSecond: 40e9)
    let account = try net.addStorageAccount(name: "acct", limits: .euAsia2015GRS)
    var transfers: [TransferID] = []
    var random = RandomStreams(rootSeed: 11).stream("sizes")
    for disk in 0..<20 {
        let blob = try net.addPageBlob(name: "disk\(disk)", account: account)
        let bytes = Int64(random.uniformInt(in: 1...64)) << 20
        transfers += try startFlows(
            &net, count: 4, path: [link], characteristics: .init(rttSeconds: 0.01), bytes: bytes,
            storage: net.storagePath(blob: blob))
    }
    let ingress = net.storagePath(blob: BlobID(index: 0))[1]
    var completed = 0
    while let next = net.nextEventTime() {
        #expect(net.load(on: ingress) <= 5e9 * (1 + 1e-12))
        for event in net.advance(to: next) {
            if case .transferCompleted = event { completed += 1 }
        }
    }
    #expect(completed == transfers.count)
    #expect(net.activeTransfers == 0)
}

@Test(.cpuBound) func slowStartDoublesPerRTTUntilTheSteadyCap() throws {
    var net = NetModel()
    let link = try net.addResource(name: "link", kind: .circuit, bitsPerSecond: 1e9)
    let tcp = TCPParameters(windowBytes: 1 << 20)  // steady cap 1 MiB / 10 ms = 838.9 Mbit/s
    let flows = try startFlows(&net, count: 1, path: [link], characteristics: .init(rttSeconds: 0.010), tcp: tcp)
    let iw = 10.0 * 1460 * 8 / 0.010
    #expect(relativeError(try #require(net.rate(of: flows[0])), iw) < 1e-12)
    #expect(net.binding(of: flows[0]) == .slowStart)
    _ = net.advance(to: .milliseconds(10))
    #expect(relativeError(try #require(net.rate(of: flows[0])), 2 * iw) < 1e-12)
    _ = net.advance(to: .milliseconds(65))
    #expect(relativeError(try #require(net.rate(of: flows[0])), 64 * iw) < 1e-12)
    _ = net.advance(to: .milliseconds(70))
    #expect(
        relativeError(try #require(net.rate(of: flows[0])), TCPCaps.window(bytes: 1 << 20, rttSeconds: 0.01)) < 1e-12)
    #expect(net.attribution.flowSeconds(.slowStart) > 0.06)
}

@Test(.cpuBound) func slowStartRestartsOnlyAfterIdleLongerThanRTO() throws {
    var net = NetModel()
    let link = try net.addResource(name: "link", kind: .circuit, bitsPerSecond: 1e9)
    let connection = try net.openConnection(route: .path([link], .init(rttSeconds: 0.010)), now: .zero)
    let first = try net.startTransfer(on: connection, bytes: 100 << 20, now: .zero)
    while net.rate(of: first) != nil, let next = net.nextEventTime() { _ = net.advance(to: next) }
    let afterShortIdle = try net.startTransfer(on: connection, bytes: 1 << 20, now: net.now + .milliseconds(100))
    #expect(try #require(net.rate(of: afterShortIdle)) == 1e9)
    _ = net.cancelTransfer(afterShortIdle, now: net.now)
    let afterLongIdle = try net.startTransfer(on: connection, bytes: 1 << 20, now: net.now + .milliseconds(300))
    #expect(relativeError(try #require(net.rate(of: afterLongIdle)), 10 * 1460 * 8 / 0.010) < 1e-12)
}

@Test(.cpuBound) func badInputIsAnErrorNotACrash() throws {
    var net = NetModel()
    #expect(throws: NetModelError.self) { _ = try net.addResource(name: "x", kind: .nic, bitsPerSecond: 0) }
    let link = try net.addResource(name: "link", kind: .nic, bitsPerSecond: 1e9)
    #expect(throws: NetModelError.self) {
        _ = try net.openConnection(route: .path([link], .init(rttSeconds: -1)), now: .zero)
    }
    #expect(throws: NetModelError.self) {
        _ = try net.openConnection(route: .path([], .init(rttSeconds: 1)), now: .zero)
    }
    let connection = try net.openConnection(route: .path([link], .init(rttSeconds: 0.01)), now: .zero)
    #expect(throws: NetModelError.self) { _ = try net.startTransfer(on: connection, bytes: 0, now: .zero) }
    _ = try net.startTransfer(on: connection, bytes: 10, now: .zero)
    #expect(throws: NetModelError.self) { _ = try net.startTransfer(on: connection, bytes: 10, now: .zero) }
}

@Test(.cpuBound) func cancelReportsDeliveredBitsAndFreesTheLink() throws {
    var net = NetModel()
    let link = try net.addResource(name: "link", kind: .nic, bitsPerSecond: 8e6)
    let flows = try startFlows(
        &net, count: 2, path: [link], characteristics: .init(rttSeconds: 0.01), bytes: 10_000_000)
    let delivered = net.cancelTransfer(flows[0], now: .seconds(1))
    #expect(delivered == 4e6)  // 1 s at half of 8 Mbit/s
    #expect(net.cancelTransfer(flows[0], now: .seconds(1)) == nil)  // already gone: a no-op
    #expect(net.rate(of: flows[1]) == 8e6)
    #expect(net.bitsRemaining(of: flows[1]) == 80e6 - 4e6)
    _ = net.cancelTransfer(flows[1], now: .seconds(1))
    #expect(net.nextEventTime() == nil)
    #expect(net.activeTransfers == 0)
}
