import CFileSpace

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin POSIX helpers; every failure becomes a ``BlobStoreError`` naming the path and `errno`'s text.
enum FileIO {
    static func failure(_ path: String, _ what: String, errorNumber: Int32 = errno) -> BlobStoreError {
        BlobStoreError(
            path: path,
            problem: "\(what) failed: \(String(cString: strerror(errorNumber)))",
            errorNumber: errorNumber
        )
    }

    /// Allocates `length` bytes at `offset` of the open file `fd` (see `replsim_reserve`), so the write that
    /// follows cannot run out of space half-way; a full file system fails here, before anything is written.
    /// File systems without `fallocate` are written without the reservation.
    static func reserve(fd: Int32, path: String, offset: Int64, length: Int) throws {
        let result = replsim_reserve(fd, offset, Int64(length))
        guard result == 0 || result == EOPNOTSUPP || result == ENOSYS else {
            throw failure(path, "reserve space (fallocate)", errorNumber: result)
        }
    }

    /// Zeros of `zeroPiece` bytes, for clearing ranges where holes cannot be punched.
    static let zeroPiece = [UInt8](repeating: 0, count: 1 << 20)

    /// Makes `length` bytes at `offset` read as zeros: punches a hole (frees the space), or where the file system
    /// cannot, writes zeros in pieces of 1 MiB. `fdatasync`s when `sync`.
    /// - Complexity: O(1) memory for any `length`; O(length) time only on the fallback.
    static func zeroRange(path: String, offset: Int64, length: Int64, sync: Bool) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw failure(path, "open for write") }
        defer { close(fd) }
        let punched = replsim_punch_hole(fd, offset, length)
        if punched == EOPNOTSUPP || punched == ENOSYS {
            var at: Int64 = 0
            while at < length {
                let piece = Int(Swift.min(Int64(zeroPiece.count), length - at))
                try zeroPiece.withUnsafeBytes {
                    try writeAll(fd: fd, path: path, offset: offset + at, bytes: UnsafeRawBufferPointer(rebasing: $0[0..<piece]))
                }
                at += Int64(piece)
            }
        } else if punched != 0 {
            throw failure(path, "punch hole (fallocate)", errorNumber: punched)
        }
        if sync && fdatasync(fd) != 0 { throw failure(path, "fdatasync") }
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure(path, "mkdir") }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw failure(path, "open directory") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw failure(path, "fsync directory") }
    }

    static func rename(_ from: String, _ to: String) throws {
        if Glibc.rename(from, to) != 0 { throw failure(to, "rename from \(from)") }
    }

    static func size(path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    static func writeAll(fd: Int32, path: String, offset: Int64, bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.pwrite(fd, base + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "pwrite")
            }
            done += n
        }
    }

    /// Reads `length` bytes at `offset`; bytes past the end of the file read as zeros.
    static func pread(path: String, offset: Int64, length: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        try out.withUnsafeMutableBytes { try pread(path: path, offset: offset, into: $0) }
        return out
    }

    /// Fills `raw` from `offset`; bytes past the end of the file read as zeros (`raw` must start zeroed).
    static func pread(path: String, offset: Int64, into raw: UnsafeMutableRawBufferPointer) throws {
        let length = raw.count
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure(path, "open for read") }
        defer { close(fd) }
        guard let base = raw.baseAddress else { return }
        var done = 0
        while done < length {
            let n = Glibc.pread(fd, base + done, length - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "pread")
            }
            if n == 0 { break }
            done += n
        }
    }

    /// A new file of `size` bytes with no data blocks (reads as zeros).
    static func createSparse(path: String, size: Int64, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(path, "create") }
        defer { close(fd) }
        if ftruncate(fd, off_t(size)) != 0 { throw failure(path, "ftruncate") }
        if sync && fsync(fd) != 0 { throw failure(path, "fsync") }
    }

    /// Writes `data` to `temp`, fsyncs it when asked, renames it over `path`, and fsyncs the directory when asked.
    static func writeAtomically(
        data: [UInt8],
        to path: String,
        temp: String,
        syncFile: Bool,
        syncDirectory: Bool
    )
        throws
    {
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(temp, "create") }
        do {
            try data.withUnsafeBytes { try writeAll(fd: fd, path: temp, offset: 0, bytes: $0) }
            if syncFile && fsync(fd) != 0 { throw failure(temp, "fsync") }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try rename(temp, path)
        if syncDirectory {
            let parent = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
            try FileIO.syncDirectory(parent)
        }
    }

    /// Concatenates `sources` into a new file `into`, fsynced when asked.
    static func concatenate(sources: [String], into path: String, sync: Bool) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw failure(path, "create") }
        defer { close(fd) }
        var offset: Int64 = 0
        for source in sources {
            let size = Int(self.size(path: source) ?? 0)
            var at = 0
            while at < size {
                let piece = Swift.min(8 << 20, size - at)
                let bytes = try pread(path: source, offset: Int64(at), length: piece)
                try bytes.withUnsafeBytes { try writeAll(fd: fd, path: path, offset: offset, bytes: $0) }
                at += piece
                offset += Int64(piece)
            }
        }
        if sync && fsync(fd) != 0 { throw failure(path, "fsync") }
    }
}
