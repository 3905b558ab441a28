import Foundation
import NIOCore
import Testing

@testable import BlobIngress

/// Page writes through ``DirectWrites`` (O_DIRECT with a buffered fallback) and the server's allocator tuning.
@Suite struct StorageWriteTests {
    /// Pieces of odd sizes and alignments land back to back at the offset, whatever path the file system allows:
    /// the temp directory (direct I/O on ext4/xfs), /dev/shm (tmpfs refuses O_DIRECT: buffered fallback), and a
    /// total that is not a multiple of 512 (buffered by rule).
    @Test(arguments: [NSTemporaryDirectory(), "/dev/shm/"])
    func piecesLandBackToBack(directory: String) throws {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        let path = directory + "replsim-direct-\(UUID().uuidString).data"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileIO.createSparse(path: path, size: 64 << 10, sync: false)
        let seed: UInt64 = 77
        var state = seed
        func piece(_ count: Int) -> ByteBuffer {
            var buffer = ByteBuffer()
            for _ in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                buffer.writeInteger(UInt8(truncatingIfNeeded: state >> 33))
            }
            // A reader index past zero, as NIO's pieces can have.
            buffer.moveReaderIndex(forwardBy: 1)
            return buffer
        }
        let writes = DirectWrites()
        for (offset, sizes) in [(Int64(4096), [1001, 5001, 2193]), (Int64(20480), [513, 1]), (Int64(1000), [1000])] {
            let pieces = sizes.map(piece)
            let expected = pieces.flatMap { $0.readableBytesView }
            try writes.write(path: path, offset: offset, pieces: pieces, sync: true)
            let stored = try FileIO.pread(path: path, offset: offset, length: expected.count)
            #expect(stored == expected, "offset \(offset) sizes \(sizes) in \(directory); reproduce with seed \(seed)")
        }
        let untouched = try FileIO.pread(path: path, offset: 32768, length: 32768)
        #expect(untouched.allSatisfy { $0 == 0 }, "bytes outside the written ranges changed")
    }

    /// `replsim serve` relies on glibc taking the settings (a build where `__GLIBC__` was not defined silently
    /// skipped them once: 60 000 page faults per GiB instead of 7 000).
    @Test func allocatorTuningIsTakenOnGlibc() {
        #if os(Linux)
            #expect(BlobIngressServer.retainFreedMemoryForServing())
        #endif
    }
}
