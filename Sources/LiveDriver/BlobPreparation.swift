import NIOCore
import UploadCore

/// Creates the container and the page blobs before the first chunk (idempotent on resume).
enum BlobPreparation {
    /// A fresh run creates the container (an existing one is fine) and (re)creates each page blob with Put Blob,
    /// which leaves it all zeros. A resumed run only checks, with Get Blob Properties, that each blob exists with
    /// its size: re-creating it would erase the pages the journal says are acknowledged.
    /// Connection errors and 5xx answers (a server still starting, injected faults, a full disk) are retried under
    /// the run's retry policy, as the core retries chunks: `onFailure(failures in a row, cause)` after each.
    /// - Throws: ``LiveError/rejected(request:status:errorCode:)``, ``LiveError/journalMismatch(path:reason:)``, or
    ///   ``LiveError/gaveUp(consecutiveFailures:last:)`` when the policy gives up.
    static func prepare(
        connection: PageBlobConnection, container: String, diskBytes: [Int64], resuming: Bool,
        retryPolicy: RetryPolicy, seed: UInt64, onFailure: @escaping @Sendable (Int, String) async -> Void
    ) async throws {
        var retry = Retrying(connection: connection, policy: retryPolicy, seed: seed, onFailure: onFailure)
        if !resuming {
            let reply = try await retry.send("Create Container \(container)") {
                try await connection.send(.PUT, container, query: [("restype", "container")])
            }
            guard reply.status == 201 || reply.status == 409 else {
                throw LiveError.rejected(
                    request: "Create Container \(container)", status: reply.status,
                    errorCode: reply.errorCode)
            }
        }
        for (disk, size) in diskBytes.enumerated() {
            let blob = "\(container)/\(LiveConfiguration.blobName(disk: disk))"
            if resuming {
                let reply = try await retry.send("Get Blob Properties \(blob)") { try await connection.send(.HEAD, blob) }
                let stored = reply.headers.first(name: "content-length").flatMap { Int64($0) }
                guard reply.status == 200, stored == size else {
                    throw LiveError.journalMismatch(
                        path: blob,
                        reason: "the journal has progress but the blob is "
                            + (reply.status == 200
                                ? "\(stored ?? -1) bytes, not \(size)" : "missing (HTTP \(reply.status))")
                            + "; remove the journal directory to start over")
                }
            } else {
                let reply = try await retry.send("Put Blob \(blob)") {
                    try await connection.send(
                        .PUT, blob, headers: [("x-ms-blob-type", "PageBlob"), ("x-ms-blob-content-length", "\(size)")])
                }
                guard reply.status == 201 else {
                    throw LiveError.rejected(
                        request: "Put Blob \(blob)", status: reply.status, errorCode: reply.errorCode)
                }
            }
        }
    }

}

/// The retry loop of the requests before the first chunk, under the upload core's ``RetryPolicy`` (its delays, its
/// jitter from a seeded generator, its `maxAttempts`); a success resets the count, as in the core.
private struct Retrying {
    let connection: PageBlobConnection
    let policy: RetryPolicy
    var generator: SplitMix64
    let onFailure: @Sendable (Int, String) async -> Void
    var failures = 0

    init(
        connection: PageBlobConnection, policy: RetryPolicy, seed: UInt64,
        onFailure: @escaping @Sendable (Int, String) async -> Void
    ) {
        self.connection = connection
        self.policy = policy
        self.generator = SplitMix64(seed: seed)
        self.onFailure = onFailure
    }

    mutating func send(_ request: String, _ body: () async throws -> BlobReply) async throws -> BlobReply {
        while true {
            let cause: String
            do {
                let reply = try await body()
                if reply.status < 500 {
                    failures = 0
                    return reply
                }
                cause = reply.answer(to: request)
            } catch {
                cause = connection.describe(error)
            }
            failures += 1
            if let limit = policy.maxAttempts, failures >= limit {
                throw LiveError.gaveUp(consecutiveFailures: failures, last: cause)
            }
            await onFailure(failures, cause)
            let delay = policy.delay(afterFailures: failures, using: &generator)
            try await Task.sleep(for: .nanoseconds(delay))
        }
    }
}
