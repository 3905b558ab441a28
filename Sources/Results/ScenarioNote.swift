/// An assumption or warning about a scenario, for a planner to read before trusting the numbers: what module
/// Scenario derives from a document (`ScenarioNote.of`), `replsim validate` prints, `result.json` stores under
/// `warnings`, and reports show ("Assumptions and warnings"). It lives here, in the result model, so that Scenario
/// (which makes notes) and Reports (which adds the ones that follow from results) share the one type.
public struct ScenarioNote: Codable, Sendable, Equatable, Hashable {
    /// Whether the note states an assumption the numbers rest on or warns about an answer that misleads.
    public enum Level: String, Codable, Sendable, Equatable, Hashable, CaseIterable {
        /// Something the numbers assume that the scenario's author should confirm.
        case assumption
        /// A setting that makes an answer misleading or a target impossible.
        case warning
    }

    public var level: Level
    /// A stable short key, such as `rpoTargetAtFrequency` (for tests and tools).
    public var code: String
    /// The sentence shown to the reader.
    public var message: String

    public init(level: Level, code: String, message: String) {
        self.level = level
        self.code = code
        self.message = message
    }
}
