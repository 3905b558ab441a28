import NetModel
import Scenario
import SimKernel

/// One end of an exported connection: an IPv4 address (host order, `10.0.0.1` is `0x0A00_0001`) and a TCP port.
public struct TraceEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: UInt32
    public var port: UInt16

    public init(address: UInt32, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF):\(port)"
    }
}

/// A span of virtual time during which a request body went out at a constant rate.
public struct TraceRate: Equatable, Sendable {
    public var startNanos: Int64
    public var endNanos: Int64
    public var bitsPerSecond: Double

    public init(startNanos: Int64, endNanos: Int64, bitsPerSecond: Double) {
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.bitsPerSecond = bitsPerSecond
    }
}

/// What happened on one exported connection, in virtual nanoseconds. A `PacketTrace` hands these to its sink in
/// non-decreasing `at` (the order `Pcap.PcapExporter` requires); `connection` ids are never reused.
public enum PacketTraceEvent: Equatable, Sendable {
    /// The client sends SYN at `at`; the handshake completes one RTT later (when the first request goes out).
    case connectionOpened(connection: Int, vm: Int, client: TraceEndpoint, server: TraceEndpoint, at: Int64,
                          rttNanos: Int64)
    /// A Put Page request: `headerBytes` of request line and headers at `at`, then `bodyBytes` paced by `rates`.
    /// `headerBytes + bodyBytes` is exactly what the simulator delivered for this request (less than the chunk
    /// when the transfer was reset or the run ended). A throttled request has no body and no rates.
    case requestSent(connection: Int, vm: Int, at: Int64, path: String, headerBytes: Int, bodyBytes: Int64,
                     rates: [TraceRate])
    /// Storage's status line (201, or 503 for a throttled request) reaches the client.
    case responseReceived(connection: Int, at: Int64, status: Int)
    /// The client resets the connection (the transfer was reset by a failover, or the host went down).
    case connectionReset(connection: Int, at: Int64)
    /// The client closes the connection at the end of the run.
    case connectionClosed(connection: Int, at: Int64)

    public var at: Int64 {
        switch self {
        case .connectionOpened(_, _, _, _, let at, _), .requestSent(_, _, let at, _, _, _, _),
            .responseReceived(_, let at, _), .connectionReset(_, let at), .connectionClosed(_, let at):
            return at
        }
    }
}

/// Records a simulated run as per-connection events for a packet capture ; the driver calls it.
///
/// - Connections: one TCP connection per (VM, upload thread), opened when the thread first sends (its SYN back-dated
///   by one RTT, so the handshake completes when the request goes out) and opened again after a reset. Client
///   address: host `h` is `10.0.(h / 254).(h % 254 + 1)`; ports count up from 49152 per host (wrapping after
///   16384 connections). Server: `203.0.113.10:80` for the storage account (TEST-NET-3, RFC 5737; plain HTTP
///   because the request line is modelled, not TLS).
/// - Rates: a transfer's rate changes only at network-model events, so after every kernel event the trace looks
///   at the rate of each exported transfer in flight and, where it changed, closes a rate segment whose rate is
///   the bits actually delivered since the previous change (`bitsRemaining`) over the elapsed time. The segments
///   therefore add up to exactly the bits the simulator delivered; the request header's bits are taken off the
///   front because the header goes out in one segment.
/// - Order: a request is known only when its transfer ends, so events wait in a (time, sequence) queue and are
///   released up to the start of the oldest exported transfer still in flight (and at most `lookback` behind the
///   model's clock, so that back-dated SYNs still fit). Memory: O(exported transfers in flight + events within one
///   transfer's duration).
/// - Selection: only the chosen VMs are traced; requests that ended before the window or start after it are left
///   out (the exporter's own window then cuts the packets exactly).
///
/// Cost when no trace is attached: none (the driver's hooks are optional calls). With a trace: O(exported
/// transfers in flight) per kernel event, O(log queue) per event recorded.
/// Not thread-safe: one trace belongs to the run that calls it.
public final class PacketTrace {
    /// Which part of the run is traced.
    public struct Selection: Sendable {
        /// Virtual-time interval (ns); nil traces the whole run.
        public var window: ClosedRange<Int64>?
        /// 0-based VM indices; nil traces every VM.
        public var vms: Set<Int>?

