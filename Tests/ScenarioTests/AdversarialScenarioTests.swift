import Foundation
import TestHarness
import Testing

@testable import Scenario

/// The standing adversarial suite for scenario files: 1,200 seeded mutations of the shipped scenarios (syntax
/// damage, and sizes pushed to absurd values that are valid one by one), each answered by a document whose work
/// estimate is finite, or by positioned errors; never a crash or a hang. The slowest case and the memory the process
/// peaked at are bounded (a hang or a blow-up fails, ordinary speed is not judged). Prints the counts and the seed;
/// `REPLSIM_FUZZ_SEED` reproduces a run.
@Suite(.cpuBound) struct AdversarialScenarioTests {
    static let absurd = [
        "count: 10000000", "count: 200000", "size: 4095GB", "size: 4096GB", "chunkSize: 512", "chunkSize: 4MiB",
        "duration: 1000d", "duration: 24h", "uploadThreadsPerVM: 32", "frequency: 30s", "frequency: 1ns",
        "bandwidth: 100Tbps", "bandwidth: 1bps", "rtt: 0ms", "loss: 1", "used: 100%", "churn: 100Gbps",
        "cores: 1000000", "seed: 18446744073709551615", "start: 1000d", "end: 1ns",
    ]

    @Test func mutatedScenariosGiveADocumentOrPositionedErrors() throws {
        let seed = ProcessInfo.processInfo.environment["REPLSIM_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_203
        print("adversarial scenarios: reproduce with seed \(seed) (REPLSIM_FUZZ_SEED=\(seed))")
        let texts = try shippedScenarios.map {
            try String(contentsOfFile: scenariosDirectory.appendingPathComponent($0).path, encoding: .utf8)
        }
        var rng = SeededRandom(seed: seed)
        var loaded = 0, rejected = 0, refused = 0, slowest = Duration.zero
        let cases = 1_200
        for iteration in 0..<cases {
            let original = texts[rng.below(texts.count)]
            let mutated =
                iteration % 2 == 0
                ? Mutator.mutate(original, count: 1 + rng.below(4), rng: &rng)
                : Self.withAbsurdSizes(original, count: 1 + rng.below(3), rng: &rng)
            let started = ContinuousClock.now
            do {
                let scenario = try ScenarioLoader.parse(
                    yaml: mutated, file: "adversarial.yaml", baseDirectory: scenariosDirectory.path)
                let estimate = WorkEstimate(scenario)
                #expect(
                    estimate.events.isFinite && estimate.events >= 0 && estimate.peakRunMemoryBytes.isFinite,
                    "case \(iteration): estimate \(estimate); reproduce with seed \(seed)")
                if case .refuse = estimate.verdict { refused += 1 }
                loaded += 1
            } catch {
                rejected += 1
                let unpositioned = error.errors.filter { $0.line < 1 || $0.column < 1 }
                #expect(
                    !error.errors.isEmpty && unpositioned.isEmpty,
                    "case \(iteration): \(unpositioned); reproduce with seed \(seed)")
            }
            slowest = Swift.max(slowest, ContinuousClock.now - started)
        }
        let peak = peakResidentBytes()
        print(
            "adversarial scenarios: \(cases) cases, \(loaded) loaded (\(refused) beyond the work limit), "
                + "\(rejected) rejected with positioned errors; slowest \(slowest), peak RSS \(peak >> 20) MiB")
        #expect(loaded + rejected == cases)
        #expect(rejected > 0 && loaded > 0 && refused > 0, "the mutations miss; reproduce with seed \(seed)")
        // Hang and blow-up guards, far above a normal case (milliseconds, tens of MiB).
        #expect(slowest < .seconds(30), "a case took \(slowest); reproduce with seed \(seed)")
        #expect(peak < 4 << 30, "the process peaked at \(peak >> 20) MiB; reproduce with seed \(seed)")
    }

    /// Replaces `count` `key: value` lines whose key one of ``absurd`` names with that absurd value.
    static func withAbsurdSizes(_ text: String, count: Int, rng: inout SeededRandom) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<count {
            let replacement = absurd[rng.below(absurd.count)]
            let key = replacement.prefix { $0 != ":" }
            let matching = lines.indices.filter {
                lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix(key + ":")
                    || lines[$0].contains(" \(key): ") || lines[$0].contains("{\(key): ")
            }
            if matching.isEmpty {
                // Inline flow mappings ({count: 3, ...}) or a key the file lacks: rewrite any occurrence.
                lines = lines.map { $0.replacingOccurrences(of: "\(key): ", with: "\(key): 0+") }
                continue
            }
            let index = matching[rng.below(matching.count)]
            let line = lines[index]
            guard let range = line.range(of: key + ":") else { continue }
            var rest = line[range.upperBound...].drop { $0 == " " }
            let valueEnd = rest.firstIndex { $0 == "," || $0 == "}" || $0 == "#" } ?? rest.endIndex
            rest = rest[valueEnd...]
            lines[index] = String(line[..<range.lowerBound]) + replacement + (rest.isEmpty ? "" : " " + rest)
        }
        return lines.joined(separator: "\n")
    }
}

/// The process's peak resident set (getrusage), bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}
