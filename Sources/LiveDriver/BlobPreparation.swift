import NIOCore

/// Creates the container and the page blobs before the first chunk (idempotent on resume).
enum BlobPreparation {
    /// A fresh run creates the container (an existing one is fine) and (re)creates each page blob with Put Blob,
    /// which leaves it all zeros. A resumed run only checks, with Get Blob Properties, that each blob exists with
    /// its size: re-creating it would erase the pages the journal says are acknowledged.
    /// - Throws: ``LiveError/rejected(request:status:errorCode:)`` or ``LiveError/journalMismatch(path:reason:)``;
    ///   connection errors are retried a few times (the server may still be starting).
    static func prepare(
        connection: PageBlobConnection, container: String, diskBytes: [Int64], resuming: Bool
    ) async throws {
        if !resuming {
            let reply = try await retrying {
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
                let reply = try await retrying { try await connection.send(.HEAD, blob) }
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
                let reply = try await retrying {
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

    /// Up to 20 attempts 100 ms apart for connection errors and 5xx (injected faults, a restarting server).
    private static func retrying(_ body: () async throws -> BlobReply) async throws -> BlobReply {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let reply = try await body()
                if reply.status < 500 || attempt >= 20 { return reply }
            } catch {
                if attempt >= 20 { throw error }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