        public init(window: ClosedRange<Int64>? = nil, vms: Set<Int>? = nil) {
            self.window = window
            self.vms = vms
        }
    }

    /// What the trace recorded.
    public struct Summary: Equatable, Sendable {
        public var connections = 0
        public var requests = 0
        public var resets = 0
        public var events = 0
    }

    /// The storage endpoint every request goes to.
    public static let server = TraceEndpoint(address: 0xCB00_710A, port: 80)
    /// Blob container in the request paths (`PUT /replica/vm0-disk0.vhd?comp=page`).
    public static let container = "replica"
    /// Reset and close come this long after the last data so the exporter does not cut a segment whose completion
    /// time rounds up by a nanosecond.
    static let slackNanos: Int64 = 1_000
    /// How far back a SYN may be dated (RTTs are far below 1 s).
    static let lookbackNanos: Int64 = 1_000_000_000

    public let selection: Selection
    /// The first error the sink threw; the trace stops recording after it (the run itself goes on).
    public private(set) var failure: (any Error)?
    public private(set) var summary = Summary()
    private let sink: (PacketTraceEvent) throws -> Void
    private var queue = EventQueue<PacketTraceEvent>()
    private var released: Int64 = .min
    private var open: [ThreadKey: Int] = [:]
    private var portsUsed: [Int: Int] = [:]
    private var active: [ActiveTransfer] = []
    private var activeIndex: [TransferID: Int] = [:]
    private var ended = false

    /// - Parameter sink: receives the events in non-decreasing time; an error it throws is kept in `failure`.
    public init(selection: Selection = Selection(), sink: @escaping (PacketTraceEvent) throws -> Void) {
        self.selection = selection
        self.sink = sink
    }

    /// Unix-epoch nanoseconds of virtual time 0, as the driver's core sees it: Monday 1970-01-05 00:00 UTC plus the
    /// scenario's `startsAt`. Adding it to event times gives captures whose clock shows the scenario's weekday and
    /// hour.
    public static func timeOrigin(of document: ScenarioDocument) -> Int64 {
        4 * 86_400 * 1_000_000_000 + document.startOffsetNanoseconds
    }

    /// The client address of host `host` (0-based): `10.0.(host / 254).(host % 254 + 1)`.
    public static func clientAddress(host: Int) -> UInt32 {
        0x0A00_0000 | UInt32(truncatingIfNeeded: host / 254 & 0xFF) << 8 | UInt32(host % 254 + 1)
    }

    /// The request path of a disk's page blob.
    public static func path(vm: Int, disk: Int) -> String { "/\(container)/vm\(vm)-disk\(disk).vhd?comp=page" }

    // MARK: Driver hooks (virtual ns)

    /// A chunk's body transfer started on its thread's connection at `at`.
    func transferStarted(
        _ transfer: TransferID, vm: Int, thread: Int, host: Int, disk: Int, wireBytes: Int64, rttNanos: Int64, at: Int64
    ) {
        guard accepts(vm: vm, at: at) else { return }
        let connection = connection(ThreadKey(vm: vm, thread: thread), host: host, rttNanos: rttNanos, at: at)
        activeIndex[transfer] = active.count
        active.append(
            ActiveTransfer(
                transfer: transfer, key: ThreadKey(vm: vm, thread: thread), connection: connection, disk: disk,
                start: at, sizeBits: Double(wireBytes) * 8, cutAt: at))
    }

    /// A request was refused on its headers (request-rate cap); its 503 comes with `responseReceived`.
    func requestThrottled(vm: Int, thread: Int, host: Int, disk: Int, rttNanos: Int64, at: Int64) {
        guard accepts(vm: vm, at: at) else { return }
        let connection = connection(ThreadKey(vm: vm, thread: thread), host: host, rttNanos: rttNanos, at: at)
        guard selection.window.map({ at >= $0.lowerBound }) ?? true else { return }
        push(.requestSent(connection: connection, vm: vm, at: at, path: Self.path(vm: vm, disk: disk),
                          headerBytes: Int(World.requestHeaderBytes), bodyBytes: 0, rates: []))
        summary.requests += 1
    }

