import BlobIngress
import Foundation
import LiveDriver
import NIOConcurrencyHelpers
import TestHarness
import Testing
import UploadCore

/// The live client's retries: shown with their cause while they happen, given up after the retry policy's limit with
/// an error naming the server's answer or the connection error, and resumed cleanly once the cause is gone. Short
/// policies keep these fast; nothing here measures time.
@Suite("Live retries", .serialized)
struct RetryTests {
    /// Nothing listens on the port: the run gives up after exactly the policy's failures in a row, naming the refused
    /// connection, and every failure before that was reported to the progress callback with its cause.
    @Test func nothingListeningGivesUpNamingTheConnectError() async throws {
        let dir = try TempDirectory("retry")
        defer { dir.cleanUp() }
        let image = dir.file("image.img")
        try TestImage.generate(path: image, size: 1 << 20, seed: 3, dataShare: 1)
        let port = try unusedLoopbackPort()
        let seen = ProgressLog()
        let uploader = try LiveUploader(
            configuration: LiveConfiguration(
                target: try LiveTarget(url: "http://127.0.0.1:\(port)/replsim"), sources: [image], threads: 2,
                retryPolicy: LiveConfiguration.fastRetry(giveUpAfter: 3)))
        do {
            _ = try await uploader.run { seen.append($0) }
            Issue.record("the run succeeded with nothing listening on port \(port)")
        } catch let error as LiveError {
            guard case .gaveUp(let failures, let last) = error else {
                Issue.record("expected gaveUp, got \(error)")
                return
            }
            #expect(failures == 3)
            #expect(last.contains("127.0.0.1:\(port)") && last.contains("refused"), "\(last)")
            #expect(!error.isBadInput)
        }
        let failures = seen.all.map(\.failuresInARow)
        #expect(failures == [1, 2], "progress saw \(failures)")
        #expect(seen.all.allSatisfy { $0.giveUpAfter == 3 && ($0.lastFailure ?? "").contains("refused") })
    }

    /// Every request answered 500 InternalError: the run gives up naming the status, the error code and the request.
    @Test func serverAnsweringErrorsGivesUpNamingTheAnswer() async throws {
        let profile = IngressProfile(faults: FaultProfile(seed: 5, serverErrorShare: 1))
        try await withIngress(profile: profile) { ingress, dir in
            let image = dir.file("image.img")
            try TestImage.generate(path: image, size: 1 << 20, seed: 3, dataShare: 1)
            var configuration = LiveConfiguration(target: try LiveTarget(url: ingress.url), sources: [image])
            configuration.retryPolicy = LiveConfiguration.fastRetry(giveUpAfter: 2)
            let uploader = try LiveUploader(configuration: configuration)
            await #expect {
                _ = try await uploader.run()
            } throws: { error in
                "\(error)".contains("HTTP 500 InternalError to Create Container replsim-live")
                    && "\(error)".contains("gave up after 2 failures in a row")
            }
        }
    }

    /// Put Pages fail once the server is gone mid-upload: the core's policy gives up on the chunks, naming the
    /// connection error.
    @Test func serverGoneMidUploadGivesUp() async throws {
        // Every request held 20 ms, so the upload (64 chunks on one thread) is still running when the server stops.
        let profile = IngressProfile(faults: FaultProfile(seed: 1, slowShare: 1, slowMilliseconds: 20))
        let dir = try TempDirectory("retry")
        defer { dir.cleanUp() }
        let ingress = IngressHandle(directory: dir.file("blobs"), profile: profile)
        try await ingress.start()
        let image = dir.file("image.img")
        try TestImage.generate(path: image, size: 4 << 20, seed: 3, dataShare: 1)
        let stopped = NIOLockedValueBox<Task<Void, Never>?>(nil)
        let uploader = try LiveUploader(
            configuration: LiveConfiguration(
                target: try LiveTarget(url: ingress.url), sources: [image], threads: 1, chunkBytes: 64 << 10,
                retryPolicy: LiveConfiguration.fastRetry(giveUpAfter: 3)))
        var outcome: Error?
        do {
            _ = try await uploader.run { progress in
                guard progress.bytesAcknowledged > 0 else { return }
                stopped.withLockedValue { task in
                    if task == nil { task = Task { await ingress.stop() } }
                }
            }
        } catch {
            outcome = error
        }
        await stopped.withLockedValue { $0 }?.value
        await ingress.stop()
        guard case .gaveUp(3, let last) = outcome as? LiveError else {
            Issue.record("expected the run to give up after 3 failures, got \(String(describing: outcome))")
            return
        }
        #expect(last.contains("connection to 127.0.0.1:\(ingress.port)"), "\(last)")
    }

    /// The server starts only after the client has failed twice: the run goes on by itself and the blob arrives
    /// byte-identical; the progress line's failure is cleared once requests succeed.
    @Test func resumesOnceTheServerIsUp() async throws {
        let dir = try TempDirectory("retry")
        defer { dir.cleanUp() }
        let image = dir.file("image.img")
        let size: Int64 = 2 << 20
        try TestImage.generate(path: image, size: size, seed: 8, dataShare: 1)
        let port = try unusedLoopbackPort()
        let ingress = IngressHandle(directory: dir.file("blobs"))
        let starting = NIOLockedValueBox<Task<Void, Error>?>(nil)
        let seen = ProgressLog()
        let uploader = try LiveUploader(
            configuration: LiveConfiguration(
                target: try LiveTarget(url: "http://127.0.0.1:\(port)/replsim"), sources: [image], threads: 2,
                chunkBytes: 256 << 10, retryPolicy: LiveConfiguration.fastRetry(giveUpAfter: 40)))
        let report = try await uploader.run { progress in
            seen.append(progress)
            guard progress.failuresInARow >= 2 else { return }
            starting.withLockedValue { task in
                if task == nil { task = Task { try await ingress.start(port: port) } }
            }
        }
        try await starting.withLockedValue { $0 }?.value
        #expect(report.stats.bytesAcknowledged == size)
        #expect(try await ingress.blobDigest(size: size) == fileDigest(image, paddedTo: size))
        #expect(seen.all.contains { $0.failuresInARow >= 2 && ($0.lastFailure ?? "").contains("refused") })
        #expect(seen.all.last?.lastFailure == nil && seen.all.last?.failuresInARow == 0)
        await ingress.stop()
    }

    /// The command: nothing listening → the progress line shows the retries and their cause, exit 1 with the cause.
    @Test func commandShowsRetriesAndExitsOne() async throws {
        let dir = try TempDirectory("retry")
        defer { dir.cleanUp() }
        let port = try unusedLoopbackPort()
        let finished = try await runReplsim([
            "live", "--target", "http://127.0.0.1:\(port)/replsim", "--generate", "1MiB", "--generate-path",
            dir.file("g.img"), "--max-failures", "3", "--out", dir.file("out"),
        ])
        #expect(finished.status == 1, "\(finished.stderr)")
        #expect(finished.stderr.contains("retrying (2 of 3 failures in a row): connection to 127.0.0.1:\(port)"),
                "\(finished.stderr)")
        #expect(finished.stderr.contains("error: gave up after 3 failures in a row"), "\(finished.stderr)")
    }
}

/// Progress updates seen by a callback (called from the uploader's actor).
final class ProgressLog: Sendable {
    private let box = NIOLockedValueBox<[LiveProgress]>([])
    func append(_ progress: LiveProgress) { box.withLockedValue { $0.append(progress) } }
    var all: [LiveProgress] { box.withLockedValue { $0 } }
}

/// A loopback TCP port with nothing listening on it: bound to pick a free one, then closed.
func unusedLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestFailure("bind: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
