import Testing

@testable import Compression

/// Vectors produced by the Python SDK's own implementation:
/// `azure.storage.extensions.checksums.crc64.compute(data, 0)` (azure-storage-extensions 0.1.0), and the header
/// text by `base64(crc.to_bytes(8, "little"))` as `azure.storage.blob._shared.validation.calculate_crc64_bytes`.
@Suite struct CRC64Tests {
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

    private func bytewiseReference(_ data: [UInt8]) -> UInt64 {
        var crc = ~UInt64(0)
        for byte in data {
            crc ^= UInt64(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : crc >> 1 }
        }
        return ~crc
    }
}
