import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Durable blob storage under one data directory. Blocking (POSIX I/O): call it off the event loops and off
/// Swift's cooperative pool (``BlobIngressServer`` uses `NIOThreadPool`).
///
/// Layout: `containers/<name>/` per container (names are validated to `[a-z0-9-]`), and per blob
/// `<sha256(name)>.json` (``BlobProperties`` sidecar, written to a temp file, fsynced, renamed),
/// `<sha256(name)>.data` (page blob: a sparse file of the blob's size, written with `pwrite`; block blob: the
/// committed content) and `<sha256(name)>.blocks/<hex block id>` (staged and committed blocks).
/// Promise: when a write method returns (with `syncWrites`), its bytes and metadata survive a crash or restart.
/// - Complexity: opening scans every sidecar once, O(blobs); each call is O(1) in the number of blobs plus its I/O.
public final class BlobStore: @unchecked Sendable {
    public let root: String
    public let syncWrites: Bool
    let lock = NIOLock()
    /// Page writes (Put Page) bypass the page cache where the file system allows it.
    let directWrites = DirectWrites()
    // Guarded by `lock`.
    var containers: [String: [String: BlobProperties]] = [:]
    var etagCounter: UInt64 = 0
    var tempCounter: UInt64 = 0

    /// Opens (creating if needed) the store at `directory`, loading every container and sidecar.
    /// - Throws: ``BlobStoreError`` naming the path that could not be created or read.
    public init(directory: String, syncWrites: Bool = true) throws {
        root = (directory as NSString).standardizingPath
        self.syncWrites = syncWrites
        let fm = FileManager.default
        for dir in [containersPath, tempPath] {
            do {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw BlobStoreError(path: dir, problem: "cannot create directory: \(error.localizedDescription)")
            }
        }
        for leftover in (try? fm.contentsOfDirectory(atPath: tempPath)) ?? [] {
            try? fm.removeItem(atPath: tempPath + "/" + leftover)
        }
        for container in try fm.contentsOfDirectory(atPath: containersPath) {
            guard (try? BlobNames.validateContainer(container)) != nil else { continue }
            var blobs: [String: BlobProperties] = [:]
            let dir = containerPath(container)
            for file in try fm.contentsOfDirectory(atPath: dir) where file.hasSuffix(".json") {
                let path = dir + "/" + file
                guard let data = fm.contents(atPath: path) else {
                    throw BlobStoreError(path: path, problem: "cannot read sidecar")
                }
                do {
                    let properties = try JSONDecoder().decode(BlobProperties.self, from: data)
                    blobs[properties.name] = properties
                    etagCounter = Swift.max(etagCounter, properties.etagCounter)
                } catch {
                    throw BlobStoreError(path: path, problem: "corrupt sidecar: \(error)")
                }
            }
            containers[container] = blobs
        }
    }

    var containersPath: String { root + "/containers" }
    var tempPath: String { root + "/tmp" }
    func containerPath(_ container: String) -> String { containersPath + "/" + container }
    func stemPath(_ container: String, _ blob: String) -> String {
        containerPath(container) + "/" + BlobNames.fileStem(forBlob: blob)
    }
    func dataPath(_ container: String, _ blob: String) -> String { stemPath(container, blob) + ".data" }
    func blocksPath(_ container: String, _ blob: String) -> String { stemPath(container, blob) + ".blocks" }

    /// A fresh path under the store's temp directory (same file system, so `rename` into place is atomic).
    public func makeTempPath() -> String { lock.withLock { makeTempPathLocked() } }

    // Caller holds `lock`.
    func makeTempPathLocked() -> String {
        tempCounter += 1
        return tempPath + "/t\(getpid())-\(tempCounter)"
    }

    // MARK: containers

    /// Creates a container; 409 ContainerAlreadyExists if it exists.
    public func createContainer(_ name: String) throws {
        try BlobNames.validateContainer(name)
        try lock.withLock {
            guard containers[name] == nil else {
                throw BlobServiceError(.containerAlreadyExists, "The specified container already exists.")
            }
            try FileIO.makeDirectory(containerPath(name))
            if syncWrites { try FileIO.syncDirectory(containersPath) }
            containers[name] = [:]
        }
    }

