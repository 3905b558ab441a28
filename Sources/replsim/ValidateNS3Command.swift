import ArgumentParser
import Fidelity
import Foundation

/// `replsim validate-ns3 [--results FILE] [--point NAME] [--yaml]`: compare replsim with the committed ns-3 grid.
struct ValidateNS3: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-ns3",
        abstract: "Compare simulated goodput with packet-level ns-3 on the committed grid.",
        discussion: """
            Simulates every ns-3 grid point (validation/ns3/results.jsonl; NOTES.md there) through the full \
            stack with the ns-3 TCP knobs set (docs/accuracy.md) and prints a Markdown table (point, ns-3, \
            replsim, error, tolerance), the threads needed for 90 % of C per thread sweep, and a summary. \
            Exits 1 when the goal is missed: a point beyond its tolerance (max(10 %, 2 standard errors of the \
            ns-3 runs)), a mean absolute error above 5 %, or a sweep whose threads-to-90 % differ from ns-3's.
            """
    )

    @Option(name: .long, help: "The ns-3 results file (JSON lines).")
    var results: String = NS3Results.defaultPath

    @Option(name: .long, help: "Print the generated scenario YAML of this grid point and exit.")
    var yaml: String?

    @Flag(name: .long, help: "Simulate with replsim's real-stack TCP defaults instead of ns-3's knobs.")
    var realStackDefaults = false

    func run() throws {
        let points: [NS3Point]
        do {
            points = try NS3Results.load(path: results)
        } catch let error as NS3ResultsError {
            throw ValidationError(error.description)
        }
        if let yaml {
            guard let point = points.first(where: { $0.point == yaml }) else {
                throw ValidationError("no grid point '\(yaml)' in \(results)")
            }
            print(FidelityScenario.yaml(for: point, knobs: knobs), terminator: "")
            return
        }
        let comparison = try FidelityComparison.run(points, knobs: knobs)
        print(comparison.markdown())
        if !comparison.goalMet { throw ExitCode(1) }
    }

    var knobs: FidelityScenario.Knobs { realStackDefaults ? .realStack : .ns3 }
}
