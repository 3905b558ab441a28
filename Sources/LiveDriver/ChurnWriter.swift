import Foundation
import UploadCore

/// A VM writing to its disks while they replicate: the source of a live run's delta cycles.
///
/// Each write puts ``LiveChurn/writeBytes`` seeded random bytes at a random multiple of that size inside one
/// source (picked in proportion to its size), paced to ``LiveChurn/bytesPerSecond`` on the monotonic clock, and is
/// reported to the caller only after `pwrite` returned, so a chunk read that starts after the report sees the new
/// bytes: a change is either already in the cycle being uploaded or recorded for the next one, never lost in
/// between. (That the newest bytes also land last is the core's part: it never starts a chunk that overlaps one
/// in flight.) Writes stay inside each file's size (the file never grows or shrinks; a write into a hole makes it
/// data, which the next cycle sends).
///
/// Rewrites files in place: `replsim live` allows it only on images its `--generate` made (a library caller that
/// sets ``LiveConfiguration/churn`` chooses the files).
final class ChurnWriter: Sendable {
    private let churn: LiveChurn
    private let paths: [String]
    private let sizes: [Int64]
    private let seed: UInt64

    init(churn: LiveChurn, sources: [SourceDisk], seed: UInt64) {
        self.churn = churn
        self.paths = sources.map(\.path)
        self.sizes = sources.map(\.fileBytes)
        self.seed = seed
    }

    /// Writes until the task is cancelled; `recorded(disk, range)` after each write.
    /// - Throws: ``LiveError/badSource(path:reason:)`` when a source cannot be opened or written.
    func run(recorded: @Sendable (Int, Range<Int64>) async -> Void) async throws {
        let descriptors = try paths.map { path -> Int32 in
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw LiveError.badSource(path: path, reason: String(cString: strerror(errno))) }
            return fd
        }
        defer { descriptors.forEach { close($0) } }
        let size = churn.writeBytes
        // Slots: whole writes that fit in each file; a file smaller than one write takes none.
        let slots = sizes.map { $0 / Int64(size) }
        let allSlots = slots.reduce(0, +)
        guard allSlots > 0 else { return }
        var random = SplitMix64(seed: seed ^ 0x6368_7572_6e21)  // "churn!"
        var block = [UInt8](repeating: 0, count: size)
        let clock = ContinuousClock()
        let start = clock.now
        var written: Int64 = 0
        while !Task.isCancelled {
            let due = Int64(churn.bytesPerSecond * (start.duration(to: clock.now) / .seconds(1)))
            while written < due, !Task.isCancelled {
                var slot = Int64(random.next() % UInt64(allSlots))
                var disk = 0
                while slot >= slots[disk] {
                    slot -= slots[disk]
                    disk += 1
                }
                block.withUnsafeMutableBytes { bytes in
                    for offset in stride(from: 0, to: size, by: 8) {
                        bytes.storeBytes(of: random.next(), toByteOffset: offset, as: UInt64.self)
                    }
                }
                let offset = slot * Int64(size)
                let done = block.withUnsafeBytes { pwrite(descriptors[disk], $0.baseAddress, size, off_t(offset)) }
                guard done == size else {
                    throw LiveError.badSource(
                        path: paths[disk], reason: "churn write at \(offset): \(String(cString: strerror(errno)))")
                }
                await recorded(disk, offset..<offset + Int64(size))
                written += Int64(size)
            }
            // Pace in steps of 10 ms (about 100 bursts a second); cancellation ends the sleep.
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
