import BlobIngress
import Foundation
import LiveDriver
import Testing

/// End-to-end uploads of generated images to a real ingress on 127.0.0.1.
@Suite("Live uploads", .serialized)
struct UploadTests {
    /// A 2 GiB sparse image (plus 300 bytes, so the blob is rounded up to 512) with 1, 4 and 32 threads: the blob
    /// is byte-identical to the source, and every used byte was acknowledged exactly once.
    @Test(arguments: [1, 4, 32])
    func sparseImageArrivesIdentical(threads: Int) async throws {
        try await withIngress { ingress, dir in
            let seed = UInt64(100 + threads)
            let size: Int64 = (2 << 30) + 300
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: size, seed: seed, dataShare: 0.02)
            let uploader = try makeUploader(ingress, sources: [image], threads: threads)
            let report = try await uploader.run()
            let blobSize = (size + 511) / 512 * 512
            let expected = try fileDigest(image, paddedTo: blobSize)
            let stored = try ingress.blobDigest(size: blobSize)
            #expect(stored == expected, "blob differs from the source; reproduce with seed \(seed)")
            let used = uploader.usedBytesPerDisk.reduce(0, +)
            #expect(used > 0 && used < size / 10, "expected a sparse image, used \(used)")
            #expect(report.stats.bytesAcknowledged == used)
            #expect(report.stats.chunksAcknowledged == report.stats.chunksStarted)
            #expect(report.bytesResent == 0)
        }
    }

    /// A profile with a low per-blob request rate throttles the upload (503 + Retry-After); nothing is lost
    /// or acknowledged twice.
    @Test func throttlingStormLosesNothing() async throws {
        let profile = IngressProfile(perBlobRequestsPerSecond: 40, burstSeconds: 0.5)
        try await withIngress(profile: profile) { ingress, dir in
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: 24 << 20, seed: 7, dataShare: 1)
            let uploader = try makeUploader(ingress, sources: [image], threads: 8, chunkBytes: 256 << 10)
            let report = try await uploader.run()
            #expect(report.stats.throttledResponses > 0, "the profile should have throttled")
            #expect(try ingress.blobDigest(size: 24 << 20) == fileDigest(image, paddedTo: 24 << 20))
            #expect(report.stats.bytesAcknowledged == 24 << 20)
            #expect(report.stats.chunksAcknowledged == 96)
        }
    }

    /// Injected resets and 500s: every chunk is retried until acknowledged; the blob is identical.
    @Test func resetsAndServerErrorsLoseNothing() async throws {
        let seed: UInt64 = 11
        let profile = IngressProfile(faults: FaultProfile(seed: seed, resetShare: 0.1, serverErrorShare: 0.1))
        try await withIngress(profile: profile) { ingress, dir in
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: 32 << 20, seed: seed, dataShare: 1)
            let uploader = try makeUploader(ingress, sources: [image], threads: 4, chunkBytes: 256 << 10)
            let report = try await uploader.run()
            #expect(report.stats.connectionResets > 0, "reproduce with seed \(seed)")
            #expect(report.stats.serverErrors > 0, "reproduce with seed \(seed)")
            #expect(report.stats.bytesResentAfterFailure > 0)
            #expect(try ingress.blobDigest(size: 32 << 20) == fileDigest(image, paddedTo: 32 << 20))
            #expect(report.stats.bytesAcknowledged == 32 << 20, "acknowledged once each; seed \(seed)")
        }
    }

    /// The server stops mid-upload and starts again on the same port and data directory: the upload
    /// completes and the blob is identical.
    @Test func serverRestartMidUpload() async throws {
        try await withIngress { ingress, dir in
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: 64 << 20, seed: 5, dataShare: 1)
            let uploader = try makeUploader(ingress, sources: [image], threads: 4, chunkBytes: 256 << 10)
            let (halfway, signal) = AsyncStream.makeStream(of: Void.self)
            let upload = Task { try await uploader.run { if $0.bytesAcknowledged >= 16 << 20 { signal.yield() } } }
            var iterator = halfway.makeAsyncIterator()
            _ = await iterator.next()
            let port = ingress.port
            await ingress.stop()
            try await ingress.start(port: port)
            let report = try await upload.value
            #expect(report.stats.connectionResets + report.stats.timeouts > 0, "the restart should have been seen")
            #expect(try ingress.blobDigest(size: 64 << 20) == fileDigest(image, paddedTo: 64 << 20))
            #expect(report.stats.bytesAcknowledged == 64 << 20)
        }
    }

    /// Compression is measured per chunk (ratio below 1 for the generated image's compressible half) while
    /// the blob still holds the raw bytes.
    @Test func compressionIsMeasuredAndBytesStayRaw() async throws {
        try await withIngress { ingress, dir in
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: 16 << 20, seed: 3, dataShare: 1)
            let uploader = try makeUploader(ingress, sources: [image], threads: 2, compression: 1)
            let report = try await uploader.run()
            let ratio = try #require(report.compressionRatio)
            #expect(ratio > 0.2 && ratio < 0.95, "ratio \(ratio)")
            #expect(try ingress.blobDigest(size: 16 << 20) == fileDigest(image, paddedTo: 16 << 20))
            let result = report.runResult(id: "run", parameters: [])
            #expect(result.live?.compressionRatio == ratio)
            #expect(result.bytesPayload == 16 << 20)
        }
    }
}
