import Yams

/// Collects errors while a Yams `Node` tree is decoded by hand, so that every error keeps the node's mark.
/// Reading never stops at the first error: a bad value records an error and the reader goes on with the default.
final class DecodeContext {
    /// File name used in every error.
    let file: String
    /// Errors so far, in discovery order.
    private(set) var errors: [ScenarioError] = []

    init(file: String) {
        self.file = file
    }

    func record(_ error: ScenarioError) {
        errors.append(error)
    }

    func fail(_ mark: Mark?, _ keyPath: String, _ message: String) {
        errors.append(
            ScenarioError(
                file: file,
                line: mark?.line ?? 0,
                column: mark?.column ?? 0,
                keyPath: keyPath,
                message: message
            )
        )
    }

    /// Adds an error "expected `kind.expected`, found 'text' (problem)".
    func fail<T>(_ node: Node, _ keyPath: String, _ kind: ValueKind<T>, problem: String? = nil) {
        let suffix = problem.map { " (\($0))" } ?? ""
        fail(node.mark, keyPath, "expected \(kind.expected), found \(Self.describe(node))\(suffix)")
    }

    /// How a node is shown in "found …": scalars quoted, collections by kind.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// Reads a scalar of `kind`, checks it with `checks` (each returns a problem or nil), and returns it, or nil
    /// after recording an error.
    func value<T>(_ node: Node, _ keyPath: String, _ kind: ValueKind<T>, _ checks: [(T) -> String?] = []) -> T? {
        guard case .scalar(let scalar) = node, let parsed = kind.parse(scalar.string) else {
            fail(node, keyPath, kind)
            return nil
        }
        for check in checks {
            if let problem = check(parsed) {
                fail(node, keyPath, kind, problem: problem)
                return nil
            }
        }
        return parsed
    }
}

/// A kind of scalar value: what a message says is expected, and how to parse it.
struct ValueKind<T> {
    /// Completes "expected …", e.g. "a bandwidth like '10Gbps'".
    let expected: String
    let parse: (String) -> T?

    static var bandwidth: ValueKind<Double> {
        .init(expected: "a bandwidth like '10Gbps'", parse: Quantity.bitsPerSecond)
    }
    static var size: ValueKind<Int64> { .init(expected: "a size like '4MiB'", parse: Quantity.bytes) }
    static var duration: ValueKind<Int64> { .init(expected: "a duration like '180s'", parse: Quantity.nanoseconds) }
    static var ratio: ValueKind<Double> { .init(expected: "a ratio like '30%' or '0.3'", parse: Quantity.ratio) }
    static var probability: ValueKind<Double> { .init(expected: "a probability like '1e-4'", parse: Quantity.ratio) }
    static var rate: ValueKind<Double> { .init(expected: "a request rate like '500/s'", parse: Quantity.perSecond) }
    static var integer: ValueKind<Int> { .init(expected: "a whole number", parse: Quantity.integer) }
    static var number: ValueKind<Double> {
        .init(
            expected: "a number",
            parse: { text in Quantity.split(text).flatMap { $0.unit.isEmpty ? $0.value : nil } }
        )
    }
    static var string: ValueKind<String> { .init(expected: "a string", parse: { $0 }) }
    static var seed: ValueKind<UInt64> {
        .init(expected: "a seed (0 ... 2^64-1)", parse: { UInt64($0.trimmingWhitespace()) })
    }
    static var boolean: ValueKind<Bool> {
        .init(
            expected: "true or false",
            parse: { text in
                switch text.lowercased() {
                case "true", "yes", "on": true
                case "false", "no", "off": false
                default: nil
                }
            }
        )
    }

}

extension ValueKind where T: RawRepresentable & CaseIterable, T.RawValue == String {
    /// One of an enum's raw values, e.g. "one of 'cubic', 'reno'".
    static var choice: ValueKind<T> {
        let names = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return .init(expected: "one of \(names)", parse: { T(rawValue: $0.trimmingWhitespace()) })
    }
}

