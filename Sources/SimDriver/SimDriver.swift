import NetModel
import Results
import Scenario
import SimKernel
import UploadCore

/// Runs simulated replication: a validated scenario in, a `RunResult` out.
///
/// ```swift
/// let scenario = try ScenarioLoader.load(path: "scenarios/reference-3vm-expressroute.yaml")
/// for point in scenario.expandSweep() {
///     let result = try SimDriver.run(point.document, id: point.id, parameters: ...)
/// }
/// ```
///
/// Deterministic: the same document (seed included) gives an identical `RunResult` on every run and machine.
/// Cost grows with events (chunks, timers, network changes), not with bytes or with flows.
public enum SimDriver {
    /// Options that do not change what is simulated.
    public struct Options: Sendable {
        /// Check run invariants after every batch of core actions (costs time; on in debug builds by default).
        public var checkInvariants: Bool
        public init(checkInvariants: Bool = SimDriver.debugBuild) { self.checkInvariants = checkInvariants }
    }

    #if DEBUG
        public static let debugBuild = true
    #else
        public static let debugBuild = false
    #endif

    /// Simulates one scenario document. With `packetTrace`, the run's connections are also reported to it (see
    /// `PacketTrace`); a sink error does not stop the run, it is left in `packetTrace.failure`.
    /// - Throws: `SimDriverError` if the document cannot become a world (the scenario validator rules out most).
    public static func run(
        _ document: ScenarioDocument, id: String = "run", parameters: [Parameter] = [], options: Options = Options(),
        packetTrace: PacketTrace? = nil
    ) throws -> RunResult {
        let run = try ReplicationRun(document: document, checkInvariants: options.checkInvariants)
        run.packetTrace = packetTrace
        let stop = run.run()
        if let violation = run.invariants.violation {
            throw SimDriverError.model("\(violation) at t=\(stop.inSeconds) s (seed \(document.seed))")
        }
        return run.result(id: id, parameters: parameters, stop: stop)
    }

    /// The storage and circuit caps of a document, so reports can name them ("the 60 MiB/s page-blob cap").
    public static func limits(of document: ScenarioDocument) -> [ResourceLimit] {
        var limits = [
            ResourceLimit(kind: BottleneckKind.blobThroughput.rawValue, bitsPerSecond: document.storage.blobBitsPerSecond),
            ResourceLimit(
                kind: BottleneckKind.accountIngress.rawValue, bitsPerSecond: document.storage.ingressBitsPerSecond),
        ]
        if let circuit = document.network.circuit {
            limits.append(ResourceLimit(kind: BottleneckKind.circuit.rawValue, bitsPerSecond: circuit.bandwidthBitsPerSecond))
        }
        if let nic = document.hosts.first?.nicBitsPerSecond {
            limits.append(ResourceLimit(kind: BottleneckKind.nic.rawValue, bitsPerSecond: nic))
        }
        return limits
    }

    /// The network model's attribution kinds in the results vocabulary.
    static func kind(_ bottleneck: Bottleneck) -> String {
        switch bottleneck {
        case .window: BottleneckKind.window.rawValue
        case .slowStart: BottleneckKind.slowStart.rawValue
        case .loss: BottleneckKind.loss.rawValue
        case .circuit: BottleneckKind.circuit.rawValue
        case .fallbackPath: BottleneckKind.fallbackPath.rawValue
        case .blobThroughput: BottleneckKind.blobThroughput.rawValue
        case .blobRequests: BottleneckKind.blobRequestRate.rawValue
        case .accountIngress: BottleneckKind.accountIngress.rawValue
        case .accountRequests: BottleneckKind.accountRequestRate.rawValue
        case .nic: BottleneckKind.nic.rawValue
        case .bandwidthThrottle: BottleneckKind.bandwidthThrottle.rawValue
        case .hostCPU: "hostCPU"
        case .threads: BottleneckKind.threads.rawValue
        case .requestOverhead: BottleneckKind.requestOverhead.rawValue
        case .other: "other"
        }
    }
}
