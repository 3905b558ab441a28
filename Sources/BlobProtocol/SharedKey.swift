/// The Shared Key string-to-sign for the Blob service (versions 2009-09-19 and later), the `Authorization` header
/// and the request-time check. The HMAC-SHA256 itself is the caller's (swift-crypto in BlobIngress and LiveDriver):
/// this module has no cryptography, so its fuzzer builds without BoringSSL.
///
/// Source: "Authorize with Shared Key" (learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key):
/// VERB, Content-Encoding, Content-Language, Content-Length (empty when 0), Content-MD5, Content-Type, Date,
/// If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range, each followed by "\n", then the
/// canonicalized `x-ms-*` headers (`name:value\n`, names lowercased and sorted) and the canonicalized resource
/// (`/account/raw-path`, then `\nname:value1,value2` per query parameter, names lowercased and sorted).
/// The header sort is the service's own culture-aware comparison, ported from azure-storage-blob's
/// `_shared/authentication.py` (`compare`), so a hyphen weighs less than any letter: the Python SDK signs with it.
public struct SharedKeyRequest: Sendable {
    public var method: String
    /// Header names lowercased; several values of one name joined with ",".
    public var headers: [(name: String, value: String)]
    /// The request path exactly as sent (still percent-encoded).
    public var rawPath: String
    /// Query parameters, values percent-decoded.
    public var query: [(name: String, value: String)]

    public init(
        method: String,
        headers: [(name: String, value: String)],
        rawPath: String,
        query: [(name: String, value: String)]
    ) {
        self.method = method
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.rawPath = rawPath
        self.query = query
    }

    /// Azurite's well-known development account key (base64): what `replsim serve` and `replsim live` use unless
    /// given another, so tools that default to it work.
    public static let developmentKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    /// The base64 signature of `text`, where `hmacSHA256` returns the HMAC-SHA256 of its argument under the account
    /// key.
    public static func signature<MAC: Sequence<UInt8>>(of text: String, hmacSHA256: ([UInt8]) -> MAC) -> String {
        encodeBase64(hmacSHA256(Array(text.utf8)))
    }

    /// `SharedKey account:signature` for this request (`signature(of:hmacSHA256:)` of its string-to-sign).
    public func authorizationHeader<MAC: Sequence<UInt8>>(account: String, hmacSHA256: ([UInt8]) -> MAC) -> String {
        "SharedKey \(account):\(Self.signature(of: stringToSign(account: account), hmacSHA256: hmacSHA256))"
    }

    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// The canonical string this request is signed over, for `account`.
    /// - Complexity: O(h log h + q log q) for h headers and q query parameters.
    public func stringToSign(account: String) -> String {
        var lines = [method]
        for name in [
            "content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
            "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range",
        ] {
            var value = header(name) ?? ""
            if name == "content-length" && value == "0" { value = "" }
            lines.append(value)
        }
        var result = lines.joined(separator: "\n") + "\n"
        let msHeaders = headers.filter { $0.name.hasPrefix("x-ms-") }
            .sorted { SharedKeyRequest.compareHeaderNames($0.name, $1.name) < 0 }
        for header in msHeaders { result += "\(header.name):\(header.value)\n" }
        result += "/\(account)\(rawPath)"
        var grouped: [(name: String, values: [String])] = []
        for (name, value) in query {
            let key = name.lowercased()
            if let index = grouped.firstIndex(where: { $0.name == key }) {
                grouped[index].values.append(value)
            } else {
                grouped.append((key, [value]))
            }
        }
        for group in grouped.sorted(by: { $0.name < $1.name }) {
            result += "\n\(group.name):\(group.values.sorted().joined(separator: ","))"
        }
        return result
    }

    /// The largest difference between a request's time and the server's clock that Shared Key accepts: 15
    /// minutes, as the service ("Authorize with Shared Key", section "Specifying the Date header": a request
    /// older than that is refused with 403, which bounds how long a captured request can be replayed).
    public static let allowedClockSkewSeconds: Int64 = 15 * 60

