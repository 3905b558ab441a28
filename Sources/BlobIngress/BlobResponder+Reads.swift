import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension BlobResponder {
    /// Chunk size of streamed Get Blob bodies.
    static let readChunk = 1 << 20

    /// Get Blob (`includeBody`) and Get Blob Properties (HEAD). A range reads `bytes=a-b` (clamped to the blob's
    /// end) and answers 206 with `Content-Range`; a start at or past the end is 416 InvalidRange, as the service does.
    func getBlob(_ parsed: BlobRequest, includeBody: Bool) async throws -> Response {
        let blob = try parsed.requireBlob()
        let properties = try store.properties(container: parsed.container, blob: blob)
        let size = properties.contentLength
        var headers: HTTPFields = [
            .eTag: properties.etag,
            .lastModified: properties.lastModifiedHTTP,
            .contentType: properties.contentType ?? "application/octet-stream",
            .acceptRanges: "bytes",
        ]
        headers[HTTPField.Name("x-ms-blob-type")!] = properties.kind.rawValue
        headers[HTTPField.Name("x-ms-server-encrypted")!] = "false"
        headers[HTTPField.Name("x-ms-lease-state")!] = "available"
        headers[HTTPField.Name("x-ms-lease-status")!] = "unlocked"
        if properties.kind == .pageBlob { headers[HTTPField.Name("x-ms-blob-sequence-number")!] = "0" }
        var start: Int64 = 0
        var end = size - 1
        var status = HTTPResponse.Status.ok
        if includeBody, let range = try parsed.byteRange() {
            guard range.start < size else {
                throw BlobServiceError(
                    .invalidRange,
                    "The range specified is invalid for the current size of the resource.",
                    headers: [.contentRange: "bytes */\(size)"]
                )
            }
            start = range.start
            end = Swift.min(range.end ?? (size - 1), size - 1)
            status = .partialContent
            headers[.contentRange] = "bytes \(start)-\(end)/\(size)"
            headers[HTTPField.Name("x-ms-blob-content-length")!] = String(size)
        } else if let md5 = properties.contentMD5 {
            headers[HTTPField.Name("Content-MD5")!] = md5
        }
        let length = Swift.max(0, end - start + 1)
        headers[.contentLength] = String(length)
        guard includeBody, length > 0 else { return Response(status: status, headers: headers) }
        let store = self.store
        let container = parsed.container
        let threadPool = self.threadPool
        let firstOffset = start
        let body = ResponseBody(contentLength: Int(length)) { writer in
            var offset = firstOffset
            let stop = firstOffset + length
            while offset < stop {
                let count = Int(Swift.min(Int64(Self.readChunk), stop - offset))
                let at = offset
                let bytes = try await threadPool.runIfActive {
                    try store.read(container: container, blob: blob, offset: at, length: count)
                }
                try await writer.write(bytes)
                offset += Int64(count)
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }
}

/// The Put Block List body: IDs from `<Latest>`, `<Committed>` and `<Uncommitted>` elements, in document order.
///
/// This server keeps one file per block ID, so the three element kinds name the same block.
enum BlockListXML {
    /// - Throws: 400 InvalidXmlDocument when the body is not a `BlockList` of those elements.
    static func parse(_ body: ByteBuffer) throws -> [String] {
        let text = String(buffer: body)
        guard let open = text.range(of: "<BlockList>"), let close = text.range(of: "</BlockList>"),
            open.upperBound <= close.lowerBound
        else {
            throw BlobServiceError(.invalidXmlDocument, "the body is not a <BlockList> document")
        }
        var ids: [String] = []
        var rest = text[open.upperBound..<close.lowerBound]
        while let tagStart = rest.firstIndex(of: "<") {
            let afterTag = rest[tagStart...]
            guard let tagEnd = afterTag.firstIndex(of: ">") else { break }
            let tag = String(afterTag[afterTag.index(after: tagStart)..<tagEnd])
            guard ["Latest", "Committed", "Uncommitted"].contains(tag) else {
                throw BlobServiceError(.invalidXmlDocument, "unexpected element <\(tag)> in BlockList")
            }
            let valueStart = afterTag.index(after: tagEnd)
            guard let closing = rest[valueStart...].range(of: "</\(tag)>") else {
                throw BlobServiceError(.invalidXmlDocument, "element <\(tag)> is not closed")
            }
            ids.append(String(rest[valueStart..<closing.lowerBound]).trimmingCharacters(in: .whitespaces))
            rest = rest[closing.upperBound...]
        }
        return ids
    }
}
