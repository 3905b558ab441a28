import BlobProtocol
import Foundation

/// Where a live run uploads: a path-style Blob service endpoint `http://HOST:PORT/ACCOUNT` (as `replsim serve`
/// prints it) and the Shared Key credentials.
public struct LiveTarget: Sendable, Equatable {
    /// Host name or address.
    public let host: String
    /// TCP port.
    public let port: Int
    /// Storage account (the first path segment).
    public let account: String
    /// Account key bytes (Shared Key HMAC key).
    public let key: [UInt8]

    /// Parses `url`; `account` overrides the path's account; `keyBase64` is the account key.
    /// - Throws: ``LiveError/badTarget(_:reason:)`` naming what is wrong.
    public init(url: String, account: String? = nil, keyBase64: String = SharedKeyRequest.developmentKey)
        throws
    {
        guard let parts = URLComponents(string: url), parts.scheme == "http" else {
            throw LiveError.badTarget(url, reason: "expected http://HOST:PORT/ACCOUNT (https is not supported)")
        }
        guard let host = parts.host, !host.isEmpty else { throw LiveError.badTarget(url, reason: "no host") }
        let segments = parts.path.split(separator: "/").map(String.init)
        guard let name = account ?? segments.first, !name.isEmpty else {
            throw LiveError.badTarget(url, reason: "no account: give it as the path (/ACCOUNT) or with --account")
        }
        guard let key = Data(base64Encoded: keyBase64), !key.isEmpty else {
            throw LiveError.badTarget(url, reason: "the account key is not base64")
        }
        self.host = host
        self.port = parts.port ?? 80
        self.account = name
        self.key = [UInt8](key)
    }

    /// `http://host:port/account`, without credentials.
    public var description: String { "http://\(host):\(port)/\(account)" }
}
