import Foundation
import Hummingbird
import NIOCore

/// Hummingbird request context that keeps the channel, so fault injection can reset the connection.
public struct BlobRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// The parts of an HTTP request the Blob API looks at, parsed once.
struct BlobRequest: Sendable {
    var method: String
    var container: String
    var blob: String?
    var rawPath: String
    /// Query parameters in arrival order, percent-decoded.
    var query: [(name: String, value: String)]
    /// Header names lowercased, in arrival order.
    var headers: [(name: String, value: String)]

    /// Splits `/[account/]container[/blob…]`, dropping a leading account segment (path-style URLs, as Azurite
    /// and the SDKs use for IP endpoints), and percent-decodes the names.
    /// - Throws: ``BlobServiceError`` for an undecodable or invalid name.
    init(request: Request, account: String) throws {
        method = request.method.rawValue
        rawPath = request.uri.path
        headers = request.headers.map { ($0.name.canonicalName.lowercased(), $0.value) }
        query = []
        for pair in (request.uri.query ?? "").split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).removingPercentEncoding,
                let value = String(parts.count > 1 ? parts[1] : "").removingPercentEncoding
            else {
                throw BlobServiceError(
                    .invalidQueryParameterValue,
                    "query parameter '\(pair)' is not valid percent-encoding"
                )
            }
            query.append((name, value))
        }
        var segments = rawPath.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).dropFirst()
        if segments.first.map(String.init) == account { segments = segments.dropFirst() }
        let rest = segments.joined(separator: "/")
        let containerEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let container = String(rest[..<containerEnd]).removingPercentEncoding else {
            throw BlobServiceError(.invalidResourceName, "container name is not valid percent-encoding")
        }
        try BlobNames.validateContainer(container)
        self.container = container
        if containerEnd < rest.endIndex {
            let rawBlob = rest[rest.index(after: containerEnd)...]
            guard let blob = String(rawBlob).removingPercentEncoding else {
                throw BlobServiceError(.invalidResourceName, "blob name is not valid percent-encoding")
            }
            try BlobNames.validateBlob(blob)
            self.blob = blob
        } else {
            blob = nil
        }
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The blob name, or 400 when the operation needs one and the URL named only a container.
    func requireBlob() throws -> String {
        guard let blob else { throw BlobServiceError(.invalidQueryParameterValue, "this operation needs a blob name") }
        return blob
    }

    /// Content-Length as sent; nil when absent (chunked).
    func contentLength() throws -> Int? {
        guard let text = header("content-length") else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw BlobServiceError(.invalidHeaderValue, "Content-Length '\(text)' is not a non-negative integer")
        }
        return value
    }

    /// `x-ms-range` (preferred) or `Range` (see ``ByteRange``); nil when neither is sent.
    func byteRange() throws -> (start: Int64, end: Int64?)? {
        guard let text = header("x-ms-range") ?? header("range") else { return nil }
        let range = try ByteRange(header: text)
        return (range.start, range.end)
    }
}
