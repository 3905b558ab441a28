import BlobIngress
import Crypto
import Foundation
import LiveDriver
import TestHarness
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A real ingress on 127.0.0.1 that a test can stop and start again on the same port and data directory.
final class IngressHandle: @unchecked Sendable {
    let directory: String
    let profile: IngressProfile
    private(set) var endpoint: BlobIngressEndpoint?
    private(set) var server: BlobIngressServer?
    private var task: Task<Void, Error>?

    init(directory: String, profile: IngressProfile = .init()) {
        self.directory = directory
        self.profile = profile
    }

    /// Starts the server (on `port`, or a free port the first time) and returns once it is listening.
    func start(port: Int = 0) async throws {
        let server = try BlobIngressServer(
            configuration: .init(port: port, dataDirectory: directory, profile: profile))
        let (ready, continuation) = AsyncStream.makeStream(of: BlobIngressEndpoint.self)
        task = Task {
            defer { continuation.finish() }
            try await server.run { continuation.yield($0) }
        }
        var iterator = ready.makeAsyncIterator()
        guard let endpoint = await iterator.next() else {
            let outcome = await task?.result
            throw TestFailure("server did not start: \(String(describing: outcome))")
        }
        self.endpoint = endpoint
        self.server = server
    }

    /// Stops the server and waits until it has stopped.
    func stop() async {
        task?.cancel()
        _ = await task?.result
        task = nil
    }

    var url: String { endpoint.map { "http://127.0.0.1:\($0.port)/\($0.account)" } ?? "http://127.0.0.1:1/replsim" }
    var port: Int { endpoint?.port ?? 0 }

    /// SHA-256 of the stored blob's bytes (read through the server's store), on a thread of its own: hashing a
    /// 2 GiB blob must not hold a thread of the pool the in-process servers of other tests run on.
    func blobDigest(container: String = "replsim-live", blob: String = "disk0", size: Int64) async throws -> String {
        guard let store = server?.store else { throw TestFailure("server not started") }
        return try await onOwnThread { try Self.digest(store, container: container, blob: blob, size: size) }
    }

    private static func digest(_ store: BlobStore, container: String, blob: String, size: Int64) throws -> String {
        var hasher = SHA256()
        var offset: Int64 = 0
        while offset < size {
            let length = Int(Swift.min(64 << 20, size - offset))
            let buffer = try store.read(container: container, blob: blob, offset: offset, length: length)
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            offset += Int64(length)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Runs `body` against a fresh ingress (stopped afterwards, also on failure).
func withIngress<T>(
    profile: IngressProfile = .init(), _ body: (IngressHandle, TempDirectory) async throws -> T
) async throws -> T {
    let dir = try TempDirectory()
    defer { dir.cleanUp() }
    let ingress = IngressHandle(directory: dir.file("blobs"), profile: profile)
    try await ingress.start()
    do {
        let result = try await body(ingress, dir)
        await ingress.stop()
        return result
    } catch {
        await ingress.stop()
        throw error
    }
}

/// SHA-256 of the file's bytes followed by zeros up to `size` (the page blob's rounded size), on a thread of its own.
func fileDigest(_ path: String, paddedTo size: Int64) async throws -> String {
    try await onOwnThread { try fileDigestBlocking(path, paddedTo: size) }
}

private func fileDigestBlocking(_ path: String, paddedTo size: Int64) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw TestFailure("cannot open \(path)") }
    defer { try? handle.close() }
    var hasher = SHA256()
    var total: Int64 = 0
    while let data = try handle.read(upToCount: 64 << 20), !data.isEmpty {
        hasher.update(data: data)
        total += Int64(data.count)
    }
    if size > total { hasher.update(data: Data(count: Int(size - total))) }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}

/// An uploader for `sources` against `ingress`.
func makeUploader(
    _ ingress: IngressHandle, sources: [String], threads: Int, chunkBytes: Int64 = 4 << 20,
    journal: String? = nil, compression: Int? = nil, checksum: ChunkChecksum = .crc64, seed: UInt64 = 0,
    deltaCycles: Int = 0, deltaIntervalNanos: Int64 = 30_000_000_000, targetRPONanos: Int64 = 900_000_000_000,
    churn: LiveChurn? = nil
) throws -> LiveUploader {
    try LiveUploader(
        configuration: LiveConfiguration(
            target: try LiveTarget(url: ingress.url), sources: sources, threads: threads, chunkBytes: chunkBytes,
            compressionLevel: compression, checksum: checksum, journalDirectory: journal, seed: seed,
            deltaCycles: deltaCycles, deltaIntervalNanos: deltaIntervalNanos, targetRPONanos: targetRPONanos,
            churn: churn))
}

/// Starts `replsim live` with `arguments` (output discarded), waits until its journal in `journal` holds `count`
/// records of kind `kind` (polled every 5 ms, not slept on blindly) and kills it with SIGKILL. Returns whether it
/// was still running when it was killed.
func killWhenJournalHolds(
    _ count: Int, _ kind: String, journal: String, arguments: [String]
) async throws -> Bool {
    let journalFile = (journal as NSString).appendingPathComponent("journal.jsonl")
    let run = try await withReplsim(arguments) { pid in
        var seen = 0
        while seen < count, let state = processState(pid), state != "Z" {
            try await Task.sleep(for: .milliseconds(5))
            let text = (try? String(contentsOfFile: journalFile, encoding: .utf8)) ?? ""
            seen = text.components(separatedBy: kind).count - 1
        }
        kill(pid, SIGKILL)
        return seen >= count
    }
    return run.value && run.result.signal == SIGKILL
}

/// The process's exit status once it has ended (set before `run()`; no busy wait).
func exitSignal(of process: Process) -> Task<Int32, Never> {
    let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
    process.terminationHandler = {
        continuation.yield($0.terminationStatus)
        continuation.finish()
    }
    return Task {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next() ?? -1
    }
}

/// Polls `condition` every 20 ms until it yields a value, for at most `limit`.
func poll<T>(
    _ what: String, within limit: Duration = .seconds(120), _ condition: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if let value = try await condition() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("gave up waiting for \(what) after \(limit)")
}

/// A real `replsim serve` process.
struct ServeProcess {
    let process: Process
    /// Its exit status once it has ended.
    let exit: Task<Int32, Never>

    var pid: pid_t { process.processIdentifier }

    func kill() { if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) } }
}

/// Starts `replsim serve --port 0` with `arguments`, its standard output and error going to the files `output` and
/// `errors`, and returns it with the endpoint it prints once listening (the container URL of a live target).
func startServe(_ arguments: [String], output: String, errors: String) async throws -> (ServeProcess, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try PackagePaths.replsim())
    process.arguments = ["serve", "--port", "0"] + arguments
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    _ = FileManager.default.createFile(atPath: errors, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
    let serve = ServeProcess(process: process, exit: exitSignal(of: process))
    try process.run()
    do {
        let endpoint = try await poll("serve to print its endpoint") {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").first { $0.hasPrefix("replsim serve: listening on ") }
                .map { String($0.dropFirst(28).prefix { $0 != " " }) }
        }
        return (serve, endpoint)
    } catch {
        serve.kill()
        throw error
    }
}