    public func containerExists(_ name: String) -> Bool { lock.withLock { containers[name] != nil } }

    // MARK: reading

    /// The blob's properties; 404 ContainerNotFound / BlobNotFound.
    public func properties(container: String, blob: String) throws -> BlobProperties {
        try lock.withLock { try lookup(container, blob) }
    }

    /// Reads `length` bytes at `offset` (the caller clamps to the blob's size); holes read as zeros.
    public func read(container: String, blob: String, offset: Int64, length: Int) throws -> ByteBuffer {
        let path = lock.withLock { dataPath(container, blob) }
        var buffer = ByteBuffer(repeating: 0, count: length)
        try buffer.withUnsafeMutableReadableBytes { try FileIO.pread(path: path, offset: offset, into: $0) }
        return buffer
    }

    // Caller holds `lock`.
    func lookup(_ container: String, _ blob: String) throws -> BlobProperties {
        guard let blobs = containers[container] else {
            throw BlobServiceError(.containerNotFound, "The specified container does not exist.")
        }
        guard let properties = blobs[blob] else {
            throw BlobServiceError(.blobNotFound, "The specified blob does not exist.")
        }
        return properties
    }

    // Caller holds `lock`.
    func requireContainer(_ container: String) throws {
        guard containers[container] != nil else {
            throw BlobServiceError(.containerNotFound, "The specified container does not exist.")
        }
    }

    // Caller holds `lock`. Bumps the ETag, stores the record and writes its sidecar: temp file, fsync (with
    // `syncWrites`), rename, so after a crash the sidecar is the old or the new one, never torn. `syncDirectory`
    // also makes the rename itself durable (needed when the blob is new; a page write only changes the ETag).
    func record(_ properties: BlobProperties, container: String, syncDirectory: Bool) throws -> BlobProperties {
        var updated = properties
        etagCounter += 1
        updated.etagCounter = etagCounter
        updated.lastModified = Date().timeIntervalSince1970.rounded(.down)
        let data = try JSONEncoder().encode(updated)
        let path = stemPath(container, updated.name) + ".json"
        try FileIO.writeAtomically(
            data: [UInt8](data),
            to: path,
            temp: path + ".tmp",
            syncFile: syncWrites,
            syncDirectory: syncWrites && syncDirectory
        )
        containers[container]?[updated.name] = updated
        return updated
    }

    // MARK: deleting

    /// Deletes a blob and its files; 404 if missing.
    public func delete(container: String, blob: String) throws {
        try lock.withLock {
            _ = try lookup(container, blob)
            let stem = stemPath(container, blob)
            unlink(stem + ".json")
            unlink(stem + ".data")
            try? FileManager.default.removeItem(atPath: stem + ".blocks")
            if syncWrites { try FileIO.syncDirectory(containerPath(container)) }
            containers[container]?[blob] = nil
        }
    }
}

/// The data directory cannot be used: which path and why.
public struct BlobStoreError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String
    /// The system call's `errno`, when one failed.
    public var errorNumber: Int32?
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String, errorNumber: Int32? = nil) {
        self.path = path
        self.problem = problem
        self.errorNumber = errorNumber
    }

    /// What the client is told. A full file system (`ENOSPC`, `EDQUOT`) is 507 InsufficientStorage, a condition
    /// the client can act on (free space, then retry) and that must not look like a transient 500; a size the
    /// file system cannot hold (`EFBIG`) is the client's 400; anything else is 500 InternalError.
    /// The path is not shown to the client.
    public var serviceError: BlobServiceError {
        switch errorNumber {
        case ENOSPC, EDQUOT:
            BlobServiceError(
                .insufficientStorage,
                "The server's storage is full; nothing of this request was stored. Retry after space is freed."
            )
        case EFBIG:
            BlobServiceError(.invalidHeaderValue, "The size is larger than the server's file system can hold.")
        default:
            BlobServiceError(.internalError, "Storage failure: \(problem)")
        }
    }
}
