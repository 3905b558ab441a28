import Compression
import Foundation
import TestHarness
import Testing

@testable import BlobIngress

/// Every refused request must leave the stored bytes exactly as they were.
@Suite struct BadRequestTests {
    static let seed: UInt64 = 1234

    /// A server with container "disks" holding page blob "d.vhd" (64 KiB) whose first 8 KiB are seeded bytes.
    func withSeededBlob(_ body: @Sendable @escaping (TestClient, [UInt8]) async throws -> Void) async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed = Self.seed
        try await withServer(directory: dir.path) { client in
            _ = try await client.createContainer("disks")
            _ = try await client.createPageBlob("disks/d.vhd", size: 65536)
            var expected = [UInt8](repeating: 0, count: 65536)
            let data = seededBytes(count: 8192, seed: seed)
            #expect(try await client.putPage("disks/d.vhd", offset: 0, bytes: data).status == 201)
            expected.replaceSubrange(0..<8192, with: data)
            try await body(client, expected)
            let after = try await client.get("disks/d.vhd")
            #expect(after.body == expected, "stored bytes changed; reproduce with seed \(seed)")
            let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path)
            #expect(
                files.allSatisfy { $0 == "containers" || $0 == "tmp" || $0.hasPrefix("containers/disks") },
                "files outside the container: \(files)"
            )
        }
    }

    @Test func misalignedPageRangeIs400InvalidPageRange() async throws {
        try await withSeededBlob { client, _ in
            for (offset, count) in [(100, 512), (0, 500), (512, 1000)] {
                let reply = try await client.putPage(
                    "disks/d.vhd",
                    offset: offset,
                    bytes: [UInt8](repeating: 7, count: count)
                )
                #expect(reply.status == 400 && reply.errorCode == "InvalidPageRange", "offset \(offset) count \(count)")
                #expect(String(decoding: reply.body, as: UTF8.self).contains("<Code>InvalidPageRange</Code>"))
            }
            let past = try await client.putPage("disks/d.vhd", offset: 65536, bytes: [UInt8](repeating: 7, count: 512))
            #expect(past.status == 416 && past.errorCode == "InvalidPageRange")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withSeededBlob { client, _ in
            let big = [UInt8](repeating: 9, count: 4 * 1_048_576 + 512)
            let reply = try await client.putPage("disks/d.vhd", offset: 0, bytes: big)
            #expect(reply.status == 413 && reply.errorCode == "RequestBodyTooLarge")
        }
    }

    /// A chunked Put Page body (no Content-Length, so only its arrival tells its size) shorter or longer than the
    /// page range is 400 InvalidHeaderValue, and nothing of it is written.
    @Test func chunkedBodyOfTheWrongSizeIs400() async throws {
        try await withSeededBlob { client, _ in
            for count in [512, 1536] {
                let reply = try await client.send(
                    .PUT,
                    "disks/d.vhd",
                    query: [("comp", "page")],
                    headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=0-1023")],
                    body: [UInt8](repeating: 9, count: count),
                    chunked: true
                )
                #expect(
                    reply.status == 400 && reply.errorCode == "InvalidHeaderValue",
                    "\(count) bytes for a 1024-byte range got \(reply.status) \(reply.errorCode ?? "-")"
                )
            }
            let right = try await client.send(
                .PUT,
                "disks/d.vhd",
                query: [("comp", "page")],
                headers: [("x-ms-page-write", "update"), ("x-ms-range", "bytes=16384-17407")],
                body: [UInt8](repeating: 0, count: 1024),
                chunked: true
            )
            #expect(right.status == 201, "a chunked body of the right size (zeros over zeros) got \(right.status)")
        }
    }

    @Test func unknownContainerIs404() async throws {
        try await withSeededBlob { client, _ in
            let put = try await client.putPage("nosuch/d.vhd", offset: 0, bytes: [UInt8](repeating: 1, count: 512))
            #expect(put.status == 404 && put.errorCode == "ContainerNotFound")
            let create = try await client.createPageBlob("nosuch/x.vhd", size: 512)
            #expect(create.status == 404 && create.errorCode == "ContainerNotFound")
            #expect(try await client.get("nosuch/d.vhd").errorCode == "ContainerNotFound")
        }
    }

    @Test func checksumMismatchesAre400() async throws {
        try await withSeededBlob { client, _ in
            let bytes = [UInt8](repeating: 3, count: 512)
            let wrongMD5 = Data(repeating: 0, count: 16).base64EncodedString()
            let md5 = try await client.putPage(
                "disks/d.vhd",
                offset: 0,
                bytes: bytes,
                extraHeaders: [("Content-MD5", wrongMD5)]
            )
            #expect(md5.status == 400 && md5.errorCode == "Md5Mismatch")
            var crc = CRC64()
            crc.update([UInt8](repeating: 4, count: 512))
            let crc64 = try await client.putPage(
                "disks/d.vhd",
                offset: 0,
                bytes: bytes,
                extraHeaders: [("x-ms-content-crc64", crc.headerValue)]
            )
            #expect(crc64.status == 400 && crc64.errorCode == "Crc64Mismatch")
        }
    }

    @Test func pathTraversalIsRejected() async throws {
        try await withSeededBlob { client, _ in
            let hostile = [
                "disks/..%2F..%2Fescape", "disks/%2e%2e/%2e%2e/escape", "disks/a/../../escape",
                "disks/nul%00byte", "disks/back%5Cslash", "..%2Fdisks/d.vhd", "disks//double",
            ]
            for path in hostile {
                let reply = try await client.send(
                    .PUT,
                    path,
                    headers: [("x-ms-blob-type", "BlockBlob")],
                    body: Array("owned".utf8)
                )
                #expect(reply.status == 400 || reply.status == 404, "\(path) got \(reply.status)")
                #expect(reply.status != 201, "\(path) was stored")
            }
        }
    }

    @Test func badNamesAreRefused() {
        for name in ["ab", "Upper", "-lead", "trail-", "dou--ble", String(repeating: "a", count: 64)] {
            #expect(throws: BlobServiceError.self, "\(name)") { try BlobNames.validateContainer(name) }
        }
        for name in ["", "..", "a/../b", "a//b", "./a", "a\u{0}b", "a\\b", String(repeating: "x", count: 1025)] {
            #expect(throws: BlobServiceError.self, "\(name.debugDescription)") { try BlobNames.validateBlob(name) }
        }
        #expect(BlobNames.fileStem(forBlob: "../../etc/passwd").count == 64)
    }
}
