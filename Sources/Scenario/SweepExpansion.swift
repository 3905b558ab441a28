import Foundation
import Yams

/// Reads the `sweep` section and builds validated sweep points by applying overrides to the YAML tree and
/// decoding it again, so that a sweep value is checked by exactly the same rules as a value in the file.
struct SweepExpansion {
    let context: DecodeContext
    let decoder: (DecodeContext) -> DocumentDecoder

    /// Largest number of points a sweep may have.
    static let maxPoints = 10_000

    /// A parsed axis plus the marks used to position its errors.
    struct ParsedAxis {
        var axis: SweepAxis
        var segments: [PathSegment]
        var keyMark: Mark?
        var valueMarks: [Mark?]
    }

    enum PathSegment: Equatable {
        case key(String)
        case index(Int)
    }

    /// The file's axes with `overrides` applied: an override of an existing axis (same resolved key path)
    /// replaces its values in place; any other override is appended as a new axis.
    func readAxes(_ root: Node, overrides: [SweepOverride]) -> [ParsedAxis] {
        var axes = readAxes(root)
        for override in overrides {
            let path = "sweep.\(override.key)"
            let keyPath = SweepAxis.keyPath(resolving: override.key)
            guard let segments = Self.segments(keyPath) else {
                context.fail(nil, path, "expected a key path like 'network.circuit.bandwidth', found '\(override.key)'")
                continue
            }
            guard !override.values.isEmpty else {
                context.fail(nil, path, "expected at least one value, found none")
                continue
            }
            let marks = [Mark?](repeating: nil, count: override.values.count)
            if let index = axes.firstIndex(where: { $0.axis.keyPath == keyPath }) {
                axes[index].axis.values = override.values
                axes[index].valueMarks = marks
            } else {
                let axis = SweepAxis(key: override.key, keyPath: keyPath, values: override.values)
                axes.append(ParsedAxis(axis: axis, segments: segments, keyMark: nil, valueMarks: marks))
            }
        }
        return axes
    }

    private func readAxes(_ root: Node) -> [ParsedAxis] {
        guard case .mapping(let rootMapping) = root, let node = rootMapping["sweep"] else { return [] }
        guard case .mapping(let mapping) = node else {
            context.fail(
                node.mark,
                "sweep",
                "expected a mapping of key paths to values, found \(DecodeContext.describe(node))"
            )
            return []
        }
        var axes: [ParsedAxis] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                context.fail(keyNode.mark, "sweep", "expected a key path, found \(DecodeContext.describe(keyNode))")
                continue
            }
            let key = keyScalar.string
            let path = "sweep.\(key)"
            let keyPath = SweepAxis.keyPath(resolving: key)
            guard let segments = Self.segments(keyPath) else {
                context.fail(
                    keyNode.mark,
                    path,
                    "expected a key path like 'network.circuit.bandwidth' or "
                        + "'faults[0].circuitDown.detection', found '\(key)'"
                )
                continue
            }
            guard let (values, marks) = readValues(valueNode, path: path) else { continue }
            axes.append(
                ParsedAxis(
                    axis: SweepAxis(key: key, keyPath: keyPath, values: values),
                    segments: segments,
                    keyMark: keyNode.mark,
                    valueMarks: marks
                )
            )
        }
        return axes
    }

    /// `[3, 10, 25]`, or a scalar in the range grammar of `RangeList` (`"1...32"`, `"1...4,8"`).
    private func readValues(_ node: Node, path: String) -> ([String], [Mark?])? {
        let expected = "a list like [3, 10, 25] or a range like '1...32' (low ≤ high)"
        switch node {
        case .scalar(let scalar):
            let values: [String]
            do {  // at most RangeList.maxValues (= maxPoints)
                values = try SweepAxis.values(from: scalar.string)
            } catch {
                context.fail(node.mark, path, "expected \(expected), found '\(scalar.string)': \(error)")
                return nil
            }
            return (values, Array(repeating: node.mark, count: values.count))
        case .sequence(let sequence):
            var values: [String] = []
            var marks: [Mark?] = []
            for element in sequence {
                guard case .scalar(let scalar) = element else {
                    context.fail(element.mark, path, "expected scalar values, found \(DecodeContext.describe(element))")
                    return nil
                }
                values.append(scalar.string)
                marks.append(element.mark)
            }
            guard !values.isEmpty else {
                context.fail(node.mark, path, "expected \(expected), found an empty list")
                return nil
            }
            return (values, marks)
        case .mapping, .alias:
            context.fail(node.mark, path, "expected \(expected), found \(DecodeContext.describe(node))")
            return nil
        }
    }

    /// `a.b[0].c` or `a.b.0.c` → segments; nil for an empty segment or a malformed index.
    static func segments(_ keyPath: String) -> [PathSegment]? {
        var result: [PathSegment] = []
        for part in keyPath.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var indices: [Int] = []
            while name.hasSuffix("]") {
                guard let open = name.lastIndex(of: "["),
                    let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]), index >= 0
                else { return nil }
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            if let index = Int(name), index >= 0, indices.isEmpty {
                result.append(.index(index))
                continue
            }
            guard !name.isEmpty, !name.contains("[") else { return nil }
            result.append(.key(String(name)))
            result += indices.map(PathSegment.index)
        }
        return result.isEmpty ? nil : result
    }

    /// Returns `node` with the scalar `value` at `segments`, creating missing mappings. A scalar preset
    /// (`storage: us-grs-2015`) becomes `{preset: us-grs-2015}` so that its fields can be overridden.
    /// Nil when the path goes through a scalar or a missing list element.
    static func setting(_ value: Node, at segments: ArraySlice<PathSegment>, in node: Node?, mark: Mark?) -> Node? {
        guard let first = segments.first else { return value }
        let rest = segments.dropFirst()
        switch first {
        case .key(let key):
            var mapping: Node.Mapping
            switch node {
            case .mapping(let existing)?: mapping = existing
            case nil: mapping = Node.Mapping([], .implicit, .any, mark)
            case .scalar(let scalar)? where key != "preset" && StoragePreset(rawValue: scalar.string) != nil:
                mapping = Node.Mapping([(Node("preset"), .scalar(scalar))], .implicit, .any, scalar.mark)
            case .scalar?, .sequence?, .alias?: return nil
            }
            guard let child = setting(value, at: rest, in: mapping[key], mark: mark) else { return nil }
            if mapping[key] == nil {
                mapping[Node.scalar(Node.Scalar(key, .implicit, .plain, mark))] = child
            } else {
                mapping[key] = child
            }
            return .mapping(mapping)
        case .index(let index):
            guard case .sequence(var sequence)? = node, index < sequence.count else { return nil }
            let position = sequence.index(sequence.startIndex, offsetBy: index)
            guard let child = setting(value, at: rest, in: sequence[position], mark: mark) else { return nil }
            sequence[position] = child
            return .sequence(sequence)
        }
    }
}
