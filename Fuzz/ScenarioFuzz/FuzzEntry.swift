import FuzzDriver
import Foundation
import Scenario

// libFuzzer entry point over the scenario loader (built by scripts/fuzz.sh): the input is a scenario file's text,
// parsed from YAML, decoded, validated and its sweep expanded, then its work estimated. Every input must give a
// scenario or `ScenarioErrors` whose every error names the file and a line and column inside the text (0:0 only for a
// problem with no place, like text that is not UTF-8) and says what is wrong; any other error or a trap stops the
// fuzzer. Trace files named by the input are looked up in a directory that does not exist.

let fileName = "fuzz.yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    // The loader's own check: `load(path:)` refuses text that is not UTF-8 before parsing.
    guard let yaml = String(validating: bytes, as: UTF8.self) else { return 0 }
    // Lines as YAML counts them: a line break is LF, CR LF or a lone CR (and NEL, LS, PS); `isNewline` also takes
    // VT and FF, which only loosens the bound. (Counting LF alone, the first run "found" an error on line 80 of a
    // 45-line text: it had lone CRs.)
    let lines = yaml.count(where: \.isNewline) + 1
    do {
        let scenario = try ScenarioLoader.parse(
            yaml: yaml, file: fileName, baseDirectory: "/nonexistent/replsim-fuzz")
        let estimate = WorkEstimate(scenario)
        precondition(estimate.runs == max(1, scenario.expandSweep().count), "estimate covers every run")
        precondition(estimate.events >= 0 && estimate.peakRunMemoryBytes >= 0, "estimate is not negative")
    } catch {
        precondition(!error.errors.isEmpty, "thrown without an error")
        for problem in error.errors {
            precondition(problem.file == fileName, "error names another file: \(problem)")
            precondition(!problem.message.isEmpty, "error without a message: \(problem)")
            // Sweep overrides are the only source of 0:0 besides the text; none are given here, but a YAML syntax
            // error at the end of the text may point one line past the last.
            precondition(
                problem.line >= 0 && problem.line <= lines + 1 && problem.column >= 0,
                "error outside the text (\(lines) lines): \(problem)")
        }
    }
    return 0
}
