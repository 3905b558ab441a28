import CZlib

/// Streaming zlib (RFC 1950) decompressor with an output limit.
///
/// Feed compressed bytes with ``decompress(_:)``; call ``finish()`` at the end of input to learn whether the
/// stream was complete. Corrupt input throws ``CompressionError/corruptInput(code:message:inputOffset:)``.
///
/// Not thread-safe: one `Inflater` per stream.
/// - Complexity: O(n + m) per call for n input and m output bytes; about 44 KiB of zlib state.
public final class Inflater {
    private var stream = z_stream()
    private var consumed = 0
    private var produced = 0
    /// True once zlib has seen the end of the compressed stream.
    public private(set) var isFinished = false
    /// The most output bytes this stream may produce in total.
    public let outputLimit: Int

    /// - Parameter outputLimit: total inflated bytes allowed (default 1 GiB) before
    ///   ``CompressionError/outputLimitExceeded(limit:)``.
    public init(outputLimit: Int = 1 << 30) throws {
        self.outputLimit = outputLimit
        let code = czlib_inflateInit2(&stream, 15)
        guard code == Z_OK else { throw CompressionError.initFailed(code: code) }
    }

    deinit { inflateEnd(&stream) }

    /// Decompresses `input`, returning the bytes it yields. Bytes after the stream's end are an error.
    public func decompress(_ input: some ContiguousByteStorage) throws -> [UInt8] {
        var output: [UInt8] = []
        try input.withUnsafeBytes { raw in
            guard raw.count > 0 else { return }
            guard !isFinished else { throw CompressionError.streamAlreadyFinished }
            stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = UInt32(raw.count)
            defer { stream.next_in = nil }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let before = Int(stream.avail_in)
                let (code, count) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let code = inflate(&stream, Z_NO_FLUSH)
                    return (code, out.count - Int(stream.avail_out))
                }
                consumed += before - Int(stream.avail_in)
                produced += count
                guard produced <= outputLimit else { throw CompressionError.outputLimitExceeded(limit: outputLimit) }
                output.append(contentsOf: chunk[0..<count])
                switch code {
                case Z_STREAM_END:
                    isFinished = true
                    if stream.avail_in > 0 {
                        throw CompressionError.corruptInput(
                            code: code,
                            message: "trailing bytes after stream end",
                            inputOffset: consumed
                        )
                    }
                    return
                case Z_OK:
                    if stream.avail_in == 0 && stream.avail_out != 0 { return }
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 { return }
                    throw CompressionError.corruptInput(code: code, message: "no progress", inputOffset: consumed)
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error"
                    throw CompressionError.corruptInput(code: code, message: message, inputOffset: consumed)
                }
            }
        }
        return output
    }

    /// Declares the end of input.
    /// - Throws: ``CompressionError/truncatedInput(consumed:)`` when the stream's end was never seen.
    public func finish() throws {
        guard isFinished else { throw CompressionError.truncatedInput(consumed: consumed) }
    }
}

/// One-shot helpers over ``Deflater`` and ``Inflater``.
public enum Zlib {
    /// Compresses `data` into one complete zlib stream at `level` (default 1).
    /// - Complexity: O(n).
    public static func compress(_ data: some ContiguousByteStorage, level: Int = 1) throws -> [UInt8] {
        try Deflater(level: level).compress(data, finish: true)
    }

    /// Decompresses one complete zlib stream; throws on corrupt, truncated or over-limit input.
    /// - Complexity: O(n + m).
    public static func decompress(_ data: some ContiguousByteStorage, outputLimit: Int = 1 << 30) throws -> [UInt8] {
        let inflater = try Inflater(outputLimit: outputLimit)
        let output = try inflater.decompress(data)
        try inflater.finish()
        return output
    }
}
