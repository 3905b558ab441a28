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
}

extension BottleneckKind {
    /// The result-file kind of what binds a flow in the network model (every model kind is one of them).
    init(_ binding: Bottleneck) {
        switch binding {
        case .window: self = .window
        case .slowStart: self = .slowStart
        case .loss: self = .loss
        case .circuit: self = .circuit
        case .fallbackPath: self = .fallbackPath
        case .blobThroughput: self = .blobThroughput
        case .blobRequestRate: self = .blobRequestRate
        case .accountIngress: self = .accountIngress
        case .accountRequestRate: self = .accountRequestRate
        case .nic: self = .nic
        case .bandwidthThrottle: self = .bandwidthThrottle
        case .hostCPU: self = .hostCPU
        case .other: self = .other
        }
    }
}
