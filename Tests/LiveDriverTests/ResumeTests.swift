import Foundation
import LiveDriver
import TestHarness
import Testing
import UploadCore

/// `replsim live` killed with SIGKILL and started again with the same journal.
@Suite("Kill and resume", .serialized)
struct ResumeTests {
    /// Kill once the journal holds 40 acknowledgements (polled, not slept on), then resume: the blob is
    /// byte-identical and the bytes sent again are at most threads × chunk.
    @Test func sigkillThenResume() async throws {
        try await withIngress { ingress, dir in
            let size: Int64 = 96 << 20
            let chunk: Int64 = 64 << 10
            let threads = 4
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: size, seed: 21, dataShare: 1)
            let journal = dir.file("journal")
            let arguments = [
                "live", "--target", ingress.url, "--threads", "\(threads)", "--source", image, "--journal", journal,
                "--chunk-size", "64KiB", "--out", dir.file("out"), "--quiet",
            ]
            let killed = try await killWhenJournalHolds(40, "chunkAcknowledged", journal: journal, arguments: arguments)
            #expect(killed, "the upload finished before it could be killed; make the image larger")

            let resumed = try await runReplsim(arguments)
            #expect(resumed.status == 0, "resume failed: \(resumed.stderr)")
            let line = resumed.stdout.split(separator: "\n").first { $0.hasPrefix("bytes re-sent: ") }
            let resent = try #require(line.flatMap { Int64($0.dropFirst(15).prefix { $0.isNumber }) })
            #expect(resent <= Int64(threads) * chunk, "re-sent \(resent) bytes")
            #expect(resumed.stdout.contains("resumed with"))
            #expect(try await ingress.blobDigest(size: size) == fileDigest(image, paddedTo: size))
            let result = try String(contentsOfFile: dir.file("out/result.json"), encoding: .utf8)
            #expect(result.contains("\"mode\" : \"live\"") || result.contains("\"mode\":\"live\""))
        }
    }
}

/// The file journal on its own.
@Suite("Journal file")
struct JournalTests {
    let record = JournalRecord.chunkAcknowledged(
        ChunkRecord(id: ChunkID(0), disk: 0, offset: 0, length: 512, purpose: .initial))

    @Test func tornLastLineIsDroppedAndTruncated() throws {
        let dir = try TempDirectory("journal")
        defer { dir.cleanUp() }
        let journal = try LiveJournal(directory: dir.path)
        _ = try journal.load()
        try journal.append(record)
        try journal.append(record)
        let handle = try #require(FileHandle(forWritingAtPath: journal.path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"chunkAckno".utf8))
        try handle.close()
        let reopened = try LiveJournal(directory: dir.path)
        #expect(try reopened.load() == [record, record])
        try reopened.append(record)
        #expect(try LiveJournal(directory: dir.path).load() == [record, record, record])
    }

    @Test func badLineInTheMiddleIsAnError() throws {
        let dir = try TempDirectory("journal")
        defer { dir.cleanUp() }
        let journal = try LiveJournal(directory: dir.path)
        _ = try journal.load()
        try journal.append(record)
        let handle = try #require(FileHandle(forWritingAtPath: journal.path))
        handle.seekToEndOfFile()
        handle.write(Data("garbage\n".utf8))
        try handle.close()
        try journal.append(record)
        #expect(throws: LiveError.badJournal(path: journal.path, reason: "line 2 is not a journal record")) {
            _ = try LiveJournal(directory: dir.path).load()
        }
    }

    @Test func manifestMismatchIsRefused() throws {
        let dir = try TempDirectory("journal")
        defer { dir.cleanUp() }
        try LiveManifest(diskBytes: [1024], blobs: ["disk0"], container: "c1c").writeOrCheck(in: dir.path)
        try LiveManifest(diskBytes: [1024], blobs: ["disk0"], container: "c1c").writeOrCheck(in: dir.path)
        #expect(throws: LiveError.self) {
            try LiveManifest(diskBytes: [2048], blobs: ["disk0"], container: "c1c").writeOrCheck(in: dir.path)
        }
    }
}
