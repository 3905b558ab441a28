import CZlib

/// Streaming zlib (RFC 1950) compressor.
///
/// Feed input in pieces with ``compress(_:finish:)``; pass `finish: true` with the last piece (it may be empty).
/// Level 1 is the default for replication: on this machine zlib 1.2.13 level 1 runs at about 65 MB/s on random
/// data and 130 MB/s on 50 %-compressible data per core (docs/sources.md §B.1), level 6 is 10–20 % slower.
///
/// Not thread-safe: one `Deflater` per stream. It frees zlib's state on deinit.
/// - Complexity: O(n) per call in the input size; zlib keeps about 256 KiB of state (window 15, memLevel 8).
public final class Deflater {
    private var stream = z_stream()
    private var finished = false
    /// The zlib level this stream uses (0 = store, 1 = fastest, 9 = best).
    public let level: Int

    /// - Throws: ``CompressionError/invalidLevel(_:)`` outside 0...9, ``CompressionError/initFailed(code:)``.
    public init(level: Int = 1) throws {
        guard (0...9).contains(level) else { throw CompressionError.invalidLevel(level) }
        self.level = level
        let code = czlib_deflateInit2(&stream, Int32(level), 15)
        guard code == Z_OK else { throw CompressionError.initFailed(code: code) }
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input` and returns the compressed bytes zlib produced so far.
    ///
    /// With `finish: true` the stream is closed (Z_FINISH) and the returned bytes end the zlib stream.
    /// - Throws: ``CompressionError/streamAlreadyFinished`` after a finished stream.
    public func compress(_ input: some ContiguousByteStorage, finish: Bool) throws -> [UInt8] {
        guard !finished else { throw CompressionError.streamAlreadyFinished }
        var output: [UInt8] = []
        let flush = finish ? Z_FINISH : Z_NO_FLUSH
        try input.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(raw.count)
            output.reserveCapacity(Int(deflateBound(&stream, UInt(raw.count))))
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let code = CZlib.deflate(&stream, flush)
                    return (code, out.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if code == Z_STREAM_END {
                    finished = true
                    break
                }
                guard code == Z_OK || code == Z_BUF_ERROR else {
                    throw CompressionError.corruptInput(code: code, message: "deflate failed", inputOffset: 0)
                }
                // Done with this call once zlib consumed everything and left output space unused.
                if stream.avail_in == 0 && stream.avail_out != 0 && !finish { break }
            }
            stream.next_in = nil
        }
        return output
    }
}

/// Bytes readable as one contiguous buffer (`[UInt8]`, `ArraySlice<UInt8>`, `UnsafeRawBufferPointer`, ...).
public protocol ContiguousByteStorage {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousByteStorage where Element == UInt8 {}
extension ArraySlice: ContiguousByteStorage where Element == UInt8 {}
extension UnsafeRawBufferPointer: ContiguousByteStorage {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}
