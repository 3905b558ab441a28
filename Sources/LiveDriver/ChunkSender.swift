import AsyncHTTPClient
import Compression
import Crypto
import Foundation
import NIOCore
import UploadCore

/// The per-chunk integrity header (Put Page verifies it and answers 400 on a mismatch).
public enum ChunkChecksum: String, Sendable, CaseIterable {
    /// `x-ms-content-crc64` (Azure's CRC-64, slicing-by-8).
    case crc64
    /// `Content-MD5`.
    case md5
    /// No integrity header.
    case none
}

/// What happened to one Put Page, as the driver reports it to the core.
enum ChunkOutcome: Sendable {
    case succeeded
    /// A failure the core retries; `cause` says what happened, for the progress line and the final error.
    case failed(ChunkFailure, cause: String)
    /// A refusal retrying cannot fix, or the source could not be read: the run stops.
    case fatal(LiveError)
}

/// Measurements of one send, for the run's report.
struct ChunkSendFacts: Sendable {
    var rawBytes: Int64 = 0
    /// zlib output size when compression is measured.
    var compressedBytes: Int64?
    var compressNanos: Int64 = 0
}

/// Reads, checksums, optionally compresses (to measure) and sends one chunk; off the uploader's actor.
enum ChunkSender {
    /// Sends `request` as a Put Page (`x-ms-page-write: update`, `x-ms-range`) of blob `blob`.
    ///
    /// Responses map to core events: 201 → succeeded; 503 (and 429) → throttled with Retry-After; 500 and other
    /// 5xx → serverError; a connection error (also one to connect) → connectionReset; a deadline → timedOut; any
    /// other status is fatal. Each failure carries its cause: the server's status and error code, or the error.
    /// - Complexity: O(length) for the read, the checksum and, if asked, compression.
    static func send(
        _ request: ChunkRequest,
        blob: String,
        source: SourceDisk,
        connection: PageBlobConnection,
        checksum: ChunkChecksum,
        compressionLevel: Int?
    ) async -> (ChunkOutcome, ChunkSendFacts) {
        var facts = ChunkSendFacts(rawBytes: request.length)
        let length = Int(request.length)
        var buffer = connection.takeBuffer(capacity: length)
        defer { connection.returnBuffer(buffer) }
        var headers: [(String, String)] = [
            ("x-ms-page-write", "update"),
            ("x-ms-range", "bytes=\(request.offset)-\(request.offset + request.length - 1)"),
        ]
        do {
            try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
                let target = UnsafeMutableRawBufferPointer(rebasing: raw[0..<length])
                try source.read(offset: request.offset, into: target)
                return length
            }
            try buffer.withUnsafeReadableBytes { bytes in
                switch checksum {
                case .crc64:
                    var crc = CRC64()
                    crc.update(bytes)
                    headers.append(("x-ms-content-crc64", crc.headerValue))
                case .md5:
                    headers.append(("content-md5", Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()))
                case .none:
                    break
                }
                if let level = compressionLevel {
                    let start = ContinuousClock.now
                    let compressed = try Zlib.compress(bytes, level: level)
                    facts.compressNanos = LiveClock.nanoseconds(ContinuousClock.now - start)
                    facts.compressedBytes = Int64(compressed.count)
                }
            }
        } catch let error as LiveError {
            return (.fatal(error), facts)
        } catch {
            return (.fatal(.badSetting("compression of \(request.id) failed: \(error)")), facts)
        }
        do {
            let reply = try await connection.send(.PUT, blob, query: [("comp", "page")], headers: headers, body: buffer)
            return (outcome(of: reply, request: "Put Page \(blob) \(request.offset)+\(request.length)"), facts)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return (.failed(.timedOut, cause: "no answer to Put Page \(blob) within \(connection.timeout.nanoseconds / 1_000_000_000) s"), facts)
        } catch {
            return (.failed(.connectionReset, cause: connection.describe(error)), facts)
        }
    }

    /// The core event for a Put Page reply.
    static func outcome(of reply: BlobReply, request: String) -> ChunkOutcome {
        switch reply.status {
        case 201, 200:
            return .succeeded
        case 503, 429:
            let seconds = reply.headers.first(name: "retry-after").flatMap { Double($0) }
            return .failed(.throttled(retryAfterNanos: seconds.map { Int64($0 * 1e9) }), cause: reply.answer(to: request))
        case 500...599:
            return .failed(.serverError(status: reply.status), cause: reply.answer(to: request))
        default:
            return .fatal(.rejected(request: request, status: reply.status, errorCode: reply.errorCode))
        }
    }
}
