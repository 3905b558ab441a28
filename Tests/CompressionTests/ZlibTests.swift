import TestHarness
import Testing

@testable import Compression

/// Seeded bytes (`SeededRandom`) so failures reproduce.
func seededBytes(count: Int, seed: UInt64) -> [UInt8] {
    var random = SeededRandom(seed: seed)
    var out = [UInt8]()
    out.reserveCapacity(count)
    while out.count < count {
        let z = random.next()
        for k in 0..<8 where out.count < count { out.append(UInt8(truncatingIfNeeded: z >> (8 * UInt64(k)))) }
    }
    return out
}

/// Half random, half zeros per 4 KiB block: zlib gets ratio ≈ 0.5 (docs/sources.md §B.1).
func halfCompressible(count: Int, seed: UInt64) -> [UInt8] {
    let random = seededBytes(count: count, seed: seed)
    return (0..<count).map { ($0 % 4096) < 2048 ? random[$0] : 0 }
}

@Suite(.cpuBound) struct ZlibTests {
    @Test(arguments: [1, 6, 9])
    func roundTripsOneShot(level: Int) throws {
        let seed: UInt64 = 42
        let data = halfCompressible(count: 300_000, seed: seed)
        let packed = try Zlib.compress(data, level: level)
        #expect(packed.count < data.count * 6 / 10, "level \(level): reproduce with seed \(seed)")
        #expect(try Zlib.decompress(packed) == data, "level \(level): reproduce with seed \(seed)")
    }

    @Test(arguments: [1, 6, 9])
    func roundTripsStreamingInUnevenPieces(level: Int) throws {
        let seed: UInt64 = 7
        let data = halfCompressible(count: 200_000, seed: seed)
        let deflater = try Deflater(level: level)
        var packed: [UInt8] = []
        var offset = 0
        for size in [1, 1000, 65_536, 70_000] + Array(repeating: 20_000, count: 10) where offset < data.count {
            let end = Swift.min(data.count, offset + size)
            packed += try deflater.compress(data[offset..<end], finish: false)
            offset = end
        }
        packed += try deflater.compress([UInt8](), finish: true)
        let inflater = try Inflater()
        var unpacked: [UInt8] = []
        var at = 0
        while at < packed.count {
            let end = Swift.min(packed.count, at + 777)
            unpacked += try inflater.decompress(packed[at..<end])
            at = end
        }
        try inflater.finish()
        #expect(unpacked == data, "reproduce with seed \(seed)")
    }

    @Test func randomDataDoesNotCompressButZerosDo() throws {
        let seed: UInt64 = 99
        let random = seededBytes(count: 1 << 20, seed: seed)
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let packedRandom = try Zlib.compress(random, level: 1)
        let packedZeros = try Zlib.compress(zeros, level: 1)
        #expect(packedRandom.count > random.count * 99 / 100, "reproduce with seed \(seed)")
        #expect(packedZeros.count < zeros.count / 100)
    }

    @Test func corruptInputThrowsNamingTheOffset() throws {
        let seed: UInt64 = 3
        var packed = try Zlib.compress(seededBytes(count: 10_000, seed: seed), level: 6)
        packed[0] ^= 0xFF  // breaks the zlib header check
        #expect(throws: CompressionError.self) { try Zlib.decompress(packed) }
        do {
            _ = try Zlib.decompress(packed)
        } catch let error as CompressionError {
            guard case .corruptInput(_, let message, let offset) = error else {
                Issue.record("expected corruptInput, got \(error)")
                return
            }
            #expect(offset == 2 && !message.isEmpty)  // zlib read the 2-byte header, then stopped
        }
    }

    @Test func truncatedInputThrows() throws {
        let packed = try Zlib.compress(seededBytes(count: 10_000, seed: 5), level: 1)
        #expect(throws: CompressionError.truncatedInput(consumed: packed.count - 10)) {
            try Zlib.decompress(packed[0..<(packed.count - 10)])
        }
    }

    @Test func outputLimitStopsDecompressionBombs() throws {
        let packed = try Zlib.compress([UInt8](repeating: 0, count: 1 << 20), level: 9)
        #expect(throws: CompressionError.outputLimitExceeded(limit: 1000)) {
            try Zlib.decompress(packed, outputLimit: 1000)
        }
    }

    @Test func invalidLevelIsRejected() {
        #expect(throws: CompressionError.invalidLevel(10)) { try Deflater(level: 10) }
        #expect(throws: CompressionError.invalidLevel(-1)) { try Deflater(level: -1) }
    }

    @Test func feedingAFinishedStreamThrows() throws {
        let deflater = try Deflater()
        _ = try deflater.compress([1, 2, 3], finish: true)
        #expect(throws: CompressionError.streamAlreadyFinished) { try deflater.compress([4], finish: false) }
    }
}
