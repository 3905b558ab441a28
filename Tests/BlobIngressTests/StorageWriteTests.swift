import Foundation
import Testing

@testable import BlobIngress

/// Page writes through ``DirectWrites`` (O_DIRECT with a buffered fallback) and the server's allocator tuning.
@Suite struct StorageWriteTests {
    /// Pieces of odd sizes gathered into a ``PageBody`` land back to back at the offset, whatever path the file
    /// system allows: the temp directory (direct I/O on ext4/xfs), /dev/shm (tmpfs: direct or the buffered
    /// fallback, by kernel), and a total that is not a multiple of 512 (buffered by rule). Bodies are reused
    /// from the pool, so a later, shorter body must not carry bytes of an earlier one.
    @Test(arguments: [NSTemporaryDirectory(), "/dev/shm/"])
    func bodiesLandAtTheirOffsets(directory: String) throws {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        let path = directory + "replsim-direct-\(UUID().uuidString).data"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileIO.createSparse(path: path, size: 64 << 10, sync: false)
        let seed: UInt64 = 77
        var state = seed
        func piece(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        let writes = DirectWrites()
        for (offset, sizes) in [(Int64(4096), [1001, 5001, 2190]), (Int64(20480), [511, 1]), (Int64(1000), [1000])] {
            let pieces = sizes.map(piece)
            let expected = pieces.flatMap { $0 }
            let body = writes.makeBody(capacity: expected.count)
            for piece in pieces { piece.withUnsafeBytes { body.append($0) } }
            #expect(body.count == expected.count)
            try writes.write(path: path, offset: offset, bytes: body.bytes, sync: true)
            let stored = try FileIO.pread(path: path, offset: offset, length: expected.count)
            #expect(stored == expected, "offset \(offset) sizes \(sizes) in \(directory); reproduce with seed \(seed)")
        }
        let untouched = try FileIO.pread(path: path, offset: 32768, length: 32768)
        #expect(untouched.allSatisfy { $0 == 0 }, "bytes outside the written ranges changed")
    }

    /// A body longer than its capacity keeps counting (so the caller can refuse it) but stores only `capacity`.
    @Test func overlongBodyIsCountedNotStored() {
        let body = DirectWrites().makeBody(capacity: 512)
        let bytes = [UInt8](repeating: 7, count: 700)
        bytes.withUnsafeBytes { body.append($0) }
        #expect(body.count == 700)
        #expect(body.bytes.count == 512)
    }

    /// `replsim serve` relies on glibc taking the settings (a build where `__GLIBC__` was not defined silently
    /// skipped them once: 60 000 page faults per GiB instead of 7 000).
    @Test func allocatorTuningIsTakenOnGlibc() {
        #if os(Linux)
            #expect(BlobIngressServer.retainFreedMemoryForServing())
        #endif
    }
}