    /// Throws 403 AuthenticationFailed unless the request carries its time (`x-ms-date`, else `Date`) as an HTTP
    /// date within ``allowedClockSkewSeconds`` of `now` (seconds since the epoch), in either direction.
    public func checkRequestTime(nowEpochSeconds now: Int64) throws {
        let name = header("x-ms-date") != nil ? "x-ms-date" : "date"
        guard let text = header(name) else {
            throw BlobServiceError(
                .authenticationFailed,
                "Server failed to authenticate the request: request date header not specified (x-ms-date or Date)."
            )
        }
        guard let time = HTTPDate.parse(text) else {
            throw BlobServiceError(
                .authenticationFailed,
                "Server failed to authenticate the request: \(name) '\(text)' is not an HTTP date "
                    + "like 'Wed, 25 Nov 2026 12:00:00 GMT'."
            )
        }
        guard abs(time - now) <= Self.allowedClockSkewSeconds else {
            throw BlobServiceError(
                .authenticationFailed,
                "Server failed to authenticate the request: \(name) '\(text)' is more than 15 minutes from the "
                    + "server's time '\(HTTPDate.format(epochSeconds: now))'."
            )
        }
    }

    /// Three-way comparison of header names as the service sorts them (-1, 0, 1). Non-ASCII falls back to bytes.
    public static func compareHeaderNames(_ lhs: String, _ rhs: String) -> Int {
        let l = Array(lhs.utf8)
        let r = Array(rhs.utf8)
        guard l.allSatisfy({ $0 < 128 }), r.allSatisfy({ $0 < 128 }) else {
            return l.lexicographicallyPrecedes(r) ? -1 : (l == r ? 0 : 1)
        }
        let tables = [HeaderSortTables.level0, HeaderSortTables.level4]
        var level = 0
        var i = 0
        var j = 0
        while level < tables.count {
            if level == tables.count - 1 && i != j { return i > j ? -1 : 1 }
            let w1 = i < l.count ? tables[level][Int(l[i])] : 0x1
            let w2 = j < r.count ? tables[level][Int(r[j])] : 0x1
            if w1 == 0x1 && w2 == 0x1 {
                i = 0
                j = 0
                level += 1
            } else if w1 == w2 {
                i += 1
                j += 1
            } else if w1 == 0 {
                i += 1
            } else if w2 == 0 {
                j += 1
            } else {
                return w1 < w2 ? -1 : 1
            }
        }
        return 0
    }
}

/// Weight tables of the service's header sort (azure-storage-blob `_shared/authentication.py`, `table_lv0`,
/// `table_lv4`), indexed by ASCII code.
enum HeaderSortTables {
    static let level0: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0x71c, 0, 0x71f, 0x721, 0x723, 0x725, 0, 0, 0, 0x72d, 0x803, 0, 0, 0x733, 0,
        0xd03, 0xd1a, 0xd1c, 0xd1e, 0xd20, 0xd22, 0xd24, 0xd26, 0xd28, 0xd2a, 0, 0, 0, 0, 0, 0,
        0, 0xe02, 0xe09, 0xe0a, 0xe1a, 0xe21, 0xe23, 0xe25, 0xe2c, 0xe32, 0xe35, 0xe36, 0xe48, 0xe51, 0xe70, 0xe7c,
        0xe7e, 0xe89, 0xe8a, 0xe91, 0xe99, 0xe9f, 0xea2, 0xea4, 0xea6, 0xea7, 0xea9, 0, 0, 0, 0x743, 0x744,
        0x748, 0xe02, 0xe09, 0xe0a, 0xe1a, 0xe21, 0xe23, 0xe25, 0xe2c, 0xe32, 0xe35, 0xe36, 0xe48, 0xe51, 0xe70, 0xe7c,
        0xe7e, 0xe89, 0xe8a, 0xe91, 0xe99, 0xe9f, 0xea2, 0xea4, 0xea6, 0xea7, 0xea9, 0, 0x74c, 0, 0x750, 0,
    ]
    static let level4: [Int] = {
        var table = [Int](repeating: 0, count: 128)
        table[39] = 0x8012  // '
        table[45] = 0x8212  // -
        return table
    }()
}
