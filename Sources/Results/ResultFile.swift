/// The top level of `result.json`: one scenario, one root seed, one or more runs.
///
/// Written by SimDriver (simulated runs) and LiveDriver (live runs), read by Reports and by
/// `replsim check`. Every field is documented with its unit in `docs/results.md`.
///
/// Promises:
/// - The model holds no wall-clock time for simulated runs, so the same scenario and seed give a
///   byte-identical `result.json` (Reports encodes with sorted keys).
/// - ``schemaVersion`` changes only for incompatible changes (a field removed, renamed or re-defined).
///   Adding an optional field keeps the version; readers ignore fields they do not know.
public struct ResultFile: Codable, Sendable, Equatable {
    /// The schema version this module writes and reads.
    public static let currentSchemaVersion = 1

    /// Schema version of this file; see the type's promises.
    public var schemaVersion: Int
    /// The program and version that wrote the file, for example `"replsim 0.1.0"`.
    public var tool: String
    /// The scenario's name (from the scenario file).
    public var scenario: String
    /// The scenario file the runs came from, as given on the command line; `nil` when built in code.
    public var scenarioFile: String?
    /// The scenario's own one-line description ("what question it answers"), if it has one.
    public var description: String?
    /// The root seed of the runs (each run also records the seed it used).
    public var seed: UInt64
    /// Whether the runs were simulated or measured against a real endpoint.
    public var mode: RunMode
    /// The run whose time series and RPO distribution the report shows; `nil` means "the best run".
    public var referenceRunID: String?
    /// Capacities of the resources a bottleneck can name, so that reports can say "the 60 MiB/s page-blob cap".
    /// Optional; in scenario order.
    public var limits: [ResourceLimit]?
    /// The runs, in sweep order (the order the scenario's axes expand to). Setting them recomputes ``bands``.
    public var runs: [RunResult] { didSet { bands = UncertaintyBand.bands(of: runs) } }
    /// Uncertainty bands (p5/p50/p95 over seeds) per point, when the runs have a `seed` axis; absent otherwise.
    /// Always derived from ``runs`` (by `init` and by setting `runs`), never set on its own, so every writer of
    /// the same runs (one machine, or `replsim merge` of shards) writes the same bands.
    public private(set) var bands: [UncertaintyBand]?

    public init(
        schemaVersion: Int = ResultFile.currentSchemaVersion,
        tool: String,
        scenario: String,
        scenarioFile: String? = nil,
        description: String? = nil,
        seed: UInt64,
        mode: RunMode,
        referenceRunID: String? = nil,
        limits: [ResourceLimit]? = nil,
        runs: [RunResult]
    ) {
        self.schemaVersion = schemaVersion
        self.tool = tool
        self.scenario = scenario
        self.scenarioFile = scenarioFile
        self.description = description
        self.seed = seed
        self.mode = mode
        self.referenceRunID = referenceRunID
        self.limits = limits
        self.runs = runs
        self.bands = UncertaintyBand.bands(of: runs)
    }

    /// Everything but the runs (and what derives from them): what every shard of one job has in common.
    public var header: ResultFile {
        var header = self
        header.runs = []
        return header
    }
}

/// How the runs of a file were produced.
public enum RunMode: String, Codable, Sendable, Equatable, CaseIterable {
    /// Simulated by SimDriver in virtual time; deterministic for a seed.
    case simulated
    /// Measured by LiveDriver against a real endpoint; wall-clock fields are present.
    case live
}

/// One sweep assignment, such as `vms = 3`; kept as text so that any axis fits.
public struct Parameter: Codable, Sendable, Equatable, Hashable {
    /// The axis name as written in the scenario (`"vms"`, `"threadsPerVM"`, `"circuit.bandwidth"` …).
    public var key: String
    /// The value as text, in the scenario's spelling (`"3"`, `"10Gbps"`).
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The capacity of one resource that can be named as a bottleneck.
public struct ResourceLimit: Codable, Sendable, Equatable {
    /// A ``BottleneckKind`` raw value (or another bottleneck string the writer uses).
    public var kind: String
    /// The throughput capacity in bits per second, if the resource has one.
    public var bitsPerSecond: Double?
    /// The request-rate capacity in requests per second, if the resource has one.
    public var requestsPerSecond: Double?

    public init(kind: String, bitsPerSecond: Double? = nil, requestsPerSecond: Double? = nil) {
        self.kind = kind
        self.bitsPerSecond = bitsPerSecond
        self.requestsPerSecond = requestsPerSecond
    }
}
