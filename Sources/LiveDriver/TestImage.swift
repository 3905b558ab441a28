import Foundation

/// A deterministic, sparse-ish disk image for live runs and tests (`replsim live --generate SIZE`).
///
/// The image is cut into 1 MiB regions; a seeded SplitMix64 stream picks each region's kind: with probability
/// `dataShare` it holds data (half random bytes, half compressible: a repeated 4 KiB random pattern with 8 random
/// bytes in every 64), with probability `dataShare / 4` it is written with zeros (data the file system stores,
/// which the upload sends), otherwise it is a hole (never written, not sent). The same size, seed and share give
/// the same bytes on every machine.
public enum TestImage {
    /// Region granularity.
    public static let regionBytes = 1 << 20

    /// Writes the image to `path` (replacing it) and returns the bytes written as data (random or zero regions).
    /// - Throws: ``LiveError/badSource(path:reason:)`` if the file cannot be written.
    /// - Complexity: O(size × dataShare) time; disk use about size × 1.25 × dataShare.
    @discardableResult
    public static func generate(path: String, size: Int64, seed: UInt64, dataShare: Double = 0.05) throws -> Int64 {
        guard size > 0 else { throw LiveError.badSource(path: path, reason: "image size must be positive") }
        guard (0...1).contains(dataShare) else {
            throw LiveError.badSource(path: path, reason: "data share must be in 0...1, got \(dataShare)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LiveError.badSource(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else {
            throw LiveError.badSource(path: path, reason: "cannot size to \(size): \(String(cString: strerror(errno)))")
        }
        var state = seed
        var region = [UInt8](repeating: 0, count: regionBytes)
        var written: Int64 = 0
        var offset: Int64 = 0
        while offset < size {
            let length = Int(Swift.min(Int64(regionBytes), size - offset))
            let pick = Double(next(&state) >> 11) / Double(1 << 53)
            let kind: Int? = pick < dataShare / 2 ? 0 : pick < dataShare ? 1 : pick < dataShare * 1.25 ? 2 : nil
            if let kind {
                region.withUnsafeMutableBytes { fill($0, kind: kind, state: &state) }
                let done = region.withUnsafeBytes { pwrite(fd, $0.baseAddress, length, off_t(offset)) }
                guard done == length else {
                    throw LiveError.badSource(
                        path: path, reason: "write at \(offset) failed: \(String(cString: strerror(errno)))")
                }
                written += Int64(length)
            }
            offset += Int64(length)
        }
        return written
    }

    /// Kind 0: random; 1: compressible (a 4 KiB random pattern repeated, 8 random bytes in every 64); 2: zeros.
    private static func fill(_ bytes: UnsafeMutableRawBufferPointer, kind: Int, state: inout UInt64) {
        let words = bytes.bindMemory(to: UInt64.self)
        switch kind {
        case 0:
            for index in words.indices { words[index] = next(&state) }
        case 1:
            for index in 0..<512 { words[index] = next(&state) }
            for index in 512..<words.count { words[index] = words[index % 512] }
            for index in stride(from: 0, to: words.count, by: 8) { words[index] = next(&state) }
        default:
            for index in words.indices { words[index] = 0 }
        }
    }

    /// SplitMix64 (Steele, Lea, Flood 2014), the generator the core also uses.
    private static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
