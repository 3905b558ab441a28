@_exported import BlobProtocol
import Foundation
import Crypto
import Hummingbird
import NIOCore

// The parts of the Blob protocol that need the key's HMAC, a hash or Hummingbird; the rest is BlobProtocol
// (re-exported, so users of BlobIngress see one API).

extension SharedKeyRequest {
    /// `SharedKey account:signature` for this request.
    public func authorizationHeader(account: String, key: [UInt8]) -> String {
        authorizationHeader(account: account) { HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: key)) }
    }

    /// Base64 HMAC-SHA256 of `text` under `key`.
    public static func sign(_ text: String, key: [UInt8]) -> String {
        signature(of: text) { HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: key)) }
    }
}

extension ServiceSAS {
    /// ``authorize(account:container:blob:access:now:sign:)`` with the account key.
    public func authorize(
        account: String,
        key: [UInt8],
        container: String,
        blob: String?,
        access: Access,
        now: Date
    ) throws {
        try authorize(account: account, container: container, blob: blob, access: access, now: now) {
            SharedKeyRequest.sign($0, key: key)
        }
    }
}

extension BlobNames {
    /// The file stem for a blob: hex SHA-256 of its UTF-8 name.
    /// - Complexity: O(n) in the name length.
    public static func fileStem(forBlob name: String) -> String {
        SHA256.hash(data: Array(name.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension BlobServiceError {
    /// The response: status, `x-ms-error-code`, XML body (none for HEAD, as the service does).
    func response(requestID: String, version: String, includeBody: Bool) -> Response {
        var fields = headers
        fields[.init("x-ms-error-code")!] = code.rawValue
        fields[.init("x-ms-request-id")!] = requestID
        fields[.init("x-ms-version")!] = version
        fields[.contentType] = "application/xml"
        let body = ByteBuffer(string: xmlBody)
        fields[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: fields, body: includeBody ? .init(byteBuffer: body) : .init())
    }
}
