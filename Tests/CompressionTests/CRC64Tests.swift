import Foundation
import TestHarness
import Testing

@testable import Compression

/// Vectors produced by the Python SDK's own implementation:
/// `azure.storage.extensions.checksums.crc64.compute(data, 0)` (azure-storage-extensions 0.1.0), and the header
/// text by `base64(crc.to_bytes(8, "little"))` as `azure.storage.blob._shared.validation.calculate_crc64_bytes`.
@Suite(.cpuBound) struct CRC64Tests {
    @Test func knownVectorsFromThePythonSDK() {
        #expect(CRC64.checksum(Array("123456789".utf8)) == 0xAE8B_1486_0A79_9888)
        #expect(CRC64.checksum([UInt8]()) == 0)
        let ramp = (0..<1024).map { UInt8($0 % 256) }
        #expect(CRC64.checksum(ramp) == 0x888D_8D2F_18D0_1447)
        #expect(CRC64.checksum([UInt8](repeating: 0, count: 4096)) == 0x6482_D367_EB22_B64E)
        #expect(CRC64.checksum(Array("Hello, Azure".utf8)) == 0x22C5_AB7C_8338_97D1)
    }

    @Test func headerValueMatchesTheSDK() {
        var crc = CRC64()
        crc.update(Array("123456789".utf8))
        #expect(crc.headerValue == "iJh5CoYUi64=")
        #expect(CRC64.parseHeaderValue("iJh5CoYUi64=") == 0xAE8B_1486_0A79_9888)
        #expect(CRC64.parseHeaderValue("RxTQGC+NjYg=") == 0x888D_8D2F_18D0_1447)
        #expect(CRC64.parseHeaderValue("not base64!") == nil)
        #expect(CRC64.parseHeaderValue("AAAA") == nil)  // 3 bytes, not 8
    }

    @Test func chainingEqualsOneShot() {
        var crc = CRC64(initial: CRC64.checksum(Array("12345".utf8)))
        crc.update(Array("6789".utf8))
        #expect(crc.value == 0xAE8B_1486_0A79_9888)
    }

    @Test func slicingMatchesBytewiseOnUnalignedLengths() {
        let seed: UInt64 = 11
        let data = seededBytes(count: 10_003, seed: seed)
        var pieces = CRC64()
        var offset = 0
        for size in [1, 3, 8, 13, 4096, 5000, 882] {
            pieces.update(data[offset..<(offset + size)])
            offset += size
        }
        #expect(offset == data.count)
        #expect(pieces.value == CRC64.checksum(data), "reproduce with seed \(seed)")
        #expect(pieces.value == bytewiseReference(data), "reproduce with seed \(seed)")
    }

    /// The implementations this CPU can run (the chosen one and every one below it).
    static let runnable: [CRC64.Implementation] = {
        switch CRC64.implementation {
        case .wideFolding: return [.wideFolding, .folding, .table]
        case .folding: return [.folding, .table]
        case .table: return [.table]
        }
    }()

    /// Every length 0...300 at three alignments, from a random register: each implementation equals the bit-wise
    /// definition.
    @Test(arguments: runnable)
    func everyShortLengthMatchesTheDefinition(_ implementation: CRC64.Implementation) {
        let seed: UInt64 = 20_261_125
        let data = seededBytes(count: 303, seed: seed)
        var initials = SeededRandom(seed: seed)
        for length in 0...300 {
            for alignment in 0..<3 {
                let initial = initials.next()
                let slice = Array(data[alignment..<(alignment + length)])
                var crc = CRC64(initial: initial)
                slice.withUnsafeBytes { crc.update($0, using: implementation) }
                #expect(
                    crc.value == bytewiseReference(slice, initial: initial),
                    "\(implementation) length \(length) alignment \(alignment): reproduce with seed \(seed)"
                )
            }
        }
    }

    /// A 1 MiB buffer fed in random pieces (0 to 5000 bytes) equals the table in one go.
    @Test(arguments: runnable)
    func randomSplitsEqualTheTableInOneGo(_ implementation: CRC64.Implementation) {
        for seed: UInt64 in [1, 2, 3, 4] {
            let data = seededBytes(count: 1 << 20, seed: seed)
            var sizes = SeededRandom(seed: seed &* 7)
            var pieces = CRC64()
            var offset = 0
            data.withUnsafeBytes { all in
                while offset < all.count {
                    let size = Swift.min(Int(sizes.next() % 5001), all.count - offset)
                    pieces.update(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + size)]), using: implementation)
                    offset += size
                }
            }
            var table = CRC64()
            data.withUnsafeBytes { table.update($0, using: .table) }
            #expect(pieces == table, "\(implementation): reproduce with seed \(seed)")
        }
    }

    @Test(arguments: runnable)
    func knownVectorsWithEachImplementation(_ implementation: CRC64.Implementation) {
        func crc(_ bytes: [UInt8]) -> UInt64 {
            var crc = CRC64()
            bytes.withUnsafeBytes { crc.update($0, using: implementation) }
            return crc.value
        }
        #expect(crc(Array("123456789".utf8)) == 0xAE8B_1486_0A79_9888)
        #expect(crc((0..<1024).map { UInt8($0 % 256) }) == 0x888D_8D2F_18D0_1447)
        #expect(crc([UInt8](repeating: 0, count: 4096)) == 0x6482_D367_EB22_B64E)
    }

    /// The implementation chosen is the fastest the CPU offers, as /proc/cpuinfo lists its flags (or the speed-up
    /// silently disappears); on a CPU without them, the table.
    @Test func fastestAvailablePathIsChosen() throws {
        #if arch(x86_64) && os(Linux)
            let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            let flagsLine = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
            let flags = Set(flagsLine.split(separator: " ").map(String.init))
            let expected: CRC64.Implementation
            if flags.isSuperset(of: ["avx512f", "avx512vl", "vpclmulqdq", "pclmulqdq", "sse4_1"]) {
                expected = .wideFolding
            } else if flags.isSuperset(of: ["pclmulqdq", "sse4_1"]) {
                expected = .folding
            } else {
                expected = .table
            }
            #expect(CRC64.implementation == expected, "CPU flags: \(flags.sorted().joined(separator: " "))")
        #endif
    }

    private func bytewiseReference(_ data: [UInt8], initial: UInt64 = 0) -> UInt64 {
        var crc = ~initial
        for byte in data {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : crc >> 1 }
        }
        return ~crc
    }
}

