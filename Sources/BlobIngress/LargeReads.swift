import NIOCore

/// Gives every accepted connection a receive allocator that grows to 1 MiB per read, where NIO's default stops at
/// 64 KiB: a 4 MiB Put Page body then arrives in a handful of reads instead of 64 or more, each of which is a
/// system call, a pass through the HTTP decoder and an element of the request body's async sequence.
///
/// Sits first in the *server* channel's pipeline (it sees each accepted channel before Hummingbird's handlers) and
/// only sets an option; a connection accepted before it was added keeps NIO's default.
final class LargeReadsForAcceptedChannels: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// Starts reads at 64 KiB and adapts between 4 KiB and 1 MiB by how full the last reads were.
    static let allocator = AdaptiveRecvByteBufferAllocator(minimum: 4 << 10, initial: 64 << 10, maximum: 1 << 20)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let accepted = unwrapInboundIn(data)
        accepted.setOption(ChannelOptions.recvAllocator, value: Self.allocator).whenComplete { _ in }
        context.fireChannelRead(data)
    }
}
