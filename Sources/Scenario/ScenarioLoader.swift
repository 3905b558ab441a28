import Foundation
import Yams

/// Loads scenario files: YAML → Yams node tree (keeping line/column marks) → `ScenarioDocument`, decoded by hand
/// so every error names file, line, column and key path. All problems found are reported together.
public enum ScenarioLoader {
    /// Reads, decodes and validates the scenario at `path`, and expands and validates its sweep.
    /// Trace files are resolved relative to the directory of `path`. `sweepOverrides` replace or add sweep axes
    /// (e.g. from `replsim sweep --threads 1...32 --vms 3,10`); their values are validated like the file's, but
    /// errors in them carry no line (0:0) and name the sweep point instead.
    /// - Throws: `ScenarioErrors` with every problem found (unreadable file, YAML syntax, unknown keys, bad values,
    ///   impossible combinations, bad sweep points).
    /// - Complexity: O(file size × sweep points).
    public static func load(path: String, sweepOverrides: [SweepOverride] = []) throws(ScenarioErrors) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioErrors([.init(file: path, line: 0, column: 0, keyPath: "", message: "cannot read the file")])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ScenarioErrors([.init(file: path, line: 0, column: 0, keyPath: "", message: "expected UTF-8 text")])
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(
            yaml: yaml,
            file: path,
            baseDirectory: directory.isEmpty ? "." : directory,
            sweepOverrides: sweepOverrides
        )
    }

    /// Decodes and validates scenario text. `file` is used in error messages and for the default name;
    /// relative trace paths are resolved against `baseDirectory` (default: the directory part of `file`);
    /// `sweepOverrides` as in `load(path:sweepOverrides:)`.
    /// - Throws: `ScenarioErrors`, as `load(path:)`.
    public static func parse(
        yaml: String,
        file: String,
        baseDirectory: String? = nil,
        sweepOverrides: [SweepOverride] = []
    ) throws(ScenarioErrors) -> Scenario {
        let context = DecodeContext(file: file)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ScenarioErrors([
                    .init(
                        file: file,
                        line: 1,
                        column: 1,
                        keyPath: "",
                        message: "expected a scenario mapping, found an empty document"
                    )
                ])
            }
            root = composed
        } catch let error as ScenarioErrors {
            throw error
        } catch {
            throw ScenarioErrors([syntaxError(error, yaml: yaml, file: file)])
        }
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let directory = baseDirectory ?? (file as NSString).deletingLastPathComponent
        let makeDecoder = { (context: DecodeContext) in
            DocumentDecoder(context: context, defaultName: name.isEmpty ? "scenario" : name) { relative in
                let full =
                    relative.hasPrefix("/") ? relative : (directory.isEmpty ? relative : directory + "/" + relative)
                return FileManager.default.contents(atPath: full).flatMap { String(data: $0, encoding: .utf8) }
            }
        }
        let document = makeDecoder(context).decode(root)
        let expansion = SweepExpansion(context: context, decoder: makeDecoder)
        let axes = expansion.readAxes(root, overrides: sweepOverrides)
        guard let document, context.errors.isEmpty else { throw sorted(context.errors) }
        let points = expansion.points(root: root, base: document, axes: axes)
        guard context.errors.isEmpty else { throw sorted(context.errors) }
        return Scenario(file: file, document: document, sweepAxes: axes.map(\.axis), points: points)
    }

    private static func sorted(_ errors: [ScenarioError]) -> ScenarioErrors {
        let ordered = errors.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }
        var seen = Set<ScenarioError>()
        return ScenarioErrors(ordered.map(\.element).filter { seen.insert($0).inserted })
    }

    /// Maps a Yams error to a positioned `ScenarioError` (syntax errors carry libyaml's mark).
    private static func syntaxError(_ error: any Error, yaml: String, file: String) -> ScenarioError {
        func positioned(_ mark: Mark, _ message: String) -> ScenarioError {
            ScenarioError(file: file, line: mark.line, column: mark.column, keyPath: "", message: message)
        }
        guard let yamlError = error as? YamlError else {
            return ScenarioError(file: file, line: 1, column: 1, keyPath: "", message: "YAML error: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return positioned(mark, "YAML syntax error: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let message = "YAML error: duplicated key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
            guard let (line, column) = secondOccurrence(of: duplicates.first ?? "", in: yaml, after: context.mark.line)
            else { return positioned(context.mark, message) }
            return ScenarioError(file: file, line: line, column: column, keyPath: "", message: message)
        case .reader(let problem, let offset, _, _):
            let (line, column) = lineAndColumn(ofUTF8Offset: offset ?? 0, in: yaml)
            return ScenarioError(
                file: file,
                line: line,
                column: column,
                keyPath: "",
                message: "YAML reader error: \(problem)"
            )
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            return ScenarioError(file: file, line: 1, column: 1, keyPath: "", message: "YAML error: \(yamlError)")
        }
    }

    /// Line and column of the second line at or after `firstLine` that starts with `key:` (a duplicated key).
    private static func secondOccurrence(of key: String, in text: String, after firstLine: Int) -> (Int, Int)? {
        var found = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where index + 1 >= firstLine {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            guard body.hasPrefix("\(key):") || body.hasPrefix("- \(key):") else { continue }
            found += 1
            if found == 2 { return (index + 1, indent + (body.hasPrefix("- ") ? 3 : 1)) }
        }
        return nil
    }

    private static func lineAndColumn(ofUTF8Offset offset: Int, in text: String) -> (Int, Int) {
        var line = 1, column = 1
        for byte in text.utf8.prefix(Swift.max(0, offset)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}

extension SweepExpansion {
    /// Checks every axis value on its own, then every combination; errors name the sweep key (and point).
    func points(root: Node, base: ScenarioDocument, axes: [ParsedAxis]) -> [SweepPoint] {
        guard !axes.isEmpty else { return [SweepPoint(assignments: [], id: "base", document: base)] }
        let total = axes.reduce(1) { $0 > Self.maxPoints ? $0 : $0 * $1.axis.values.count }
        guard total <= Self.maxPoints else {
            context.fail(axes[0].keyMark, "sweep", "expected at most \(Self.maxPoints) points, found \(total)")
            return []
        }
        // Pass 1: each axis value alone, so a bad value is reported once, at the value.
        for parsed in axes {
            for (value, mark) in zip(parsed.axis.values, parsed.valueMarks) {
                _ = decodePoint(root, [(parsed, value, mark)], label: "\(parsed.axis.key)=\(value)")
            }
        }
        guard context.errors.isEmpty else { return [] }
        // Pass 2: the full product, first axis outermost.
        var points: [SweepPoint] = []
        var indices = [Int](repeating: 0, count: axes.count)
        var reported = 0
        for _ in 0..<total {
            let chosen = axes.indices.map {
                (axes[$0], axes[$0].axis.values[indices[$0]], axes[$0].valueMarks[indices[$0]])
            }
            let assignments = chosen.map { SweepAssignment(key: $0.0.axis.key, value: $0.1) }
            let id = assignments.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let before = context.errors.count
            if reported < 20, let document = decodePoint(root, chosen, label: id) {
                points.append(SweepPoint(assignments: assignments, id: id, document: document))
            }
            if context.errors.count > before { reported += 1 }
            var axis = axes.count - 1
            while axis >= 0 {
                indices[axis] += 1
                if indices[axis] < axes[axis].axis.values.count { break }
                indices[axis] = 0
                axis -= 1
            }
        }
        return points
    }

    /// Applies the overrides to the tree and decodes it; errors go to `context` suffixed with the point label.
    private func decodePoint(_ root: Node, _ overrides: [(ParsedAxis, String, Mark?)], label: String)
        -> ScenarioDocument?
    {
        var tree: Node? = root
        for (parsed, value, mark) in overrides {
            let scalar = Node.scalar(Node.Scalar(value, .implicit, .plain, mark))
            tree = tree.flatMap { Self.setting(scalar, at: parsed.segments[...], in: $0, mark: parsed.keyMark) }
            if tree == nil {
                context.fail(
                    parsed.keyMark,
                    "sweep.\(parsed.axis.key)",
                    "expected a key path to a value in the scenario, found '\(parsed.axis.keyPath)' "
                        + "(it goes through a value or a missing list element)"
                )
                return nil
            }
        }
        guard let tree else { return nil }
        let local = DecodeContext(file: context.file)
        let document = decoder(local).decode(tree)
        for error in local.errors {
            var labelled = error
            labelled.message += " (in sweep point \(label))"
            context.record(labelled)
        }
        return document
    }
}
