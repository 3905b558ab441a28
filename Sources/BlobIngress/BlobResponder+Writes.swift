import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension BlobResponder {
    /// Put Page: `x-ms-page-write: update|clear`, range `bytes=a-b` 512-aligned, update bodies ≤ 4 MiB
    /// (learn.microsoft.com/rest/api/storageservices/put-page). A clear touches no memory in proportion to its range
    /// (``BlobStore/writePages(container:blob:offset:length:body:)`` punches a hole).
    func putPage(_ parsed: BlobRequest, request: Request) async throws -> Response {
        let blob = try parsed.requireBlob()
        guard let mode = parsed.header("x-ms-page-write") else {
            throw BlobServiceError(.missingRequiredHeader, "x-ms-page-write is required for Put Page")
        }
        guard let range = try parsed.byteRange(), let end = range.end else {
            throw BlobServiceError(.missingRequiredHeader, "Put Page needs x-ms-range (or Range) bytes=start-end")
        }
        guard range.start % 512 == 0, end % 512 == 511 else {
            throw BlobServiceError(
                .invalidPageRange,
                "The page range bytes=\(range.start)-\(end) is not 512-byte aligned "
                    + "(start % 512 == 0, end % 512 == 511)"
            )
        }
        // end ≥ start ≥ 0, so only end = Int64.max can overflow here; no page blob reaches that far.
        let (length, overflow) = (end - range.start).addingReportingOverflow(1)
        guard !overflow, length <= BlobStore.maxPageBlobBytes else {
            throw BlobServiceError(
                .invalidPageRange,
                "The page range bytes=\(range.start)-\(end) is past the end of any page blob "
                    + "(at most \(BlobStore.maxPageBlobBytes) bytes)",
                status: .rangeNotSatisfiable
            )
        }
        let declared = try parsed.contentLength()
        switch mode.lowercased() {
        case "update":
            guard length <= Int64(profile.effectiveMaxPutPageBytes), (declared ?? 0) <= profile.effectiveMaxPutPageBytes
            else {
                throw BlobServiceError(
                    .requestBodyTooLarge,
                    "The request body is too large: a page write is at most \(profile.effectiveMaxPutPageBytes) bytes"
                )
            }
            guard declared == nil || declared == Int(length) else {
                throw BlobServiceError(
                    .invalidHeaderValue,
                    "Content-Length \(declared ?? 0) does not match the page range length \(length)"
                )
            }
            // Verify, then write: each piece is checksummed and copied into one page-aligned body as it arrives,
            // and nothing touches the blob unless the whole body arrived and matched its digest.
            var digests = Digests(for: parsed)
            let body = try await receivePageBody(
                request,
                length: Int(length),
                limit: profile.effectiveMaxPutPageBytes,
                digests: &digests
            )
            guard body.count == Int(length) else {
                throw BlobServiceError(
                    .invalidHeaderValue,
                    "body has \(body.count) bytes but the page range has \(length)"
                )
            }
            try digests.verify(parsed)
            let properties = try await blocking {
                try store.writePages(
                    container: parsed.container,
                    blob: blob,
                    offset: range.start,
                    length: length,
                    body: body
                )
            }
            return writeResponse(properties, digests: digests, parsed: parsed)
        case "clear":
            guard (declared ?? 0) == 0 else {
                throw BlobServiceError(.invalidHeaderValue, "a page clear must have Content-Length 0")
            }
            let properties = try await blocking {
                try store.writePages(
                    container: parsed.container,
                    blob: blob,
                    offset: range.start,
                    length: length,
                    body: nil
                )
            }
            return writeResponse(properties, digests: nil, parsed: parsed)
        default:
            throw BlobServiceError(.invalidHeaderValue, "x-ms-page-write '\(mode)' is not 'update' or 'clear'")
        }
    }

    /// Put Blob: `x-ms-blob-type: BlockBlob` (the body is the content) or `PageBlob` (empty body,
    /// `x-ms-blob-content-length` a multiple of 512).
    func putBlob(_ parsed: BlobRequest, request: Request) async throws -> Response {
        let blob = try parsed.requireBlob()
        guard let type = parsed.header("x-ms-blob-type") else {
            throw BlobServiceError(.missingRequiredHeader, "x-ms-blob-type is required for Put Blob")
        }
        let contentType = parsed.header("x-ms-blob-content-type") ?? parsed.header("content-type")
        switch type {
        case BlobKind.pageBlob.rawValue:
            guard (try parsed.contentLength() ?? 0) == 0 else {
                throw BlobServiceError(.invalidHeaderValue, "Put Blob of a page blob must have an empty body")
            }
            guard let sizeText = parsed.header("x-ms-blob-content-length") else {
                throw BlobServiceError(.missingRequiredHeader, "x-ms-blob-content-length is required for a page blob")
            }
            guard let size = Int64(sizeText), size >= 0 else {
                throw BlobServiceError(.invalidHeaderValue, "x-ms-blob-content-length '\(sizeText)' is not a size")
            }
            guard size <= BlobStore.maxPageBlobBytes else {
                throw BlobServiceError(
                    .invalidHeaderValue,
                    "x-ms-blob-content-length \(size) is larger than a page blob can be (\(BlobStore.maxPageBlobBytes))"
                )
            }
            guard store.containerExists(parsed.container) else {
                throw BlobServiceError(.containerNotFound, "The specified container does not exist.")
            }
            let properties = try await blocking {
                try store.createPageBlob(container: parsed.container, blob: blob, size: size, contentType: contentType)
            }
            return writeResponse(properties, digests: nil, parsed: parsed)
        case BlobKind.blockBlob.rawValue:
            guard store.containerExists(parsed.container) else {
                throw BlobServiceError(.containerNotFound, "The specified container does not exist.")
            }
            let (temp, size, digests) = try await receiveToTempFile(parsed, request: request, alwaysMD5: true)
            let md5 = parsed.header("x-ms-blob-content-md5") ?? digests.md5Bytes.map(encodeBase64)
            let properties = try await blocking {
                do {
                    return try store.commitBlockBlob(
                        container: parsed.container,
                        blob: blob,
                        tempPath: temp,
                        size: size,
                        contentType: contentType,
                        contentMD5: md5
                    )
                } catch {
                    unlink(temp)
                    throw error
                }
            }
            return writeResponse(properties, digests: digests, parsed: parsed)
        default:
            throw BlobServiceError(.invalidHeaderValue, "x-ms-blob-type '\(type)' is not BlockBlob or PageBlob")
        }
    }

    /// Put Block: `?comp=block&blockid=<base64>`; the block is staged until a Put Block List names it.
    func putBlock(_ parsed: BlobRequest, request: Request) async throws -> Response {
        let blob = try parsed.requireBlob()
        guard let blockID = parsed.queryValue("blockid") else {
            throw BlobServiceError(.invalidQueryParameterValue, "Put Block needs a blockid query parameter")
        }
        _ = try BlobNames.blockFileName(forID: blockID)
        guard store.containerExists(parsed.container) else {
            throw BlobServiceError(.containerNotFound, "The specified container does not exist.")
        }
        let (temp, _, digests) = try await receiveToTempFile(parsed, request: request)
        try await blocking {
            do {
                try store.stageBlock(container: parsed.container, blob: blob, blockID: blockID, tempPath: temp)
            } catch {
                unlink(temp)
                throw error
            }
        }
        var headers = digestHeaders(digests, parsed: parsed)
        headers[HTTPField.Name("x-ms-request-server-encrypted")!] = "false"
        return Response(status: .created, headers: headers)
    }

    /// Put Block List: `<BlockList><Latest|Committed|Uncommitted>id</…>…</BlockList>`, committed in order.
    func putBlockList(_ parsed: BlobRequest, request: Request) async throws -> Response {
        let blob = try parsed.requireBlob()
        let body = try await collect(request, limit: 8 << 20)
        let ids = try BlockListXML.parse(body)
        let contentType = parsed.header("x-ms-blob-content-type")
        let properties = try await blocking {
            try store.commitBlockList(container: parsed.container, blob: blob, blockIDs: ids, contentType: contentType)
        }
        return writeResponse(properties, digests: nil, parsed: parsed)
    }

    // MARK: bodies

    /// Collects the whole body, at most `limit` bytes (413 RequestBodyTooLarge beyond).
    /// - Complexity: one copy of the body into a single buffer (none when it arrived in one piece).
    func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        var out: ByteBuffer?
        for try await buffer in request.body {
            guard (out?.readableBytes ?? 0) + buffer.readableBytes <= limit else {
                throw BlobServiceError(.requestBodyTooLarge, "The request body is larger than \(limit) bytes.")
            }
            if out == nil {
                out = buffer
            } else {
                out!.writeImmutableBuffer(buffer)
            }
        }
        return out ?? ByteBuffer()
    }

    /// The body gathered into a page-aligned ``PageBody`` of `length` bytes, at most `limit` bytes (413
    /// RequestBodyTooLarge beyond), feeding each piece to `digests` and copying it as it arrives.
    /// - Complexity: O(body): one checksum pass and one copy of each piece while it is still in the CPU's caches.
    func receivePageBody(
        _ request: Request,
        length: Int,
        limit: Int,
        digests: inout Digests
    ) async throws -> PageBody {
        let body = store.makePageBody(capacity: length)
        for try await piece in request.body {
            guard body.count + piece.readableBytes <= limit else {
                throw BlobServiceError(.requestBodyTooLarge, "The request body is larger than \(limit) bytes.")
            }
            piece.withUnsafeReadableBytes { bytes in
                digests.update(bytes)
                body.append(bytes)
            }
        }
        return body
    }

    /// Streams the body into a new temp file, hashing as it goes; verifies Content-MD5 / x-ms-content-crc64 and
    /// fsyncs (with `syncWrites`). The temp file is removed on any failure.
    func receiveToTempFile(
        _ parsed: BlobRequest,
        request: Request,
        alwaysMD5: Bool = false
    ) async throws
        -> (String, Int64, Digests)
    {
        let limit = profile.effectiveMaxPutBlobBytes
        if let declared = try parsed.contentLength(), declared > limit {
            throw BlobServiceError(.requestBodyTooLarge, "The request body is larger than \(limit) bytes.")
        }
        let temp = store.makeTempPath()
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw BlobStoreError(path: temp, problem: "cannot create temp file") }
        var digests = Digests(for: parsed, alwaysMD5: alwaysMD5)
        var size: Int64 = 0
        do {
            for try await buffer in request.body {
                guard size + Int64(buffer.readableBytes) <= Int64(limit) else {
                    throw BlobServiceError(.requestBodyTooLarge, "The request body is larger than \(limit) bytes.")
                }
                try buffer.withUnsafeReadableBytes { bytes in
                    digests.update(bytes)
                    try FileIO.writeAll(fd: fd, path: temp, offset: size, bytes: bytes)
                }
                size += Int64(buffer.readableBytes)
            }
            try digests.verify(parsed)
            if store.syncWrites {
                let descriptor = fd
                try await blocking { if fsync(descriptor) != 0 { throw FileIO.failure(temp, "fsync") } }
            }
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        return (temp, size, digests)
    }

    // MARK: responses

    func writeResponse(_ properties: BlobProperties, digests: Digests?, parsed: BlobRequest) -> Response {
        var headers = digests.map { digestHeaders($0, parsed: parsed) } ?? [:]
        headers[.eTag] = properties.etag
        headers[.lastModified] = properties.lastModifiedHTTP
        headers[HTTPField.Name("x-ms-request-server-encrypted")!] = "false"
        if properties.kind == .pageBlob { headers[HTTPField.Name("x-ms-blob-sequence-number")!] = "0" }
        return Response(status: .created, headers: headers)
    }

    /// `Content-MD5` / `x-ms-content-crc64` of the body, for the digests computed (see ``Digests``).
    func digestHeaders(_ digests: Digests, parsed: BlobRequest) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let md5 = digests.md5Bytes { headers[HTTPField.Name("Content-MD5")!] = encodeBase64(md5) }
        if let crc = digests.crc64 { headers[HTTPField.Name("x-ms-content-crc64")!] = crc.headerValue }
        return headers
    }
}
