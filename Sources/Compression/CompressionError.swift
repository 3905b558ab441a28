/// What went wrong inside zlib, and where.
///
/// Every zlib failure maps to one of these cases; nothing in this module traps on bad input.
public enum CompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The level is outside zlib's 0...9.
    case invalidLevel(Int)
    /// `deflateInit2`/`inflateInit2` failed with this zlib return code.
    case initFailed(code: Int32)
    /// The compressed stream is corrupt: zlib's code and message, and the input offset at which it stopped.
    case corruptInput(code: Int32, message: String, inputOffset: Int)
    /// The compressed stream ended before zlib saw its end marker (`Z_STREAM_END`).
    case truncatedInput(consumed: Int)
    /// Inflating would produce more than the caller's limit (protects against decompression bombs).
    case outputLimitExceeded(limit: Int)
    /// Bytes were fed after the stream had already finished.
    case streamAlreadyFinished

    public var description: String {
        switch self {
        case .invalidLevel(let level): return "zlib level \(level) is outside 0...9"
        case .initFailed(let code): return "zlib stream initialisation failed (code \(code))"
        case .corruptInput(let code, let message, let offset):
            return "corrupt zlib input at byte \(offset): \(message) (code \(code))"
        case .truncatedInput(let consumed): return "zlib input ended after \(consumed) bytes without a stream end"
        case .outputLimitExceeded(let limit): return "inflated output exceeds the limit of \(limit) bytes"
        case .streamAlreadyFinished: return "input fed to a zlib stream that has already finished"
        }
    }
}
