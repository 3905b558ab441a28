import Foundation
import UploadCore

/// The core's journal on disk: one JSON ``JournalRecord`` per line in `DIR/journal.jsonl`, next to
/// `DIR/manifest.json` (the disks it belongs to).
///
/// Durability follows the core's promise (``JournalRecord``): every record is written with `write(2)` at once,
/// so it survives the process being killed (it is in the page cache); `sync()` adds `fsync(2)`, which the driver
/// calls before acting on `commitCycle` and before recording a disk's initial replication as complete, so those
/// also survive a host crash. A crash can leave a torn last line; ``load()`` drops it and truncates the file
/// back to the last complete record. A bad line anywhere else is an error naming the line.
public final class LiveJournal: @unchecked Sendable {
    /// The journal's directory.
    public let directory: String
    /// `DIR/journal.jsonl`.
    public let path: String
    private var descriptor: Int32 = -1
    private let encoder = JSONEncoder()
    /// Records appended through this instance.
    public private(set) var appendedRecords = 0
    /// `fsync` calls made.
    public private(set) var syncs = 0

    /// The journal in `directory` (created if missing); nothing is read or opened yet.
    /// - Throws: ``LiveError/badJournal(path:reason:)`` if the directory cannot be created.
    public init(directory: String) throws {
        self.directory = directory
        self.path = (directory as NSString).appendingPathComponent("journal.jsonl")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LiveError.badJournal(path: directory, reason: "cannot create the directory: \(error)")
        }
        encoder.outputFormatting = [.sortedKeys]
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The records on disk, oldest first (empty for a new journal), and opens the file for appending.
    ///
    /// A last line without its newline, or one that does not decode, is a torn write: it is dropped and the file
    /// truncated to the end of the previous record.
    /// - Throws: ``LiveError/badJournal(path:reason:)`` naming the first bad line that is not the last.
    /// - Complexity: O(file size).
    public func load() throws -> [JournalRecord] {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        var records: [JournalRecord] = []
        var goodEnd = 0
        var lineStart = 0
        var lineNumber = 0
        let decoder = JSONDecoder()
        let bytes = [UInt8](data)
        while lineStart < bytes.count {
            lineNumber += 1
            let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n"))
            let lineEnd = newline ?? bytes.count
            let line = Data(bytes[lineStart..<lineEnd])
            let isLast = newline == nil || lineEnd + 1 >= bytes.count
            do {
                guard newline != nil else { throw LiveError.badJournal(path: path, reason: "torn") }
                records.append(try decoder.decode(JournalRecord.self, from: line))
                goodEnd = lineEnd + 1
            } catch {
                guard isLast else {
                    throw LiveError.badJournal(path: path, reason: "line \(lineNumber) is not a journal record")
                }
                break
            }
            lineStart = lineEnd + 1
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LiveError.badJournal(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        if goodEnd < bytes.count { _ = ftruncate(fd, off_t(goodEnd)) }
        if descriptor >= 0 { close(descriptor) }
        descriptor = fd
        return records
    }

    /// Appends one record (one `write(2)`; survives a kill of the process, not a host crash until `sync()`).
    /// - Precondition: `load()` was called.
    /// - Throws: ``LiveError/badJournal(path:reason:)`` if the write fails.
    public func append(_ record: JournalRecord) throws {
        precondition(descriptor >= 0, "LiveJournal.append before load()")
        var line: Data
        do { line = try encoder.encode(record) } catch {
            throw LiveError.badJournal(path: path, reason: "cannot encode \(record): \(error)")
        }
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw LiveError.badJournal(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
        appendedRecords += 1
    }

    /// `fsync(2)`: everything appended so far survives a host crash.
    public func sync() throws {
        guard descriptor >= 0 else { return }
        guard fsync(descriptor) == 0 else {
            throw LiveError.badJournal(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
        syncs += 1
    }
}

/// What a journal directory belongs to: the disks' sizes and used extents, so a resume with other sources is
/// refused instead of silently mixing two images (`DIR/manifest.json`).
public struct LiveManifest: Codable, Equatable, Sendable {
    /// Blob size of each disk, bytes.
    public var diskBytes: [Int64]
    /// Blob name of each disk.
    public var blobs: [String]
    /// The container.
    public var container: String

    public init(diskBytes: [Int64], blobs: [String], container: String) {
        self.diskBytes = diskBytes
        self.blobs = blobs
        self.container = container
    }

    /// Writes the manifest of a new journal, or checks that the existing one matches.
    /// - Throws: ``LiveError/journalMismatch(path:reason:)`` or ``LiveError/badJournal(path:reason:)``.
    public func writeOrCheck(in directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("manifest.json")
        if let data = FileManager.default.contents(atPath: path) {
            guard let existing = try? JSONDecoder().decode(LiveManifest.self, from: data) else {
                throw LiveError.badJournal(path: path, reason: "manifest.json is not readable")
            }
            guard existing == self else {
                throw LiveError.journalMismatch(
                    path: path,
                    reason: "it was written for blobs \(existing.blobs) of \(existing.diskBytes) bytes in "
                        + "'\(existing.container)', this run has \(blobs) of \(diskBytes) bytes in '\(container)'")
            }
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LiveError.badJournal(path: path, reason: "cannot write manifest.json: \(error)")
        }
    }
}
