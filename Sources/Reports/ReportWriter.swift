import Foundation
import Results

/// Writes and reads a result folder: `result.json`, `results.csv`, `report.md`, `report.html`.
///
/// Promise: the same ``ResultFile`` gives byte-identical files (sorted JSON keys, fixed number formats, no
/// timestamps). `replsim report DIR` is `write(try load(DIR), to: DIR)`.
public enum ReportWriter {
    /// File names inside a result folder.
    public static let resultFileName = "result.json"
    public static let csvFileName = "results.csv"
    public static let markdownFileName = "report.md"
    public static let htmlFileName = "report.html"

    /// Encodes `file` as `result.json` bytes: pretty-printed, keys sorted, a trailing newline.
    /// - Throws: ``ReportError/notEncodable(_:)`` for non-finite numbers (NaN, ±∞), naming the field.
    public static func encode(_ file: ResultFile) throws(ReportError) -> Data { try encodeJSON(file) }

    /// The JSON conventions of every file replsim writes for machines (`result.json`, shard parts): pretty-printed,
    /// keys sorted, slashes unescaped, a trailing newline.
    static func encodeJSON(_ value: some Encodable) throws(ReportError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(value)
            data.append(0x0A)
            return data
        } catch let EncodingError.invalidValue(value, context) {
            throw .notEncodable("\(path(context.codingPath)): \(value) is not a finite number")
        } catch {
            throw .notEncodable(String(describing: error))
        }
    }

    /// Decodes `result.json` bytes; `source` names the file in errors.
    /// - Throws: ``ReportError/badInput(source:reason:)`` naming the field, or
    ///   ``ReportError/unsupportedSchema(source:version:)``, or ``ReportError/duplicateRunID(source:id:)``.
    public static func decode(_ data: Data, source: String) throws(ReportError) -> ResultFile {
        struct Version: Decodable { var schemaVersion: Int }
        let version = try decodeJSON(Version.self, from: data, source: source).schemaVersion
        guard version <= ResultFile.currentSchemaVersion, version >= 1 else {
            throw ReportError.unsupportedSchema(source: source, version: version)
        }
        let file = try decodeJSON(ResultFile.self, from: data, source: source)
        var seen = Set<String>()
        for run in file.runs where !seen.insert(run.id).inserted {
            throw ReportError.duplicateRunID(source: source, id: run.id)
        }
        return file
    }

    /// Decodes JSON bytes; errors name `source` and the field path.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(ReportError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .badInput(source: source, reason: "missing field \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(type, context) {
            throw .badInput(source: source, reason: "\(path(context.codingPath)): expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw .badInput(source: source, reason: "\(path(context.codingPath)): expected \(type), found null")
        } catch let DecodingError.dataCorrupted(context) {
            let location = context.codingPath.isEmpty ? "" : path(context.codingPath) + ": "
            throw .badInput(source: source, reason: location + context.debugDescription)
        } catch {
            throw .badInput(source: source, reason: String(describing: error))
        }
    }

    /// Writes the four files into `dir` (created if missing), replacing files of the same names.
    /// - Throws: ``ReportError`` for an unencodable file or an I/O failure (naming the path).
    public static func write(_ file: ResultFile, to dir: URL) throws(ReportError) {
        let json = try encode(file)
        try createDirectory(dir)
        let outputs: [(String, Data)] = [
            (resultFileName, json),
            (csvFileName, Data(CSVReport.render(file).utf8)),
            (markdownFileName, Data(MarkdownReport.render(file).utf8)),
            (htmlFileName, Data(HTMLReport.render(file).utf8)),
        ]
        for (name, data) in outputs { try write(data, to: dir.appendingPathComponent(name)) }
    }

    /// Reads a result: `path` is a result folder (its `result.json` is read) or a JSON file.
    /// - Throws: ``ReportError`` when the file is missing, unreadable or invalid.
    public static func load(_ path: URL) throws(ReportError) -> ResultFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw .io(path: path.path, reason: "no such file or folder")
        }
        let url = isDirectory.boolValue ? path.appendingPathComponent(resultFileName) : path
        return try decode(read(url), source: url.path)
    }

    /// The bytes of `url`; an I/O failure names the path.
    static func read(_ url: URL) throws(ReportError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Writes `data` to `url` atomically; an I/O failure names the path.
    static func write(_ data: Data, to url: URL) throws(ReportError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Creates `dir` and its parents if missing; an I/O failure names the path.
    static func createDirectory(_ dir: URL) throws(ReportError) {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw .io(path: dir.path, reason: error.localizedDescription)
        }
    }

    /// `replsim report DIR`: reads `DIR/result.json` (or a JSON file) and writes the four files next to it.
    /// - Returns: the file read, for a summary line.
    @discardableResult
    public static func rebuild(_ path: URL) throws(ReportError) -> ResultFile {
        let file = try load(path)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory)
        try write(file, to: isDirectory.boolValue ? path : path.deletingLastPathComponent())
        return file
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }
}

/// Why reading or writing a result failed; every case names what and where.
public enum ReportError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The JSON does not match the schema: `source`, then the field path and what was wrong.
    case badInput(source: String, reason: String)
    /// The file declares a schema version this build does not read.
    case unsupportedSchema(source: String, version: Int)
    /// Two runs share an id (run ids are the comparison keys).
    case duplicateRunID(source: String, id: String)
    /// The model holds a value JSON cannot represent.
    case notEncodable(String)
    /// A file-system operation failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .badInput(let source, let reason): return "\(source): \(reason)"
        case .unsupportedSchema(let source, let version):
            return
                "\(source): schemaVersion \(version) is not supported "
                + "(this build reads 1...\(ResultFile.currentSchemaVersion))"
        case .duplicateRunID(let source, let id): return "\(source): run id \"\(id)\" appears more than once"
        case .notEncodable(let reason): return "result cannot be written as JSON: \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        }
    }
}
