import CMallocTuning
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// What one client connection may hold of the server: time to send a request head, time left idle, header bytes,
/// and how many connections are served at once. Defaults and flags: docs/security.md.
public struct ConnectionLimits: Sendable, Equatable {
    /// From the first byte of a request to the end of its head (request line and headers); then the connection is
    /// closed. Stops a client that sends its headers a byte at a time ("slowloris").
    public var headerTimeout: Duration
    /// A connection with no request in progress, or whose request body stalls, is closed after this long without a
    /// byte of a request. Also bounds a connection that never sends anything.
    public var idleTimeout: Duration
    /// Connections served at once; further ones wait in the kernel's accept queue until one closes.
    public var maxConnections: Int
    /// Largest request head (all header lines together, and any single one); larger is refused by the HTTP layer
    /// (a bare 400, then the connection is closed).
    public var maxHeaderBytes: Int

    public static let defaultHeaderTimeout = Duration.seconds(30)
    public static let defaultIdleTimeout = Duration.seconds(120)
    public static let defaultMaxConnections = 1024
    public static let defaultMaxHeaderBytes = 64 << 10

    public init(
        headerTimeout: Duration = ConnectionLimits.defaultHeaderTimeout,
        idleTimeout: Duration = ConnectionLimits.defaultIdleTimeout,
        maxConnections: Int = ConnectionLimits.defaultMaxConnections,
        maxHeaderBytes: Int = ConnectionLimits.defaultMaxHeaderBytes
    ) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// - Throws: ``BlobIngressConfigurationError`` naming the limit that is not positive.
    func validate() throws {
        for (name, value) in [("header timeout", headerTimeout), ("idle timeout", idleTimeout)] where value <= .zero {
            throw BlobIngressConfigurationError(problem: "\(name) must be positive, got \(value)")
        }
        guard maxConnections > 0 else {
            throw BlobIngressConfigurationError(problem: "connection limit must be positive, got \(maxConnections)")
        }
        guard maxHeaderBytes >= 1024 else {
            throw BlobIngressConfigurationError(problem: "header limit must be at least 1024 bytes, got \(maxHeaderBytes)")
        }
    }

    /// Hummingbird's HTTP/1.1 channel with the idle timeout, the header size limits and the head signal that the
    /// header deadline (``RequestHeadDeadline``) listens for.
    var http1: HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestHeadSignal(headerTimeout: headerTimeout)],
            idleTimeout: .nanoseconds(Int64(idleTimeout / .nanoseconds(1))),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: maxHeaderBytes,
                maxHeaderListSize: maxHeaderBytes,
                maxHeaderFieldCount: 256
            )
        )
    }
}

/// Counts open connections for Hummingbird's accept loop (no accepting past ``limit``) and gives the freed memory
/// back to the kernel when the last connection closes, or when a burst is mostly gone (at most a quarter of at least
/// 64 connections left open: one idle keep-alive connection must not keep a flood's memory), so what a burst of
/// connections took does not stay with the process (``BlobIngressServer/retainFreedMemoryForServing()`` keeps it
/// while connections are open).
struct ConnectionCount: AvailableConnectionsDelegate {
    static let burst = 64
    let limit: Int
    var open = 0
    /// Most connections open at once since memory was last given back.
    var peak = 0
    let release = IdleMemoryRelease()

    mutating func connectionOpened() {
        open += 1
        peak = Swift.max(peak, open)
        release.activity()
    }

    mutating func connectionClosed() {
        open -= 1
        if open == 0 || (peak >= Self.burst && open <= peak / 4) {
            peak = open
            release.idle()
        }
    }

    func isAcceptingNewConnections() -> Bool { open < limit }
}

/// Returns the memory the allocator kept for reuse to the kernel (`malloc_trim`) when connections have gone: at
/// once, and again ``settleDelays`` later unless a connection opened meanwhile, because a closed connection's
/// last buffers are freed after its close is reported (by the task that served it, on another thread).
final class IdleMemoryRelease: Sendable {
    static let settleDelays: [Duration] = [.seconds(1), .seconds(5)]
    /// Counts connection openings and idle moments; a delayed release runs only if nothing changed since its idle.
    private let generation = NIOLockedValueBox<UInt64>(0)

    func activity() { generation.withLockedValue { $0 &+= 1 } }

    func idle() {
        replsim_release_freed_memory()
        let idleAt = generation.withLockedValue {
            $0 &+= 1
            return $0
        }
        Task.detached { [generation] in
            for delay in Self.settleDelays {
                try? await Task.sleep(for: delay)
                guard generation.withLockedValue({ $0 == idleAt }) else { return }
                replsim_release_freed_memory()
            }
        }
    }
}

/// Sent from ``RequestHeadSignal`` down the pipeline to ``RequestHeadDeadline``.
enum RequestProgress {
    case headArrived
    case responseFinished
}

/// After the HTTP decoder: puts a ``RequestHeadDeadline`` first in the connection's pipeline, then tells it when a
/// request head is complete and when a response has been written, as outbound user events (they travel towards
/// the socket, where that handler sits).
final class RequestHeadSignal: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headerTimeout: Duration

    init(headerTimeout: Duration) { self.headerTimeout = headerTimeout }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(RequestHeadDeadline(timeout: headerTimeout), position: .first)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            context.triggerUserOutboundEvent(RequestProgress.headArrived, promise: nil)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            context.triggerUserOutboundEvent(RequestProgress.responseFinished, promise: nil)
        }
        context.write(data, promise: promise)
    }
}

/// First in each accepted connection's pipeline: when the first byte of a request arrives (no request in
/// progress), the whole head must follow within `timeout`, or the connection is closed.
final class RequestHeadDeadline: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let timeout: TimeAmount
    private var heads = 0
    private var responses = 0
    private var deadline: Scheduled<Void>?

    init(timeout: Duration) { self.timeout = .nanoseconds(Int64(timeout / .nanoseconds(1))) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline == nil, heads == responses, unwrapInboundIn(data).readableBytes > 0 {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.close(promise: nil) }
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headArrived:
            heads += 1
            deadline?.cancel()
            deadline = nil
        case .responseFinished:
            responses += 1
        }
        promise?.succeed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}