/// Common range checks, each returning the problem text or nil.
enum Check {
    static func positive<T: Numeric & Comparable>(_ value: T) -> String? { value > 0 ? nil : "must be > 0" }
    static func nonNegative<T: Numeric & Comparable>(_ value: T) -> String? { value >= 0 ? nil : "must be ≥ 0" }
    static func unitInterval(_ value: Double) -> String? {
        (0...1).contains(value) ? nil : "must be in [0, 1]"
    }
    static func halfOpenUnit(_ value: Double) -> String? {
        (0..<1).contains(value) ? nil : "must be in [0, 1)"
    }
    static func openClosedUnit(_ value: Double) -> String? {
        value > 0 && value <= 1 ? nil : "must be in (0, 1]"
    }
    static func within<T: Comparable>(_ range: ClosedRange<T>, _ text: String) -> (T) -> String? {
        { range.contains($0) ? nil : "must be in \(text)" }
    }
}

/// A mapping node opened for reading: unknown keys are reported once, with a "did you mean" suggestion.
struct Fields {
    let context: DecodeContext
    /// Key path of this mapping ("" for the document root).
    let path: String
    /// The mapping's own mark (used for "missing key" errors).
    let mark: Mark?
    private let pairs: [(key: String, value: Node)]

    /// Opens `node` as a mapping with the given known keys; records an error and returns nil if it is not one.
    init?(_ node: Node, path: String, context: DecodeContext, known: [String]) {
        guard case .mapping(let mapping) = node else {
            let keys = known.map { "'\($0)'" }.joined(separator: ", ")
            context.fail(node.mark, path, "expected a mapping with keys \(keys), found \(DecodeContext.describe(node))")
            return nil
        }
        self.context = context
        self.path = path
        self.mark = node.mark
        var pairs: [(key: String, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                context.fail(keyNode.mark, path, "expected a key name, found \(DecodeContext.describe(keyNode))")
                continue
            }
            let name = key.string
            if !known.contains(name) {
                let where_ = Fields.join(path, name)
                if let suggestion = Spelling.suggestion(for: name, among: known) {
                    context.fail(keyNode.mark, where_, "unknown key '\(name)'; did you mean '\(suggestion)'?")
                } else {
                    let keys = known.map { "'\($0)'" }.joined(separator: ", ")
                    context.fail(keyNode.mark, where_, "unknown key '\(name)'; expected one of \(keys)")
                }
                continue
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The value of `key`, or nil when absent (the last one wins if Yams let a duplicate through).
    subscript(key: String) -> Node? {
        pairs.last(where: { $0.key == key })?.value
    }

    /// Key path of a child.
    func path(_ key: String) -> String { Fields.join(path, key) }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Reads `key` as `kind` with checks; `fallback` when absent or invalid (the error is recorded).
    func read<T>(_ key: String, _ kind: ValueKind<T>, default fallback: T, _ checks: [(T) -> String?] = []) -> T {
        guard let node = self[key] else { return fallback }
        return context.value(node, path(key), kind, checks) ?? fallback
    }

    /// Reads an optional `key`: nil when absent or invalid.
    func optional<T>(_ key: String, _ kind: ValueKind<T>, _ checks: [(T) -> String?] = []) -> T? {
        guard let node = self[key] else { return nil }
        return context.value(node, path(key), kind, checks)
    }

    /// Reads a required `key`; records "missing required key" when absent.
    func required<T>(_ key: String, _ kind: ValueKind<T>, _ checks: [(T) -> String?] = []) -> T? {
        guard let node = self[key] else {
            context.fail(mark, path(key), "missing required key '\(key)' (expected \(kind.expected))")
            return nil
        }
        return context.value(node, path(key), kind, checks)
    }

    /// The mark of `key`'s value, or this mapping's mark when absent.
    func mark(of key: String) -> Mark? { self[key]?.mark ?? mark }
}

extension Node {
    /// The elements of a sequence node, nil for anything else.
    var sequenceElements: [Node]? {
        guard case .sequence(let sequence) = self else { return nil }
        return Array(sequence)
    }
}

extension DecodeContext {
    /// Reads a one-key mapping naming a variant, e.g. `{constant: 2MB/s}` or `{circuitDown: {...}}`.
    /// Returns the variant's name and value node, or nil after recording an error.
    func variant(_ node: Node, _ path: String, _ names: [String]) -> (name: String, value: Node)? {
        guard let fields = Fields(node, path: path, context: self, known: names) else { return nil }
        let present = names.filter { fields[$0] != nil }
        guard present.count == 1, let name = present.first, let value = fields[name] else {
            if case .mapping(let mapping) = node, mapping.count > present.count { return nil }  // unknown key reported
            let choices = names.map { "'\($0)'" }.joined(separator: ", ")
            fail(node.mark, path, "expected exactly one of \(choices), found \(present.count)")
            return nil
        }
        return (name, value)
    }
}
