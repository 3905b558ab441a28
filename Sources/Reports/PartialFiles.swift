import Foundation
import Results

/// Writes and reads shard parts (``PartialResult``) with the same JSON conventions as `result.json`.
public enum PartialFiles {
    /// Writes `part` as `dir/part-IIII-of-NNNN.json` (the folder is created if missing) and returns its URL.
    /// - Throws: ``ReportError`` for an unencodable value or an I/O failure (naming the path).
    @discardableResult
    public static func write<Payload>(_ part: ShardPart<Payload>, into dir: URL) throws(ReportError) -> URL {
        let data = try ReportWriter.encodeJSON(part)
        try ReportWriter.createDirectory(dir)
        let url = dir.appendingPathComponent(part.fileName)
        try ReportWriter.write(data, to: url)
        return url
    }

    /// The `work` of the part at `url` (`"runs"`, `"plan"`), read before the rest, so that `merge` knows which
    /// kind of job it joins; refuses a format this build does not know.
    /// - Throws: ``ReportError`` naming the file.
    public static func work(of url: URL) throws(ReportError) -> String {
        try work(of: ReportWriter.read(url), source: url.path)
    }

    static func work(of data: Data, source: String) throws(ReportError) -> String {
        struct Header: Decodable {
            var partialFormat: Int
            var work: String?
        }
        let header = try ReportWriter.decodeJSON(Header.self, from: data, source: source)
        guard header.partialFormat == partialFormat else {
            throw .badInput(
                source: source,
                reason: "partialFormat \(header.partialFormat) is not supported (this build reads \(partialFormat))")
        }
        guard let work = header.work else { throw .badInput(source: source, reason: "no 'work' field") }
        return work
    }

    private static var partialFormat: Int { PartialResult.currentFormat }

    /// Reads one part of a sweep's or a scenario's runs; see ``load(_:as:)``.
    public static func load(_ url: URL) throws(ReportError) -> PartialResult {
        let part = try load(url, as: ResultFile.self)
        if let result = part.result {
            var seen = Set<String>()
            for run in result.runs where !seen.insert(run.id).inserted {
                throw .duplicateRunID(source: url.path, id: run.id)
            }
        }
        return part
    }

    /// Reads one part of a job of `Payload`'s kind; refuses a format this build does not know, and a part of
    /// another kind of job, before decoding the rest.
    /// - Throws: ``ReportError`` naming the file (and the field, for a malformed part).
    public static func load<Payload>(_ url: URL, as: Payload.Type) throws(ReportError) -> ShardPart<Payload> {
        let data = try ReportWriter.read(url)
        let work = try work(of: data, source: url.path)
        guard work == Payload.work else {
            throw .badInput(
                source: url.path, reason: "holds work '\(work)', not '\(Payload.work)' like the other parts: another kind of job")
        }
        return try ReportWriter.decodeJSON(ShardPart<Payload>.self, from: data, source: url.path)
    }

    /// The part files named by `paths`: a file stands for itself, a folder for its `part-*.json` files in name
    /// order. A folder without parts, or a path that does not exist, is an error naming it.
    public static func expand(_ paths: [String]) throws(ReportError) -> [URL] {
        var urls: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .io(path: path, reason: "no such file or folder")
            }
            guard isDirectory.boolValue else {
                urls.append(URL(fileURLWithPath: path))
                continue
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw .io(path: path, reason: error.localizedDescription)
            }
            let parts = names.filter { $0.hasPrefix("part-") && $0.hasSuffix(".json") }.sorted()
            guard !parts.isEmpty else { throw .io(path: path, reason: "no part-*.json files in this folder") }
            urls += parts.map { URL(fileURLWithPath: path).appendingPathComponent($0) }
        }
        return urls
    }
}
