/// The API version this server speaks and answers with when a request names none.
public enum BlobAPIVersion {
    public static let current = "2025-01-05"
}

/// A byte range as `x-ms-range` or `Range` carry it: `bytes=start-end` or `bytes=start-` (inclusive, from 0).
public struct ByteRange: Sendable, Equatable {
    public var start: Int64
    /// Nil for an open range (`bytes=start-`).
    public var end: Int64?

    /// - Throws: 400 InvalidHeaderValue naming the text, unless `bytes=start-end` with 0 ≤ start ≤ end ≤ Int64.max
    ///   (or `bytes=start-`). Numbers past Int64 are refused, never wrapped.
    public init(header text: String) throws {
        guard text.hasPrefix("bytes=") else {
            throw BlobServiceError(.invalidHeaderValue, "range '\(text)' does not start with 'bytes='")
        }
        let parts = text.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int64(parts[0]), start >= 0 else {
            throw BlobServiceError(.invalidHeaderValue, "range '\(text)' is not bytes=start-end")
        }
        self.start = start
        if parts[1].isEmpty {
            end = nil
            return
        }
        guard let end = Int64(parts[1]), end >= start else {
            throw BlobServiceError(.invalidHeaderValue, "range '\(text)' has an end before its start or past 2^63-1")
        }
        self.end = end
    }
}
