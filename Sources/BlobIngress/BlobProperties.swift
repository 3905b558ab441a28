import Foundation

/// The two blob types this server stores.
public enum BlobKind: String, Codable, Sendable {
    case pageBlob = "PageBlob"
    case blockBlob = "BlockBlob"
}

/// One committed block of a block blob: its ID (base64, as sent) and size.
public struct CommittedBlock: Codable, Sendable, Equatable {
    public var id: String
    public var size: Int64
}

/// What the server knows about a blob; persisted as the blob's JSON sidecar (written temp + rename).
public struct BlobProperties: Codable, Sendable, Equatable {
    public var name: String
    public var kind: BlobKind
    public var contentLength: Int64
    /// Monotonic counter across the store; the `ETag` header is `"0x<hex>"`.
    public var etagCounter: UInt64
    /// Seconds since 1970 of the last change.
    public var lastModified: Double
    public var contentType: String?
    /// Base64 MD5 of the whole content, when the client supplied one for a whole-blob upload.
    public var contentMD5: String?
    public var committedBlocks: [CommittedBlock]?

    public var etag: String { "\"0x\(String(etagCounter, radix: 16, uppercase: true))\"" }

    /// `Last-Modified` as RFC 1123 text in GMT.
    public var lastModifiedHTTP: String { HTTPDate.format(epochSeconds: Int64(lastModified.rounded(.down))) }
}
