import Foundation

/// A service SAS token (signed version 2020-12-06 or later) parsed from query parameters, and its check.
///
/// String-to-sign (learn.microsoft.com/rest/api/storageservices/create-service-sas, "Version 2020-12-06 and
/// later"): sp, st, se, `/blob/account/container[/blob]`, si, sip, spr, sv, sr, snapshot time, ses, rscc, rscd,
/// rsce, rscl, rsct, joined by "\n". The Python SDK's `generate_blob_sas` builds the same string.
/// Only `sr=b` (one blob) and `sr=c` (any blob in one container) are accepted; user-delegation SAS is not.
public struct ServiceSAS: Sendable {
    /// What a request wants to do, for the permission check (`sp`).
    public enum Access: Sendable, Equatable {
        case read
        /// Writing to a blob that exists (Put Page, or replacing it): needs `w`.
        case write
        /// Creating a blob that does not exist yet (Put Blob, Put Block, Put Block List): `c` or `w`.
        case create
        case delete
        /// Container-level operations, which a service SAS cannot authorize.
        case container
    }

    var fields: [String: String]

    /// Nil unless the query carries a `sig` parameter.
    public init?(query: [(name: String, value: String)]) {
        var fields: [String: String] = [:]
        for (name, value) in query { fields[name] = value }
        guard fields["sig"] != nil else { return nil }
        self.fields = fields
    }

    func value(_ name: String) -> String { fields[name] ?? "" }

    /// The string the signature covers, for a request on `container`/`blob`.
    public func stringToSign(account: String, container: String, blob: String?) -> String {
        var resource = "/blob/\(account)/\(container)"
        if value("sr") == "b", let blob { resource += "/\(blob)" }
        return [
            value("sp"), value("st"), value("se"), resource, value("si"), value("sip"), value("spr"), value("sv"),
            value("sr"), "", value("ses"), value("rscc"), value("rscd"), value("rsce"), value("rscl"), value("rsct"),
        ].joined(separator: "\n")
    }

    /// Throws the service's 403 unless the token is well formed, signed (`sign` gives the base64 HMAC-SHA256 of a
    /// string under the account key), in its time window at `now`, scoped to this resource and grants `access`.
    public func authorize(
        account: String,
        container: String,
        blob: String?,
        access: Access,
        now: Date,
        sign: (String) -> String
    ) throws {
        func fail(_ why: String) -> BlobServiceError {
            BlobServiceError(.authenticationFailed, "Server failed to authenticate the request (SAS): \(why)")
        }
        guard let version = Self.parseVersion(value("sv")) else {
            throw fail("signed version sv='\(value("sv"))' is not a service version like 2025-01-05")
        }
        guard version >= Self.oldestVersion else {
            throw fail("signed version sv='\(value("sv"))' is before 2020-12-06")
        }
        guard value("sr") == "b" || value("sr") == "c" else { throw fail("signed resource sr must be 'b' or 'c'") }
        guard let expiry = Self.parseTime(value("se")) else {
            throw fail("signed expiry se is missing or not ISO 8601")
        }
        let expected = sign(stringToSign(account: account, container: container, blob: blob))
        guard Self.constantTimeEqual(expected, value("sig")) else { throw fail("signature mismatch") }
        guard now < expiry else { throw fail("signature expired at \(value("se"))") }
        if !value("st").isEmpty {
            guard let start = Self.parseTime(value("st")) else { throw fail("signed start st is not ISO 8601") }
            guard now >= start else { throw fail("signature not valid before \(value("st"))") }
        }
        if value("spr") == "https" {
            throw BlobServiceError(.authorizationProtocolMismatch, "SAS allows https only; this server speaks http")
        }
        let permissions = value("sp")
        let allowed: Bool
        switch access {
        case .read: allowed = permissions.contains("r")
        case .write: allowed = permissions.contains("w")
        case .create: allowed = permissions.contains("w") || permissions.contains("c")
        case .delete: allowed = permissions.contains("d")
        case .container: allowed = false
        }
        guard allowed else {
            throw BlobServiceError(
                .authorizationPermissionMismatch,
                "SAS permissions '\(permissions)' do not allow \(access)"
            )
        }
    }

    /// The oldest signed version whose string-to-sign this server builds.
    public static let oldestVersion = 20_201_206

    /// A service version `YYYY-MM-DD` as the number YYYYMMDD, so versions compare as dates; nil unless exactly
    /// that form with a real month and day.
    public static func parseVersion(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return nil }
        guard let year = HTTPDate.number(bytes[0..<4]), let month = HTTPDate.number(bytes[5..<7]),
            let day = HTTPDate.number(bytes[8..<10]), (1...12).contains(month),
            day >= 1, day <= HTTPDate.daysIn(month: month, year: year)
        else { return nil }
        return Int(year * 10000 + month * 100 + day)
    }

    public static func parseTime(_ text: String) -> Date? {
        guard !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }

    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
