import Foundation

/// One source disk image: a regular file read with `pread`, uploaded as one page blob.
///
/// The blob's size is the file's size rounded up to 512 bytes (a page blob holds whole pages); the bytes past the
/// end of the file read as zeros. The used extents are the file's data regions as the file system reports them
/// (`lseek` `SEEK_DATA` / `SEEK_HOLE`): holes read as zeros and a new page blob is all zeros, so holes are not sent,
/// as ASR copies only used blocks (docs/sources.md §1.3). On a file system without hole reporting the whole file is data.
///
/// Thread-safe: `pread` has no shared file offset.
public final class SourceDisk: Sendable {
    /// The file.
    public let path: String
    /// The file's size in bytes.
    public let fileBytes: Int64
    /// The page blob's size: `fileBytes` rounded up to 512.
    public let blobBytes: Int64
    private let descriptor: Int32

    /// Opens `path` for reading.
    /// - Throws: ``LiveError/badSource(path:reason:)`` if it cannot be opened, is not a regular file, or is empty.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LiveError.badSource(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw LiveError.badSource(path: path, reason: "not a regular file")
        }
        guard info.st_size > 0 else {
            close(fd)
            throw LiveError.badSource(path: path, reason: "the file is empty")
        }
        self.path = path
        self.descriptor = fd
        self.fileBytes = Int64(info.st_size)
        self.blobBytes = (Int64(info.st_size) + 511) / 512 * 512
    }

    deinit { close(descriptor) }

    /// `SEEK_DATA` / `SEEK_HOLE` (Linux and macOS values; Glibc's Swift overlay hides them behind `_GNU_SOURCE`).
    #if os(Linux)
    static let seekData: Int32 = 3
    static let seekHole: Int32 = 4
    #else
    static let seekData: Int32 = SEEK_DATA
    static let seekHole: Int32 = SEEK_HOLE
    #endif

    /// The data regions of the file, ascending and disjoint (not yet 512-aligned; the core aligns them).
    /// - Complexity: O(regions) system calls.
    public func dataExtents() -> [Range<Int64>] {
        var extents: [Range<Int64>] = []
        var position: Int64 = 0
        while position < fileBytes {
            let start = lseek(descriptor, off_t(position), Self.seekData)
            if start < 0 {
                // ENXIO: no data after `position`. EINVAL: hole reporting unsupported on the first call.
                if errno == EINVAL && position == 0 { return [0..<fileBytes] }
                break
            }
            let end = lseek(descriptor, off_t(start), Self.seekHole)
            let upper = end < 0 ? fileBytes : Swift.min(Int64(end), fileBytes)
            if upper > Int64(start) { extents.append(Int64(start)..<upper) }
            position = upper
        }
        return extents
    }

    /// Reads `length` bytes at `offset` into `buffer` (zeros past the end of the file, as the blob's last page is
    /// padded).
    /// - Throws: ``LiveError/badSource(path:reason:)`` on a read error, or when the file ends before the size it had
    ///   when it was opened (it shrank during the upload).
    /// - Complexity: O(length).
    public func read(offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
        var done = 0
        while done < buffer.count {
            let here = offset + Int64(done)
            if here >= fileBytes {
                memset(buffer.baseAddress! + done, 0, buffer.count - done)
                return
            }
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(here))
            if got < 0 {
                if errno == EINTR { continue }
                throw LiveError.badSource(path: path, reason: "read at \(here): \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                // The file ends before the size it had when it was opened: it shrank under the upload. Sending
                // zeros for the missing part would store bytes the source no longer has; stop instead.
                throw LiveError.badSource(
                    path: path, reason: "the file ends at \(here), not at \(fileBytes): it shrank during the upload")
            }
            done += got
        }
    }
}
