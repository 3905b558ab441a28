import Foundation
import Results

/// Writes and reads shard parts (``PartialResult``) with the same JSON conventions as `result.json`.
public enum PartialFiles {
    /// Writes `part` as `dir/part-IIII-of-NNNN.json` (the folder is created if missing) and returns its URL.
    /// - Throws: ``ReportError`` for an unencodable value or an I/O failure (naming the path).
    @discardableResult
    public static func write(_ part: PartialResult, into dir: URL) throws(ReportError) -> URL {
        let data = try ReportWriter.encodeJSON(part)
        try ReportWriter.createDirectory(dir)
        let url = dir.appendingPathComponent(part.fileName)
        try ReportWriter.write(data, to: url)
        return url
    }

    /// Reads one part; refuses a format this build does not know before decoding the rest.
    /// - Throws: ``ReportError`` naming the file (and the field, for a malformed part).
    public static func load(_ url: URL) throws(ReportError) -> PartialResult {
        struct Format: Decodable { var partialFormat: Int }
        let data = try ReportWriter.read(url)
        let format = try ReportWriter.decodeJSON(Format.self, from: data, source: url.path).partialFormat
        guard format == PartialResult.currentFormat else {
            throw .badInput(
                source: url.path,
                reason: "partialFormat \(format) is not supported (this build reads \(PartialResult.currentFormat))")
        }
        let part = try ReportWriter.decodeJSON(PartialResult.self, from: data, source: url.path)
        if let result = part.result {
            var seen = Set<String>()
            for run in result.runs where !seen.insert(run.id).inserted {
                throw .duplicateRunID(source: url.path, id: run.id)
            }
        }
        return part
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
