import Foundation
import NIOCore

extension BlobStore {
    /// The largest page blob: 8 TiB, as the service ("Put Blob", `x-ms-blob-content-length`:
    /// learn.microsoft.com/rest/api/storageservices/put-blob).
    public static let maxPageBlobBytes: Int64 = 8 << 40

    /// Creates (or replaces with zeros) a page blob of `size` bytes; `size` must be a multiple of 512.
    public func createPageBlob(
        container: String,
        blob: String,
        size: Int64,
        contentType: String?
    ) throws
        -> BlobProperties
    {
        guard size >= 0, size % 512 == 0 else {
            throw BlobServiceError(.invalidHeaderValue, "x-ms-blob-content-length \(size) is not a multiple of 512")
        }
        return try lock.withLock {
            try requireContainer(container)
            let temp = makeTempPathLocked()
            do {
                try FileIO.createSparse(path: temp, size: size, sync: syncWrites)
                try FileIO.rename(temp, dataPath(container, blob))
            } catch {
                unlink(temp)
                throw error
            }
            try? FileManager.default.removeItem(atPath: blocksPath(container, blob))
            let properties = BlobProperties(
                name: blob,
                kind: .pageBlob,
                contentLength: size,
                etagCounter: 0,
                lastModified: 0,
                contentType: contentType,
                contentMD5: nil,
                committedBlocks: nil
            )
            return try record(properties, container: container, syncDirectory: true)
        }
    }

    /// Writes `body`'s bytes at `offset` of a page blob (update; they must be `length` bytes), or zeros over
    /// `length` when `body` is nil (clear). The range must be 512-aligned and inside the blob (checked here against
    /// the current size). With `syncWrites` the data is on disk (`fdatasync`) when this returns.
    /// - Complexity: an update is one direct `pwrite` (see ``DirectWrites``; buffered where the file system refuses
    ///   direct I/O) plus the sidecar rewrite (``record(_:container:syncDirectory:)``); a clear punches a hole
    ///   (``FileIO/zeroRange(path:offset:length:sync:)``), memory O(1) whatever its length.
    func writePages(
        container: String,
        blob: String,
        offset: Int64,
        length: Int64,
        body: PageBody?
    ) throws
        -> BlobProperties
    {
        let path = try lock.withLock { () -> String in
            let properties = try lookup(container, blob)
            guard properties.kind == .pageBlob else {
                throw BlobServiceError(.invalidBlobType, "The blob type is invalid for this operation.")
            }
            guard offset <= properties.contentLength, length <= properties.contentLength - offset else {
                throw BlobServiceError(
                    .invalidPageRange,
                    "The page range \(offset)-\(offset + (length - 1)) is past the blob's end "
                        + "(\(properties.contentLength))",
                    status: .rangeNotSatisfiable
                )
            }
            return dataPath(container, blob)
        }
        if let body {
            try directWrites.write(path: path, offset: offset, bytes: body.bytes, sync: syncWrites)
        } else {
            try FileIO.zeroRange(path: path, offset: offset, length: length, sync: syncWrites)
        }
        return try lock.withLock {
            // The blob may have been deleted meanwhile; then this write went to an unlinked file.
            let properties = try lookup(container, blob)
            return try record(properties, container: container, syncDirectory: false)
        }
    }

    /// An empty page-aligned body for a Put Page of `capacity` bytes (pooled; see ``PageBody``).
    func makePageBody(capacity: Int) -> PageBody { directWrites.makeBody(capacity: capacity) }

    /// Moves a fully received, verified upload at `tempPath` into place as a block blob.
    public func commitBlockBlob(
        container: String,
        blob: String,
        tempPath: String,
        size: Int64,
        contentType: String?,
        contentMD5: String?
    ) throws -> BlobProperties {
        try lock.withLock {
            try requireContainer(container)
            try FileIO.rename(tempPath, dataPath(container, blob))
            try? FileManager.default.removeItem(atPath: blocksPath(container, blob))
            let properties = BlobProperties(
                name: blob,
                kind: .blockBlob,
                contentLength: size,
                etagCounter: 0,
                lastModified: 0,
                contentType: contentType,
                contentMD5: contentMD5,
                committedBlocks: []
            )
            return try record(properties, container: container, syncDirectory: true)
        }
    }

    /// Moves a received, verified block at `tempPath` into the blob's staging area under `blockID`.
    /// The blob need not exist yet (Azure creates an uncommitted blob); the container must.
    public func stageBlock(container: String, blob: String, blockID: String, tempPath: String) throws {
        let fileName = try BlobNames.blockFileName(forID: blockID)
        try lock.withLock {
            try requireContainer(container)
            let dir = blocksPath(container, blob)
            try FileIO.makeDirectory(dir)
            try FileIO.rename(tempPath, dir + "/" + fileName)
            if syncWrites { try FileIO.syncDirectory(dir) }
        }
    }

    /// Commits `blockIDs` in order as the blob's content; unlisted staged blocks are discarded.
    public func commitBlockList(
        container: String,
        blob: String,
        blockIDs: [String],
        contentType: String?
    ) throws
        -> BlobProperties
    {
        try lock.withLock {
            try requireContainer(container)
            let dir = blocksPath(container, blob)
            var committed: [CommittedBlock] = []
            var names: [String] = []
            for id in blockIDs {
                let name = try BlobNames.blockFileName(forID: id)
                guard let size = FileIO.size(path: dir + "/" + name) else {
                    throw BlobServiceError(.invalidBlockList, "The specified block list is invalid: no block '\(id)'")
                }
                committed.append(CommittedBlock(id: id, size: size))
                names.append(name)
            }
            let temp = makeTempPathLocked()
            do {
                try FileIO.concatenate(sources: names.map { dir + "/" + $0 }, into: temp, sync: syncWrites)
                try FileIO.rename(temp, dataPath(container, blob))
            } catch {
                unlink(temp)
                throw error
            }
            let keep = Set(names)
            for file in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !keep.contains(file) {
                unlink(dir + "/" + file)
            }
            let properties = BlobProperties(
                name: blob,
                kind: .blockBlob,
                contentLength: committed.reduce(0) { $0 + $1.size },
                etagCounter: 0,
                lastModified: 0,
                contentType: contentType,
                contentMD5: nil,
                committedBlocks: committed
            )
            return try record(properties, container: container, syncDirectory: true)
        }
    }
}
