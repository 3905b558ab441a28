import CCRC64

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// CRC-64 as Azure Storage defines it for `x-ms-content-crc64`.
///
/// Parameters (the catalogue's CRC-64/NVME): reflected polynomial 0x9A6C9329AC4BC9B5 (normal form
/// 0xAD93D23594C93659), initial value and final XOR all ones, input and output reflected; check value for
/// "123456789" is 0xAE8B14860A799888. Sources: Azure/azure-storage-net `Lib/Common/Core/Util/Crc64.cs` (the
/// polynomial) and the `azure-storage-extensions` wheel used by the Python SDK
/// (`azure.storage.extensions.checksums.crc64.compute(data, 0)`), whose outputs are this module's test vectors.
/// The header carries the 8 bytes little-endian, base64-encoded (`calculate_crc64_bytes` in azure-storage-blob).
///
/// Chaining: `CRC64(initial: a).update(b)` equals the CRC of a's input followed by b, as the SDK's
/// `compute(data, initial_crc)` does.
///
/// Three implementations give the same value, chosen once per process with CPUID: carry-less-multiply folding in C
/// (`CCRC64`; Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction", reflected as in
/// ISA-L's `crc64_*_refl`) with 512-bit VPCLMULQDQ where the CPU has it with AVX-512, else 128-bit PCLMULQDQ, else
/// the slicing-by-8 table below.
/// - Complexity: O(n). Measured on the 2-core EPYC build VM, 64 MiB, one thread (`Benchmarks/live/crc64-speed.sh`):
///   VPCLMULQDQ about 29 GB/s, PCLMULQDQ about 14 GB/s; the table does 8 look-ups per 8 bytes (about 1 GB/s) and
///   builds its 16 KiB of tables once.
public struct CRC64: Sendable, Equatable {
    /// The finished CRC of everything fed so far.
    public private(set) var value: UInt64

    /// Starts a CRC, optionally continuing from the finished CRC of earlier bytes.
    public init(initial: UInt64 = 0) { value = initial }

    /// How this process computes CRCs (checked once with CPUID).
    public enum Implementation: Sendable, CustomStringConvertible {
        /// 512-bit VPCLMULQDQ folding (AVX-512), 256 bytes per step.
        case wideFolding
        /// 128-bit PCLMULQDQ folding, 128 bytes per step.
        case folding
        /// Slicing-by-8 tables (any CPU).
        case table

        public var description: String {
            switch self {
            case .wideFolding: return "VPCLMULQDQ folding (AVX-512)"
            case .folding: return "PCLMULQDQ folding"
            case .table: return "slicing-by-8 table"
            }
        }
    }

    /// The implementation ``update(_:)-(UnsafeRawBufferPointer)`` uses on this CPU.
    public static let implementation: Implementation = {
        switch replsim_crc64_nvme_clmul_available() {
        case 2: return .wideFolding
        case 1: return .folding
        default: return .table
        }
    }()

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        update(bytes, using: Self.implementation)
    }

    /// Feeds more bytes with a given implementation; it must be ``implementation`` or one below it in the list
    /// (the folding ones execute instructions the CPU may lack).
    mutating func update(_ bytes: UnsafeRawBufferPointer, using implementation: Implementation) {
        guard let base = bytes.baseAddress else { return }
        switch implementation {
        case .wideFolding:
            value = ~replsim_crc64_nvme_vpclmul(~value, base, bytes.count)
        case .folding:
            value = ~replsim_crc64_nvme_clmul(~value, base, bytes.count)
        case .table:
            updateTable(bytes)
        }
    }

    /// Feeds more bytes with the slicing-by-8 tables (the portable path).
    mutating func updateTable(_ bytes: UnsafeRawBufferPointer) {
        var crc = ~value
        let tables = CRC64Tables.shared
        var index = 0
        let count = bytes.count
        tables.withUnsafeBufferPointer { t in
            while count - index >= 8 {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ crc
                crc =
                    t[7 * 256 + Int(word & 0xFF)]
                    ^ t[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((word >> 16) & 0xFF)]
                    ^ t[4 * 256 + Int((word >> 24) & 0xFF)]
                    ^ t[3 * 256 + Int((word >> 32) & 0xFF)]
                    ^ t[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ t[1 * 256 + Int((word >> 48) & 0xFF)]
                    ^ t[Int(word >> 56)]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt64(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        value = ~crc
    }

    /// Feeds more bytes.
    public mutating func update(_ bytes: some ContiguousByteStorage) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The CRC of `bytes` alone.
    public static func checksum(_ bytes: some ContiguousByteStorage) -> UInt64 {
        var crc = CRC64()
        crc.update(bytes)
        return crc.value
    }

    /// The 8 bytes of ``value`` little-endian, as `x-ms-content-crc64` carries them before base64.
    public var littleEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// ``value`` as the `x-ms-content-crc64` header spells it (base64 of ``littleEndianBytes``).
    public var headerValue: String { Data(littleEndianBytes).base64EncodedString() }

    /// Parses an `x-ms-content-crc64` header value; nil unless it is base64 of exactly 8 bytes.
    public static func parseHeaderValue(_ text: some StringProtocol) -> UInt64? {
        guard let bytes = Data(base64Encoded: String(text)), bytes.count == 8 else { return nil }
        return bytes.enumerated().reduce(UInt64(0)) { $0 | (UInt64($1.element) << (8 * UInt64($1.offset))) }
    }
}

/// Slicing-by-8 tables for the reflected polynomial 0x9A6C9329AC4BC9B5; table k at offset 256·k.
enum CRC64Tables {
    static let polynomial: UInt64 = 0x9A6C_9329_AC4B_C9B5
    static let shared: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt64(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = table[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return table
    }()
}
