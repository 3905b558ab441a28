import Foundation
import Testing

@testable import BlobIngress

#if canImport(Glibc)
    import Glibc
#endif

/// A real full volume: a 4 MiB tmpfs mounted for the test (needs root, as in the CI container; otherwise the
/// suite is skipped and says why).
struct SmallVolume {
    let path: String

    /// Mounts a tmpfs of `bytes` on a fresh directory, or nil when this process may not mount.
    init?(bytes: Int) {
        path = NSTemporaryDirectory() + "replsim-full-\(UUID().uuidString)"
        guard mkdir(path, 0o755) == 0 else { return nil }
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(bytes)") == 0 else {
            rmdir(path)
            return nil
        }
    }

    func unmount() {
        umount2(path, Int32(MNT_DETACH))
        rmdir(path)
    }

    static let canMount: Bool = {
        guard let probe = SmallVolume(bytes: 1 << 20) else { return false }
        probe.unmount()
        return true
    }()
}

@Suite(.enabled(if: SmallVolume.canMount, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
struct FullVolumeTests {
    static let seed: UInt64 = 4096

    /// Writes 256 KiB pages until the volume is full: the refused write is 507 InsufficientStorage (not 500),
    /// a block blob upload is refused the same way and leaves no temp file, every acknowledged page reads back
    /// byte-identical (also after a restart), and once space is freed the refused write succeeds.
    @Test func fullVolumeIs507AndHarmsNothingStored() async throws {
        let volume = try #require(SmallVolume(bytes: 4 << 20))
        defer { volume.unmount() }
        let page = 256 << 10
        let seed = Self.seed
        let acknowledged = try await withServer(directory: volume.path) { client -> Int in
            #expect(try await client.createContainer("disks").status == 201)
            #expect(try await client.createPageBlob("disks/d.vhd", size: 64 << 20).status == 201)
            var written = 0
            var refusal: Reply?
            while written < 64 << 20 {
                let bytes = seededBytes(count: page, seed: seed &+ UInt64(written))
                let reply = try await client.putPage("disks/d.vhd", offset: written, bytes: bytes)
                guard reply.status == 201 else {
                    refusal = reply
                    break
                }
                written += page
            }
            let refused = try #require(refusal, "64 MiB fit on a 4 MiB volume")
            #expect(refused.status == 507 && refused.errorCode == "InsufficientStorage", "seed \(seed)")
            #expect(written > 0)
            let block = try await client.send(
                .PUT,
                "disks/b.bin",
                headers: [("x-ms-blob-type", "BlockBlob")],
                body: seededBytes(count: 4 << 20, seed: seed)
            )
            #expect(block.status == 507 && block.errorCode == "InsufficientStorage")
            #expect(try FileManager.default.contentsOfDirectory(atPath: volume.path + "/tmp").isEmpty)
            try await Self.expectPages(client, count: written / page, page: page, seed: seed)
            // Free space by clearing the first acknowledged page; the refused write then succeeds.
            let clear = try await client.send(
                .PUT,
                "disks/d.vhd",
                query: [("comp", "page")],
                headers: [("x-ms-page-write", "clear"), ("x-ms-range", "bytes=0-\(page - 1)")]
            )
            #expect(clear.status == 201)
            let retry = try await client.putPage("disks/d.vhd", offset: 0, bytes: seededBytes(count: page, seed: seed))
            #expect(retry.status == 201, "after freeing space: \(retry.status) \(retry.errorCode ?? "-")")
            return written
        }
        // A restart over the full volume loads every sidecar, and the pages are still there.
        try await withServer(directory: volume.path) { client in
            try await Self.expectPages(client, count: acknowledged / page, page: page, seed: seed)
        }
    }

    static func expectPages(_ client: TestClient, count: Int, page: Int, seed: UInt64) async throws {
        for index in 0..<count {
            let offset = index * page
            let reply = try await client.get("disks/d.vhd", range: "bytes=\(offset)-\(offset + page - 1)")
            #expect(
                reply.body == seededBytes(count: page, seed: seed &+ UInt64(offset)),
                "acknowledged page at \(offset) changed; seed \(seed)"
            )
        }
    }
}
