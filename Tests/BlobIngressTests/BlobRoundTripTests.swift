import Compression
import Crypto
import Foundation
import TestHarness
import Testing

@testable import BlobIngress

@Suite struct BlobRoundTripTests {
    @Test func pageBlobUploadAndReadBack() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed: UInt64 = 21
        try await withServer(directory: dir.path) { client in
            #expect(try await client.createContainer("disks").status == 201)
            let created = try await client.createPageBlob("disks/vm1.vhd", size: 64 * 1024)
            #expect(created.status == 201)
            var expected = [UInt8](repeating: 0, count: 64 * 1024)
            let first = seededBytes(count: 8192, seed: seed)
            let second = seededBytes(count: 4096, seed: seed + 1)
            var crc = CRC64()
            crc.update(first)
            let md5 = Data(Insecure.MD5.hash(data: second)).base64EncodedString()
            let put1 = try await client.putPage(
                "disks/vm1.vhd",
                offset: 0,
                bytes: first,
                extraHeaders: [("x-ms-content-crc64", crc.headerValue)]
            )
            #expect(put1.status == 201, "reproduce with seed \(seed): \(String(decoding: put1.body, as: UTF8.self))")
            #expect(put1.header("x-ms-content-crc64") == crc.headerValue)
            #expect(put1.header("x-ms-request-id") != nil && put1.header("ETag") != nil)
            let put2 = try await client.putPage(
                "disks/vm1.vhd",
                offset: 32768,
                bytes: second,
                extraHeaders: [("Content-MD5", md5)]
            )
            #expect(put2.status == 201)
            #expect(put2.header("ETag") != put1.header("ETag"))
            expected.replaceSubrange(0..<8192, with: first)
            expected.replaceSubrange(32768..<36864, with: second)

            let whole = try await client.get("disks/vm1.vhd")
            #expect(whole.status == 200)
            #expect(whole.body == expected, "reproduce with seed \(seed)")
            #expect(whole.header("x-ms-blob-type") == "PageBlob")

            let ranged = try await client.get("disks/vm1.vhd", range: "bytes=4096-36863")
            #expect(ranged.status == 206)
            #expect(ranged.header("Content-Range") == "bytes 4096-36863/65536")
            #expect(ranged.body == Array(expected[4096...36863]), "reproduce with seed \(seed)")

            let head = try await client.send(.HEAD, "disks/vm1.vhd")
            #expect(head.status == 200 && head.header("Content-Length") == "65536" && head.body.isEmpty)

            let clear = try await client.send(
                .PUT,
                "disks/vm1.vhd",
                query: [("comp", "page")],
                headers: [("x-ms-page-write", "clear"), ("x-ms-range", "bytes=0-4095")]
            )
            #expect(clear.status == 201)
            expected.replaceSubrange(0..<4096, with: [UInt8](repeating: 0, count: 4096))
            #expect(try await client.get("disks/vm1.vhd").body == expected, "reproduce with seed \(seed)")

            #expect(try await client.send(.DELETE, "disks/vm1.vhd").status == 202)
            #expect(try await client.get("disks/vm1.vhd").errorCode == "BlobNotFound")
        }
    }

    @Test func blockBlobFromBlocksAndFromOnePut() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed: UInt64 = 5
        try await withServer(directory: dir.path) { client in
            _ = try await client.createContainer("logs")
            let parts = (0..<3).map { seededBytes(count: 10_000 + $0, seed: seed + UInt64($0)) }
            let ids = (0..<3).map { Data("block-\($0)".utf8).base64EncodedString() }
            for (part, id) in zip(parts, ids) {
                let put = try await client.send(
                    .PUT,
                    "logs/a/b.bin",
                    query: [("comp", "block"), ("blockid", id)],
                    body: part
                )
                #expect(put.status == 201, "\(String(decoding: put.body, as: UTF8.self))")
            }
            let list =
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>"
                + "<Latest>\(ids[2])</Latest><Latest>\(ids[0])</Latest><Uncommitted>\(ids[1])</Uncommitted></BlockList>"
            let commit = try await client.send(
                .PUT,
                "logs/a/b.bin",
                query: [("comp", "blocklist")],
                body: Array(list.utf8)
            )
            #expect(commit.status == 201, "\(String(decoding: commit.body, as: UTF8.self))")
            let expected = parts[2] + parts[0] + parts[1]
            let got = try await client.get("logs/a/b.bin")
            #expect(got.body == expected, "reproduce with seed \(seed)")
            #expect(got.header("x-ms-blob-type") == "BlockBlob")
            let tail = try await client.get("logs/a/b.bin", range: "bytes=25000-")
            #expect(tail.status == 206 && tail.body == Array(expected[25000...]))
            let past = try await client.get("logs/a/b.bin", range: "bytes=999999-")
            #expect(past.status == 416 && past.errorCode == "InvalidRange")

            let missing = try await client.send(
                .PUT,
                "logs/c.bin",
                query: [("comp", "blocklist")],
                body: Array("<BlockList><Latest>bm9uZQ==</Latest></BlockList>".utf8)
            )
            #expect(missing.status == 400 && missing.errorCode == "InvalidBlockList")

            let whole = seededBytes(count: 300_000, seed: seed + 10)
            let md5 = Data(Insecure.MD5.hash(data: whole)).base64EncodedString()
            let put = try await client.send(
                .PUT,
                "logs/one.bin",
                headers: [
                    ("x-ms-blob-type", "BlockBlob"),
                    ("Content-MD5", md5),
                ],
                body: whole
            )
            #expect(put.status == 201 && put.header("Content-MD5") == md5)
            let back = try await client.get("logs/one.bin")
            #expect(back.body == whole && back.header("Content-MD5") == md5, "reproduce with seed \(seed)")
        }
    }

    @Test func acknowledgedWritesSurviveARestart() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed: UInt64 = 77
        let page = seededBytes(count: 1 << 20, seed: seed)
        let block = seededBytes(count: 5000, seed: seed + 1)
        let etag = try await withServer(directory: dir.path) { client in
            _ = try await client.createContainer("disks")
            _ = try await client.createPageBlob("disks/d.vhd", size: 4 << 20)
            let put = try await client.putPage("disks/d.vhd", offset: 1 << 20, bytes: page)
            #expect(put.status == 201)
            let blob = try await client.send(
                .PUT,
                "disks/b.bin",
                headers: [("x-ms-blob-type", "BlockBlob")],
                body: block
            )
            #expect(blob.status == 201)
            return put.header("ETag")
        }
        try await withServer(directory: dir.path) { client in
            let got = try await client.get("disks/d.vhd", range: "bytes=\(1 << 20)-\((2 << 20) - 1)")
            #expect(got.status == 206 && got.body == page, "reproduce with seed \(seed)")
            #expect(got.header("ETag") == etag)
            #expect(try await client.get("disks/b.bin").body == block, "reproduce with seed \(seed)")
            #expect(try await client.createContainer("disks").errorCode == "ContainerAlreadyExists")
        }
    }
}
