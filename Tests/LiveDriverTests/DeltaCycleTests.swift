import BlobIngress
import Foundation
import LiveDriver
import TestHarness
import Testing

/// Delta cycles after initial replication, with a writer changing the image meanwhile, against a real ingress on
/// 127.0.0.1.
@Suite("Live delta cycles", .serialized)
struct DeltaCycleTests {
    /// The writer changes the image during initial replication and the cycles; three cycles 300 ms apart follow
    /// initial replication. When the last one commits the blob equals the source byte for byte, every cycle is a
    /// committed recovery point, and what the writer changed was sent.
    @Test func churnDuringReplicationArrivesInTheCycles() async throws {
        let seed: UInt64 = 31
        try await withIngress { ingress, dir in
            let image = dir.file("image.img")
            let size: Int64 = 32 << 20
            try TestImage.generate(path: image, size: size, seed: seed, dataShare: 0.5)
            let uploader = try makeUploader(
                ingress, sources: [image], threads: 4, chunkBytes: 1 << 20, seed: seed, deltaCycles: 3,
                deltaIntervalNanos: 300_000_000, targetRPONanos: 5_000_000_000,
                churn: LiveChurn(bytesPerSecond: 8 * 1_048_576, writeBytes: 64 << 10))
            let report = try await uploader.run()
            #expect(try await ingress.blobDigest(size: size) == fileDigest(image, paddedTo: size), "seed \(seed)")
            // Three cycles sealed by the timer after initial replication. On a loaded machine the writer can pile up
            // half the disk of pending change meanwhile, and a resync then replaces the uncommitted cycles (as it
            // should), so only the last one is sure to be a committed recovery point.
            let seeded = try #require(report.stats.initialReplicationCompletedAt.compactMap { $0 }.max())
            let timerSealed = report.stats.cycles.filter { $0.kind == .delta && $0.sealedAt > seeded }
            #expect(timerSealed.count == 3, "seed \(seed): \(report.stats.cycles)")
            let cycles = try #require(report.cycles)
            #expect(cycles.committed >= 1 && cycles.committed == cycles.count, "seed \(seed): \(cycles)")
            #expect(cycles.rpoSeconds.max >= 0.3, "an RPO is at least the interval: \(cycles)")
            #expect(report.churnBytes > 0, "seed \(seed)")
            #expect(
                report.stats.bytesAcknowledged > report.initialReplicationBytes,
                "the changes were sent: \(report.stats.bytesAcknowledged) vs \(report.initialReplicationBytes)")
            #expect(report.initialReplicationSeconds != nil)
            let result = report.runResult(id: "run", parameters: [])
            #expect(result.cycles == cycles)
            #expect(result.initialReplication?.bytesToCopy == uploader.usedBytesPerDisk.reduce(0, +))
            // The per-phase fields, through the statistics simulated runs use: initial replication measured (not
            // estimated) with its throughput, the cycles with their violations against the 5 s target.
            let initial = try #require(result.initialReplication)
            let seconds = try #require(report.initialReplicationSeconds)
            #expect(initial.timeSeconds == seconds && initial.perVMTimeSeconds == [seconds], "\(initial)")
            #expect(initial.timeIsEstimate == false && initial.bytesLeft == 0, "\(initial)")
            #expect(initial.throughputBitsPerSecond == Double(report.initialReplicationBytes) * 8 / seconds)
            #expect(initial.perVMThroughputBitsPerSecond == [initial.throughputBitsPerSecond])
            let violations = try #require(cycles.violations)
            #expect((violations.count > 0) == (cycles.rpoSeconds.max > 5), "\(cycles)")
        }
    }

    /// A share of requests is held 300 ms by the server before it applies them, longer than the 100 ms between
    /// cycles, and the writer keeps hitting the same few blocks of a small image, so a newer cycle's send of some
    /// bytes would overtake an older one's still waiting at the server; the core starts no chunk that overlaps one
    /// in flight, so the newest bytes land last and the blob ends equal to the source. (Resyncs happen here: the
    /// pending changes pass half the disk; they must keep the order too.)
    @Test func slowRequestsDoNotLetOldBytesLandLast() async throws {
        let seed: UInt64 = 43
        let profile = IngressProfile(faults: FaultProfile(seed: seed, slowShare: 0.3, slowMilliseconds: 300))
        try await withIngress(profile: profile) { ingress, dir in
            let image = dir.file("image.img")
            let size: Int64 = 1 << 20
            try TestImage.generate(path: image, size: size, seed: seed, dataShare: 1)
            let uploader = try makeUploader(
                ingress, sources: [image], threads: 8, chunkBytes: 64 << 10, seed: seed, deltaCycles: 8,
                deltaIntervalNanos: 100_000_000, churn: LiveChurn(bytesPerSecond: 2 * 1_048_576, writeBytes: 64 << 10))
            let report = try await uploader.run()
            #expect(try await ingress.blobDigest(size: size) == fileDigest(image, paddedTo: size), "seed \(seed)")
            #expect(report.churnBytes > 0)
        }
    }

    /// Without a writer the cycles are empty recovery points: nothing is sent after initial replication.
    @Test func cyclesWithoutChangesSendNothing() async throws {
        try await withIngress { ingress, dir in
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: 8 << 20, seed: 2, dataShare: 1)
            let uploader = try makeUploader(
                ingress, sources: [image], threads: 2, deltaCycles: 2, deltaIntervalNanos: 100_000_000)
            let report = try await uploader.run()
            let cycles = try #require(report.cycles)
            #expect(cycles.committed == 2, "\(cycles)")
            #expect(report.stats.bytesAcknowledged == 8 << 20)
            #expect(report.churnBytes == 0)
            #expect(try await ingress.blobDigest(size: 8 << 20) == fileDigest(image, paddedTo: 8 << 20))
        }
    }
}

/// A delta run with a writer, killed with SIGKILL after its first recovery point and started again with the same
/// command and journal.
@Suite("Kill and resume with delta cycles", .serialized)
struct DeltaResumeTests {
    /// The second process cannot know what the first one's writer changed since the last sealed cycle, so it sends
    /// every disk again; the blob ends byte-identical to the (regenerated, then changed again) image.
    @Test func sigkillDuringCyclesThenResume() async throws {
        try await withIngress { ingress, dir in
            let image = dir.file("image.img")
            let journal = dir.file("journal")
            let arguments = [
                "live", "--target", ingress.url, "--threads", "4", "--generate", "48MiB", "--generate-path", image,
                "--generate-data-share", "0.5", "--generate-seed", "41", "--cycles", "5", "--delta-every", "300ms",
                "--churn", "16MiB/s", "--chunk-size", "1MiB", "--journal", journal, "--out", dir.file("out"),
                "--quiet",
            ]
            let killed = try await killWhenJournalHolds(1, "cycleCommitted", journal: journal, arguments: arguments)
            #expect(killed, "the run ended before it could be killed (seed 41)")

            let resumed = try await runReplsim(arguments)
            #expect(resumed.status == 0, "resume failed: \(resumed.stderr)")
            #expect(resumed.stdout.contains("resumed with"), "stdout: \(resumed.stdout)")
            #expect(resumed.stdout.contains("delta cycles: "), "stdout: \(resumed.stdout)")
            #expect(
                try await ingress.blobDigest(size: 48 << 20) == fileDigest(image, paddedTo: 48 << 20),
                "blob differs from the image after resume (seed 41)")
        }
    }
}