    /// Storage's answer reached the VM's thread.
    func responseReceived(vm: Int, thread: Int, throttled: Bool, at: Int64) {
        guard !ended, let connection = open[ThreadKey(vm: vm, thread: thread)],
            selection.window.map({ $0.contains(at) }) ?? true
        else { return }
        push(.responseReceived(connection: connection, at: at, status: throttled ? 503 : 201))
    }

    /// A transfer ended at `at` having delivered `deliveredBytes` (all of them, or fewer when `reset`).
    func transferEnded(_ transfer: TransferID, deliveredBytes: Int64, reset: Bool, at: Int64) {
        guard let record = removeActive(transfer) else { return }
        finishRequest(record, deliveredBits: Double(deliveredBytes) * 8, at: at)
        if reset { resetConnection(record.key, at: at + Self.slackNanos) }
    }

    /// The VM's host went down: its connections are reset (transfers were ended first).
    func vmStopped(_ vm: Int, at: Int64) {
        for key in open.keys.filter({ $0.vm == vm }).sorted() { resetConnection(key, at: at + Self.slackNanos) }
    }

    /// After every kernel event: closes rate segments of exported transfers whose rate changed, releases events.
    /// - Complexity: O(exported transfers in flight + released events × log queue).
    func networkSettled(_ net: NetModel) {
        guard !ended, !active.isEmpty || queue.storedCount > 0 else { return }
        let now = net.now.nanoseconds
        var oldest = Int64.max
        for index in active.indices {
            let rate = net.rate(of: active[index].transfer) ?? 0
            if active[index].lastRate != rate {
                cut(&active[index], at: now, net: net)
                active[index].lastRate = rate
            }
            oldest = Swift.min(oldest, active[index].start)
        }
        release(upTo: Swift.min(oldest == .max ? .max : oldest - 1, now - Self.lookbackNanos))
    }

    /// The run stopped at `stop`: transfers in flight count what they delivered by the model's clock (as the
    /// result does), every open connection closes, and all events are released.
    func runEnded(at stop: Int64, net: NetModel) {
        guard !ended else { return }
        for record in active.sorted(by: { ($0.start, $0.connection) < ($1.start, $1.connection) }) {
            let remaining = net.bitsRemaining(of: record.transfer) ?? 0
            let delivered = Int64((record.sizeBits - remaining) / 8)
            finishRequest(record, deliveredBits: Double(delivered) * 8, at: net.now.nanoseconds)
        }
        active.removeAll()
        activeIndex.removeAll()
        for (_, connection) in open.sorted(by: { $0.key < $1.key }) {
            push(.connectionClosed(connection: connection, at: stop + Self.slackNanos))
        }
        open.removeAll()
        release(upTo: .max)
        ended = true
    }

    // MARK: Internals

    private func accepts(vm: Int, at: Int64) -> Bool {
        !ended && failure == nil && (selection.vms?.contains(vm) ?? true)
            && (selection.window.map { at <= $0.upperBound } ?? true)
    }

    /// The thread's open connection, or a new one whose SYN goes out one RTT before `at`.
    private func connection(_ key: ThreadKey, host: Int, rttNanos: Int64, at: Int64) -> Int {
        if let existing = open[key] { return existing }
        summary.connections += 1
        let id = summary.connections
        let used = portsUsed[host, default: 0]
        portsUsed[host] = used + 1
        let client = TraceEndpoint(address: Self.clientAddress(host: host), port: UInt16(49152 + used % 16384))
        let rtt = Swift.max(0, rttNanos)
        push(.connectionOpened(connection: id, vm: key.vm, client: client, server: Self.server,
                               at: Swift.max(at - rtt, released), rttNanos: rtt))
        open[key] = id
        return id
    }

    private func resetConnection(_ key: ThreadKey, at: Int64) {
        guard let connection = open.removeValue(forKey: key) else { return }
        push(.connectionReset(connection: connection, at: at))
        summary.resets += 1
    }

    private func removeActive(_ transfer: TransferID) -> ActiveTransfer? {
        guard let index = activeIndex.removeValue(forKey: transfer) else { return nil }
        let record = active[index]
        let last = active.removeLast()
        if index < active.count {
            active[index] = last
            activeIndex[last.transfer] = index
        }
        return record
    }

