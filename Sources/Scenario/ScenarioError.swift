/// One problem found while loading a scenario: where (file, line, column, key path) and what (expected vs found).
///
/// Rendered as `scenarios/x.yaml:12:14: network.circuit.bandwidth: expected a bandwidth like '10Gbps', found
/// '-1Gbps' (must be > 0)`. Lines and columns are 1-based (Yams' `Mark`); `0:0` means "no position known"
/// (for example a file that could not be read).
public struct ScenarioError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The file as the caller named it (the `path:` given to the loader, or `file:` given to `parse`).
    public var file: String
    /// 1-based line of the offending node (0 when unknown).
    public var line: Int
    /// 1-based column of the offending node, counted in Unicode scalars (0 when unknown).
    public var column: Int
    /// Dotted key path of the offending value, e.g. `network.circuit.bandwidth` or `faults[0].circuitDown.at`.
    /// Empty for document-level problems such as YAML syntax errors.
    public var keyPath: String
    /// What was expected and what was found.
    public var message: String

    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let path = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(file):\(line):\(column): \(path)\(message)"
    }
}

/// All problems found in one load, in document order (by line, then column, then discovery order).
/// Thrown by `ScenarioLoader.load(path:)` and `ScenarioLoader.parse(yaml:file:)`; never empty when thrown.
public struct ScenarioErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The individual problems; at least one.
    public var errors: [ScenarioError]

    public init(_ errors: [ScenarioError]) {
        self.errors = errors
    }

    /// One error per line, ready to print.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}

/// Edit distance used for "did you mean" suggestions.
enum Spelling {
    /// Levenshtein distance between `a` and `b`, compared case-insensitively.
    /// - Complexity: O(|a| · |b|) time, O(|b|) memory.
    static func distance(_ a: String, _ b: String) -> Int {
        let lhs = Array(a.lowercased()), rhs = Array(b.lowercased())
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for i in 1...lhs.count {
            current[0] = i
            for j in 1...rhs.count {
                let cost = lhs[i - 1] == rhs[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }

    /// The closest candidate within a distance of max(2, |word| / 3), ties broken by candidate order.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let limit = Swift.max(2, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }
}
