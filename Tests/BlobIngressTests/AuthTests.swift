import Foundation
import TestHarness
import Testing

@testable import BlobIngress

@Suite struct AuthTests {
    /// A service SAS query string signed with `key`, as the Python SDK's `generate_blob_sas` builds it.
    static func sas(
        account: String,
        key: [UInt8],
        container: String,
        blob: String?,
        permissions: String,
        expiry: String,
        version: String = "2025-01-05",
        signWith other: [UInt8]? = nil
    ) -> String {
        var fields: [(String, String)] = [
            ("sv", version), ("se", expiry), ("sr", blob == nil ? "c" : "b"), ("sp", permissions),
        ]
        let token = ServiceSAS(query: fields.map { ($0.0, $0.1) } + [("sig", "x")])!
        let text = token.stringToSign(account: account, container: container, blob: blob)
        fields.append(("sig", SharedKeyRequest.sign(text, key: other ?? key)))
        return fields.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    @Test func sharedKeyAndSASAreCheckedAndFailuresLeaveDataUntouched() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        try await withServer(directory: dir.path) { client in
            _ = try await client.createContainer("disks")
            _ = try await client.createPageBlob("disks/d.vhd", size: 4096)
            let original = seededBytes(count: 4096, seed: 8)
            #expect(try await client.putPage("disks/d.vhd", offset: 0, bytes: original).status == 201)
            let junk = [UInt8](repeating: 0xEE, count: 4096)
            let wrongKey = [UInt8](repeating: 1, count: 64)

            let wrong = try await client.putPage(
                "disks/d.vhd",
                offset: 0,
                bytes: junk,
                auth: .sharedKeyWith(key: wrongKey)
            )
            #expect(wrong.status == 403 && wrong.errorCode == "AuthenticationFailed")
            let anonymous = try await client.putPage("disks/d.vhd", offset: 0, bytes: junk, auth: .none)
            #expect(anonymous.status == 403 && anonymous.errorCode == "AuthenticationFailed")

            let account = client.endpoint.account
            let key = client.key
            let future = "2099-01-01T00:00:00Z"
            let past = "2020-01-01T00:00:00Z"
            let readSAS = Self.sas(
                account: account,
                key: key,
                container: "disks",
                blob: "d.vhd",
                permissions: "r",
                expiry: future
            )
            let read = try await client.get("disks/d.vhd", auth: .sas(readSAS))
            #expect(read.status == 200 && read.body == original)

            let expired = Self.sas(
                account: account,
                key: key,
                container: "disks",
                blob: "d.vhd",
                permissions: "rw",
                expiry: past
            )
            let expiredPut = try await client.putPage("disks/d.vhd", offset: 0, bytes: junk, auth: .sas(expired))
            #expect(expiredPut.status == 403 && expiredPut.errorCode == "AuthenticationFailed")
            #expect(try await client.get("disks/d.vhd", auth: .sas(expired)).status == 403)

            let forged = Self.sas(
                account: account,
                key: key,
                container: "disks",
                blob: "d.vhd",
                permissions: "rw",
                expiry: future,
                signWith: wrongKey
            )
            #expect(try await client.putPage("disks/d.vhd", offset: 0, bytes: junk, auth: .sas(forged)).status == 403)

            let readOnlyPut = try await client.putPage("disks/d.vhd", offset: 0, bytes: junk, auth: .sas(readSAS))
            #expect(readOnlyPut.status == 403 && readOnlyPut.errorCode == "AuthorizationPermissionMismatch")

            let otherBlob = Self.sas(
                account: account,
                key: key,
                container: "disks",
                blob: "other.vhd",
                permissions: "rw",
                expiry: future
            )
            #expect(
                try await client.putPage("disks/d.vhd", offset: 0, bytes: junk, auth: .sas(otherBlob)).status == 403
            )

            let containerSAS = Self.sas(
                account: account,
                key: key,
                container: "disks",
                blob: nil,
                permissions: "rw",
                expiry: future
            )
            let fresh = seededBytes(count: 512, seed: 9)
            #expect(
                try await client.putPage("disks/d.vhd", offset: 512, bytes: fresh, auth: .sas(containerSAS)).status
                    == 201
            )

            var expected = original
            expected.replaceSubrange(512..<1024, with: fresh)
            #expect(try await client.get("disks/d.vhd").body == expected, "refused writes changed the blob")
        }
    }

    @Test func headerSortMatchesThePythonSDKComparator() {
        // Expected signs come from running azure-storage-blob's `_shared.authentication.compare` on each pair.
        // Hyphens weigh nothing at the first level, so the first pair sorts the other way round in byte order.
        #expect(SharedKeyRequest.compareHeaderNames("x-ms-blob-type", "x-ms-blobc") > 0)
        #expect(SharedKeyRequest.compareHeaderNames("x-ms-date", "x-ms-version") < 0)
        #expect(SharedKeyRequest.compareHeaderNames("x-ms-blob-type", "x-ms-blob-content-length") > 0)
        #expect(SharedKeyRequest.compareHeaderNames("x-ms-page-write", "x-ms-range") < 0)
        #expect(SharedKeyRequest.compareHeaderNames("x-ms-a", "x-ms-a") == 0)
    }
}

/// The request-time format Shared Key checks: every instant formats and parses back; near misses do not parse.
@Suite struct HTTPDateTests {
    @Test func formatAndParseRoundTripOverSeededInstants() {
        let seed: UInt64 = 77
        for n in 0..<20_000 {
            let seconds = Int64(FaultPlan.splitMix64(seed &+ UInt64(n)) % 253_402_300_800)  // up to 9999-12-31
            let text = HTTPDate.format(epochSeconds: seconds)
            #expect(HTTPDate.parse(text) == seconds, "\(seconds) → '\(text)'; seed \(seed)")
        }
        #expect(HTTPDate.format(epochSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Tue, 29 Feb 2000 00:00:00 GMT") != nil)
    }

    @Test func malformedDatesDoNotParse() {
        for text in [
            "", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994", "Sun, 6 Nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 19a4 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 06 Nov 1994 08:49:-7 GMT",
        ] {
            #expect(HTTPDate.parse(text) == nil, "'\(text)' parsed")
        }
    }
}