    /// Closes the open rate segment at `at` with the bits delivered since the last cut.
    private func cut(_ record: inout ActiveTransfer, at: Int64, net: NetModel) {
        let delivered = record.sizeBits - (net.bitsRemaining(of: record.transfer) ?? 0)
        record.close(at: at, deliveredBits: delivered)
    }

    /// Queues the request of an ended transfer (unless it ended before the window).
    private func finishRequest(_ record: ActiveTransfer, deliveredBits: Double, at: Int64) {
        if let window = selection.window, at < window.lowerBound { return }
        var record = record
        record.close(at: at, deliveredBits: deliveredBits)
        let delivered = Int64((deliveredBits / 8).rounded())
        guard delivered > 0 else { return }  // nothing reached the wire
        let header = Swift.min(World.requestHeaderBytes, delivered)
        let body = delivered - header
        var rates = Self.dropping(bits: Double(header) * 8, from: record.segments)
        if body > 0, !rates.contains(where: { $0.bitsPerSecond > 0 }) {
            let end = Swift.max(at, record.start + 1)
            rates = [TraceRate(startNanos: record.start, endNanos: end,
                               bitsPerSecond: Double(body) * 8e9 / Double(end - record.start))]
        }
        push(.requestSent(connection: record.connection, vm: record.key.vm, at: record.start,
                          path: Self.path(vm: record.key.vm, disk: record.disk), headerBytes: Int(header),
                          bodyBytes: body, rates: rates))
        summary.requests += 1
    }

    /// The segments without their first `bits` (the header, which goes out at once).
    static func dropping(bits: Double, from segments: [TraceRate]) -> [TraceRate] {
        var left = bits
        var out: [TraceRate] = []
        for segment in segments {
            guard left > 0 else {
                out.append(segment)
                continue
            }
            let capacity = segment.bitsPerSecond * Double(segment.endNanos - segment.startNanos) / 1e9
            if capacity <= left {
                left -= capacity
                continue
            }
            var rest = segment
            rest.startNanos += Int64((left / segment.bitsPerSecond * 1e9).rounded(.down))
            rest.bitsPerSecond = (capacity - left) * 1e9 / Double(Swift.max(1, rest.endNanos - rest.startNanos))
            left = 0
            out.append(rest)
        }
        return out
    }

    private func push(_ event: PacketTraceEvent) {
        queue.push(event, at: SimTime(nanoseconds: Swift.max(event.at, released)))
    }

    private func release(upTo bound: Int64) {
        while let time = queue.peekTime(), time.nanoseconds <= bound, let (_, _, event) = queue.popFirst() {
            released = Swift.max(released, time.nanoseconds)
            guard failure == nil else { continue }
            do {
                try sink(event)
                summary.events += 1
            } catch {
                failure = error
            }
        }
    }
}

/// A VM's upload thread: the unit that owns one connection at a time.
private struct ThreadKey: Hashable, Comparable {
    var vm: Int
    var thread: Int
    static func < (a: ThreadKey, b: ThreadKey) -> Bool { (a.vm, a.thread) < (b.vm, b.thread) }
}

/// An exported transfer in flight and the rate segments closed so far.
private struct ActiveTransfer {
    let transfer: TransferID
    let key: ThreadKey
    let connection: Int
    let disk: Int
    let start: Int64
    let sizeBits: Double
    var cutAt: Int64
    var cutDeliveredBits = 0.0
    var lastRate: Double?
    var segments: [TraceRate] = []

    init(
        transfer: TransferID, key: ThreadKey, connection: Int, disk: Int, start: Int64, sizeBits: Double, cutAt: Int64
    ) {
        self.transfer = transfer
        self.key = key
        self.connection = connection
        self.disk = disk
        self.start = start
        self.sizeBits = sizeBits
        self.cutAt = cutAt
    }

    /// Appends the segment from the last cut to `at` at the rate that delivered the bits in between.
    mutating func close(at: Int64, deliveredBits: Double) {
        let bits = deliveredBits - cutDeliveredBits
        if at > cutAt, bits > 0 {
            segments.append(TraceRate(startNanos: cutAt, endNanos: at, bitsPerSecond: bits * 1e9 / Double(at - cutAt)))
        }
        if at > cutAt { cutAt = at }
        cutDeliveredBits = Swift.max(cutDeliveredBits, deliveredBits)
    }
}
