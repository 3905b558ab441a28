import Foundation

/// A loaded scenario: the base document, its sweep axes, and every sweep point, all validated at load.
///
/// ```swift
/// let scenario = try ScenarioLoader.load(path: "scenarios/reference-3vm-expressroute.yaml")
/// for point in scenario.expandSweep() {   // vms=3,threadsPerVM=1 … vms=100,threadsPerVM=32
///     run(point.document, id: point.id)
/// }
/// ```
public struct Scenario: Sendable, Equatable {
    /// The file the scenario came from (as given to the loader).
    public var file: String
    /// The document without sweep overrides.
    public var document: ScenarioDocument
    /// Sweep axes in file order; empty when the scenario has no `sweep` section.
    public var sweepAxes: [SweepAxis]
    /// Every point, first axis outermost (last axis varies fastest). Computed and validated at load.
    let points: [SweepPoint]

    /// The sweep points in order: the first axis is the outer loop, the last axis varies fastest. Without a
    /// sweep, a single point with no assignments, id `base` and the base document.
    /// - Complexity: O(1); points are built and validated by the loader.
    public func expandSweep() -> [SweepPoint] { points }
}

/// One axis of a sweep: a parameter and the values it takes.
public struct SweepAxis: Sendable, Equatable, Codable {
    /// The key as written in the file (`threadsPerVM`, `network.circuit.bandwidth`, `faults[0].circuitDown.detection`).
    public var key: String
    /// The resolved key path in the document (`replication.uploadThreadsPerVM` for the alias `threadsPerVM`).
    public var keyPath: String
    /// The values as written, in order (a range `1...32` is expanded to `"1"`, …, `"32"`).
    public var values: [String]

    /// The document key path for `key`: an alias's target, or `key` itself.
    public static func keyPath(resolving key: String) -> String {
        aliases.first(where: { $0.alias == key })?.keyPath ?? key
    }

    /// Parses the values of a sweep axis given as text (`replsim sweep --threads 1...32`, a `sweep` key's scalar
    /// in a file): whole numbers ≥ 0 in the one range grammar of `RangeList` (`8`, `1...32`, `3,10,25`,
    /// `1...4,8,16`), as strings in the order written.
    /// - Complexity: O(number of values).
    public static func values(from text: String) throws(RangeList.Failure) -> [String] {
        try RangeList.integers(text, least: 0).map(String.init)
    }

    /// Sweep aliases: short names for frequently swept keys.
    public static let aliases: [(alias: String, keyPath: String)] = [
        ("threadsPerVM", "replication.uploadThreadsPerVM"),
        ("vms", "vms.count"),
    ]
}

/// A sweep axis given outside the file (e.g. `replsim sweep --threads 1...32`): replaces the file's axis with
/// the same key path, or adds a new axis after the file's axes.
public struct SweepOverride: Sendable, Equatable {
    /// A key path or alias, as in a `sweep` section (`threadsPerVM`, `vms`, `network.circuit.bandwidth`).
    public var key: String
    /// The values, as they would be written in the file.
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// One assignment of a sweep point: `key` (as written in the sweep) takes `value` (as written).
public struct SweepAssignment: Sendable, Equatable, Codable {
    /// The axis key as written (alias or key path).
    public var key: String
    /// The value as written.
    public var value: String
}

/// One point of a sweep: its assignments, a stable id, and the fully resolved document.
public struct SweepPoint: Sendable, Equatable {
    /// Assignments in axis order.
    public var assignments: [SweepAssignment]
    /// `key=value` pairs joined by commas in axis order, e.g. `vms=25,threadsPerVM=8`; `base` without a sweep.
    public var id: String
    /// The base document with this point's overrides applied, validated again.
    public var document: ScenarioDocument

    /// The assignments as `(key, value)` tuples.
    public var pairs: [(key: String, value: String)] { assignments.map { ($0.key, $0.value) } }
}
