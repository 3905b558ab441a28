import Foundation
import TestHarness
import Testing

@testable import Scenario

/// The repository's `scenarios/` folder.
let scenariosDirectory = PackagePaths.file("scenarios")

let shippedScenarios = [
    "reference-3vm-expressroute.yaml", "expressroute-vs-internet.yaml", "sweep-3-100vms.yaml",
    "circuit-failure-bgp-vs-bfd.yaml", "delta-rpo-100vms.yaml", "storage-account-throttling.yaml",
    "planner/estate-186vms.yaml",
]

@Suite(.cpuBound) struct ShippedScenarioTests {
    @Test(arguments: shippedScenarios)
    func loadsWithoutErrorsAndStartsWithTheQuestion(file: String) throws {
        let path = scenariosDirectory.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# Question:"), "\(file) must start with a comment saying what question it answers")
        do {
            let scenario = try ScenarioLoader.load(path: path)
            #expect(!scenario.expandSweep().isEmpty)
            #expect(scenario.document.name + ".yaml" == (file as NSString).lastPathComponent)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func everyTopLevelScenarioIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: scenariosDirectory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == shippedScenarios.filter { !$0.contains("/") }.sorted())
    }

    @Test func referenceScenarioIsTheDefaultSweep() throws {
        let path = scenariosDirectory.appendingPathComponent("reference-3vm-expressroute.yaml").path
        let scenario = try ScenarioLoader.load(path: path)
        let doc = scenario.document
        #expect(doc.vms.count == 3)
        #expect(doc.vms.disks.count == 1)
        #expect(doc.phases == .initial)
        #expect(doc.network.circuit?.bandwidthBitsPerSecond == 10e9)
        #expect(doc.network.circuit?.rttNanoseconds == 2_000_000)
        #expect(doc.storage.preset == "us-grs-2015")
        #expect(doc.storage.ingressBitsPerSecond == 10e9)
        #expect(doc.storage.blobBitsPerSecond == 60 * 1_048_576 * 8)
        let points = scenario.expandSweep()
        #expect(points.count == 160)
        #expect(points.first?.id == "vms=3,threadsPerVM=1")
        #expect(points.last?.id == "vms=100,threadsPerVM=32")
        #expect(points[37].document.vms.count == 10 && points[37].document.replication.uploadThreadsPerVM == 6)
    }

    @Test func deltaScenarioMatchesTheBrief() throws {
        let path = scenariosDirectory.appendingPathComponent("delta-rpo-100vms.yaml").path
        let doc = try ScenarioLoader.load(path: path).document
        #expect(doc.vms.count == 100)
        #expect(doc.vms.churn == .constant(bytesPerSecond: 2e6))
        #expect(doc.network.circuit?.bandwidthBitsPerSecond == 1e9)
        #expect(doc.replication.frequencyNanoseconds == 300_000_000_000)
        #expect(doc.replication.targetRPONanoseconds == 900_000_000_000)
    }

    @Test func documentIsCodable() throws {
        let path = scenariosDirectory.appendingPathComponent("circuit-failure-bgp-vs-bfd.yaml").path
        let doc = try ScenarioLoader.load(path: path).document
        let data = try JSONEncoder().encode(doc)
        #expect(try JSONDecoder().decode(ScenarioDocument.self, from: data) == doc)
    }

    @Test func missingFileIsAnErrorNotACrash() {
        #expect(throws: ScenarioErrors.self) { try ScenarioLoader.load(path: "/nonexistent/x.yaml") }
    }
}

/// Seeded random mutations of the shipped scenarios: each must give a document or positioned `ScenarioErrors`,
/// never a crash. Set `REPLSIM_FUZZ_SEED` to reproduce a run; the seed is printed.
@Suite(.cpuBound) struct FuzzTests {
    @Test func mutatedScenariosNeverCrash() throws {
        let seed = ProcessInfo.processInfo.environment["REPLSIM_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_125
        print("scenario fuzz: reproduce with seed \(seed) (REPLSIM_FUZZ_SEED=\(seed))")
        let texts = try shippedScenarios.map {
            try String(contentsOfFile: scenariosDirectory.appendingPathComponent($0).path, encoding: .utf8)
        }
        var rng = SeededRandom(seed: seed)
        var loaded = 0, rejected = 0
        for iteration in 0..<300 {
            let original = texts[Int(rng.next() % UInt64(texts.count))]
            let mutated = Mutator.mutate(original, count: 1 + Int(rng.next() % 4), rng: &rng)
            do {
                _ = try ScenarioLoader.parse(yaml: mutated, file: "fuzz.yaml", baseDirectory: scenariosDirectory.path)
                loaded += 1
            } catch {
                rejected += 1
                let unpositioned = error.errors.filter { $0.line < 1 || $0.column < 1 }
                #expect(
                    !error.errors.isEmpty && unpositioned.isEmpty,
                    "iteration \(iteration): \(unpositioned); reproduce with seed \(seed)"
                )
            }
        }
        print("scenario fuzz: \(loaded) loaded, \(rejected) rejected")
        #expect(rejected > 0, "mutations should break some scenarios; reproduce with seed \(seed)")
    }
}

enum Mutator {
    static let tokens = [
        ":", "-", "[", "]", "{", "}", "'", "\"", "#", "&a", "*a", "!!int", "|", ">", " ", "\n", "\t", "0", "-1", "1e9",
        "33", "...", "%", "Gbps", "MiB", "ms", "x", "null", "~", "faults", "sweep", "é", "\u{0}",
    ]

    static func mutate(_ text: String, count: Int, rng: inout SeededRandom) -> String {
        var chars = Array(text)
        for _ in 0..<count where !chars.isEmpty {
            let at = rng.below(chars.count)
            switch rng.below(5) {
            case 0:
                chars.removeSubrange(at..<Swift.min(chars.count, at + 1 + rng.below(8)))
            case 1:
                chars.insert(contentsOf: Array(tokens[rng.below(tokens.count)]), at: at)
            case 2:
                chars[at] = Array(tokens[rng.below(tokens.count)]).first ?? " "
            case 3:
                var lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let i = rng.below(lines.count), j = rng.below(lines.count)
                lines.swapAt(i, j)
                chars = Array(lines.joined(separator: "\n"))
            default:
                var lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let i = rng.below(lines.count)
                lines.insert(lines[i], at: rng.below(lines.count))
                chars = Array(lines.joined(separator: "\n"))
            }
        }
        return String(chars)
    }
}
