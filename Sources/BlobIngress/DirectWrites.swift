import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Put Page body gathered into one page-aligned buffer as it arrives, ready for a direct write.
///
/// Each piece the channel delivers is copied in at once, while the kernel's copy of it is still in the CPU's
/// caches, and NIO's receive buffer is free for the next read. The buffer comes from ``DirectWrites``' pool and
/// goes back to it when the body is released.
/// - Complexity: ``append(_:)`` is O(piece); bytes past ``capacity`` are counted in ``count`` but not kept.
final class PageBody: @unchecked Sendable {
    // Unchecked: filled by one task, then read by one blocking write; never shared while mutable.
    /// The whole pooled allocation (page-aligned; at least ``capacity`` bytes).
    private let allocation: UnsafeMutableRawBufferPointer
    /// Bytes this body keeps at most.
    let capacity: Int
    /// Bytes received so far (may exceed ``capacity``; then the body is refused before anything is written).
    private(set) var count = 0
    private let pool: DirectWrites

    fileprivate init(allocation: UnsafeMutableRawBufferPointer, capacity: Int, pool: DirectWrites) {
        self.allocation = allocation
        self.capacity = capacity
        self.pool = pool
    }

    deinit { pool.returnBuffer(allocation) }

    /// The kept bytes (the first `min(count, capacity)`).
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: allocation[0..<Swift.min(count, capacity)])
    }

    func append(_ piece: UnsafeRawBufferPointer) {
        let room = Swift.max(0, capacity - count)
        if let base = piece.baseAddress, room > 0 {
            (allocation.baseAddress! + count).copyMemory(from: base, byteCount: Swift.min(room, piece.count))
        }
        count += piece.count
    }

}

/// Page writes that bypass the page cache (`O_DIRECT`), with a buffered fallback.
///
/// Why: a buffered `pwrite` of received pages into a fresh sparse file costs a copy into the page cache plus
/// ext4's per-page delayed allocation, and the memory for the cache itself: profiled at 35–40 % of the ingress
/// server's CPU at 4 threads, and 0.2–2.4 s of system time per GiB for `dd bs=4M` on the build VM, depending on
/// how much page cache had to be reclaimed; `dd oflag=direct` took 0.15 s per GiB. A direct write DMAs from a
/// page-aligned buffer (``PageBody``).
///
/// Direct I/O needs the offset and length to be multiples of the device's logical block size; Put Page ranges
/// are multiples of 512. File systems that refuse `O_DIRECT` or a misaligned request get the buffered path
/// (`EINVAL` on open or on the first write); the first refusal switches the store to buffered writes.
/// Durability is unchanged: with `syncWrites` the write is followed by `fdatasync`, as before.
final class DirectWrites: Sendable {
    /// Linux's `O_DIRECT` (Glibc's Swift overlay hides it behind `_GNU_SOURCE`); nil where unknown.
    #if os(Linux) && arch(x86_64)
        static let flag: Int32? = 0o40000
    #elseif os(Linux) && arch(arm64)
        static let flag: Int32? = 0o200000
    #else
        static let flag: Int32? = nil
    #endif
    static let alignment = 4096
    /// Buffers kept for reuse, at most this many (one per request in flight is enough).
    static let keptBuffers = 64
    /// Larger buffers (a profile's `maxPutPageBytes` above 8 MiB) are freed, not kept.
    static let largestKept = 8 << 20

    private let state = NIOLockedValueBox(State())

    /// Unchecked: a spare buffer belongs to the lock while listed and to exactly one body after it is taken.
    private struct State: @unchecked Sendable {
        var enabled = DirectWrites.flag != nil
        var spare: [UnsafeMutableRawBufferPointer] = []
    }

    deinit { state.withLockedValue { $0.spare.forEach { $0.deallocate() } } }

    /// An empty body with room for `capacity` bytes, page-aligned (a pooled buffer when one is big enough).
    func makeBody(capacity: Int) -> PageBody {
        let kept = state.withLockedValue { state -> UnsafeMutableRawBufferPointer? in
            guard let index = state.spare.lastIndex(where: { $0.count >= capacity }) else { return nil }
            return state.spare.remove(at: index)
        }
        let allocation =
            kept
            ?? .allocate(
                byteCount: (Swift.max(capacity, 1) + Self.alignment - 1) / Self.alignment * Self.alignment,
                alignment: Self.alignment
            )
        return PageBody(allocation: allocation, capacity: Swift.max(capacity, 0), pool: self)
    }

    fileprivate func returnBuffer(_ buffer: UnsafeMutableRawBufferPointer) {
        let keep = state.withLockedValue { state -> Bool in
            guard state.spare.count < Self.keptBuffers, buffer.count <= Self.largestKept else { return false }
            state.spare.append(buffer)
            return true
        }
        if !keep { buffer.deallocate() }
    }

    /// Writes `bytes` at `offset` of `path`, directly when possible, else buffered; `fdatasync`s when `sync`.
    /// `bytes` must start page-aligned for the direct path (a ``PageBody``'s bytes do).
    /// - Complexity: one `pwrite` of `bytes.count`.
    func write(path: String, offset: Int64, bytes: UnsafeRawBufferPointer, sync: Bool) throws {
        if let flag = Self.flag, state.withLockedValue({ $0.enabled }), offset % 512 == 0, bytes.count % 512 == 0,
            try writeDirect(path: path, offset: offset, bytes: bytes, flag: flag, sync: sync)
        {
            return
        }
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw FileIO.failure(path, "open for write") }
        defer { close(fd) }
        try FileIO.reserve(fd: fd, path: path, offset: offset, length: bytes.count)
        try FileIO.writeAll(fd: fd, path: path, offset: offset, bytes: bytes)
        if sync && fdatasync(fd) != 0 { throw FileIO.failure(path, "fdatasync") }
    }

    /// False (nothing written) when the file system refuses direct I/O here.
    private func writeDirect(
        path: String,
        offset: Int64,
        bytes: UnsafeRawBufferPointer,
        flag: Int32,
        sync: Bool
    ) throws -> Bool {
        guard let base = bytes.baseAddress, Int(bitPattern: base) % Self.alignment == 0 else { return false }
        let fd = open(path, O_WRONLY | flag)
        if fd < 0 && errno == EINVAL {
            disable()
            return false
        }
        guard fd >= 0 else { throw FileIO.failure(path, "open for direct write") }
        defer { close(fd) }
        try FileIO.reserve(fd: fd, path: path, offset: offset, length: bytes.count)
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && done == 0 {
                    disable()
                    return false
                }
                throw FileIO.failure(path, "direct pwrite")
            }
            done += n
        }
        if sync && fdatasync(fd) != 0 { throw FileIO.failure(path, "fdatasync") }
        return true
    }

    private func disable() { state.withLockedValue { $0.enabled = false } }
}
