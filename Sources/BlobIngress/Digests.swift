import Compression
import Crypto

/// MD5 and CRC-64 of a request body, computed as it arrives, and their check against the request's headers.
///
/// Only the digests asked for are computed: MD5 costs about 1.5 ns/byte, CRC-64 (slicing-by-8) well under that,
/// and a Put Page of 4 MiB should not pay for a check nobody requested.
struct Digests: Sendable {
    private var md5: Insecure.MD5?
    private var crc: CRC64?

    /// Digests for `request`: MD5 when it sent `Content-MD5` or `alwaysMD5`, CRC-64 when it sent
    /// `x-ms-content-crc64`.
    init(for request: BlobRequest, alwaysMD5: Bool = false) {
        md5 = alwaysMD5 || request.header("content-md5") != nil ? Insecure.MD5() : nil
        crc = request.header("x-ms-content-crc64") != nil ? CRC64() : nil
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        md5?.update(bufferPointer: bytes)
        crc?.update(bytes)
    }

    /// The MD5 of everything fed (finalizes a copy; feeding may continue); nil when not computed.
    var md5Bytes: [UInt8]? { md5.map { Array($0.finalize()) } }

    /// The CRC-64 of everything fed; nil when not computed.
    var crc64: CRC64? { crc }

    /// 400 Md5Mismatch / Crc64Mismatch when `Content-MD5` / `x-ms-content-crc64` disagree with the body;
    /// 400 InvalidHeaderValue when either header is not base64 of the right length.
    func verify(_ request: BlobRequest) throws {
        if let sent = request.header("content-md5") {
            guard let bytes = decodeBase64(sent), bytes.count == 16 else {
                throw BlobServiceError(.invalidHeaderValue, "Content-MD5 '\(sent)' is not base64 of 16 bytes")
            }
            let computed = md5Bytes ?? []
            guard bytes == computed else {
                throw BlobServiceError(
                    .md5Mismatch,
                    "The MD5 value specified in the request did not match with the MD5 value calculated by the server. "
                        + "Sent \(sent), calculated \(encodeBase64(computed))."
                )
            }
        }
        if let sent = request.header("x-ms-content-crc64") {
            guard let value = CRC64.parseHeaderValue(sent) else {
                throw BlobServiceError(.invalidHeaderValue, "x-ms-content-crc64 '\(sent)' is not base64 of 8 bytes")
            }
            guard let crc, value == crc.value else {
                throw BlobServiceError(
                    .crc64Mismatch,
                    "The CRC64 value specified in the request did not match with the CRC64 value calculated by the "
                        + "server. Sent \(sent), calculated \(crc?.headerValue ?? "-")."
                )
            }
        }
    }
}
