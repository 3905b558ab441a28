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
    /// What produced the runs: the resolved scenario, its hash, replsim's version and commit. Optional (older
    /// files and live runs); `replsim check` and `compare` use it to tell a changed scenario from a regression.
    public var inputs: ResultInputs?
    /// Assumptions the scenario rests on and warnings about it, as `replsim validate` prints them; the reports
    /// add the ones that follow from the results (an estimated initial-replication time). Optional.
    public var warnings: [ScenarioNote]?

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
        runs: [RunResult],
        inputs: ResultInputs? = nil,
        warnings: [ScenarioNote]? = nil
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
        self.inputs = inputs
        self.warnings = warnings
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

/// The inputs of a result file, so a comparison can say "the scenario changed" instead of "regressed".
public struct ResultInputs: Codable, Sendable, Equatable {
    /// The resolved scenario (every default filled in, quantities in base units) without sweep overrides.
    public var scenario: JSONValue
    /// The sweep axes as run: axis key → values in order.
    public var sweep: [Parameter]
    /// SHA-256 (hex) of the canonical JSON of ``scenario`` and ``sweep`` (sorted keys, no whitespace).
    public var scenarioSHA256: String
    /// replsim's version, for example `"0.1.0"`.
    public var replsimVersion: String
    /// The git commit replsim was built from, if known (`nil` outside a git checkout).
    public var replsimCommit: String?

    public init(
        scenario: JSONValue, sweep: [Parameter], scenarioSHA256: String, replsimVersion: String,
        replsimCommit: String?
    ) {
        self.scenario = scenario
        self.sweep = sweep
        self.scenarioSHA256 = scenarioSHA256
        self.replsimVersion = replsimVersion
        self.replsimCommit = replsimCommit
    }
}

/// Any JSON value, to embed a document whose type lives in another module (the resolved scenario).
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The leaf values by dotted key path (`network.circuit.bandwidthBitsPerSecond`, `faults[0]...`), in key
    /// order: what `check` lists when a scenario changed.
    public var leaves: [(path: String, value: String)] {
        var out: [(String, String)] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .null: out.append((path, "null"))
            case .bool(let b): out.append((path, b ? "true" : "false"))
            case .number(let n): out.append((path, n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)))
            case .string(let s): out.append((path, s))
            case .array(let items):
                for (index, item) in items.enumerated() { walk(item, "\(path)[\(index)]") }
            case .object(let members):
                for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                    walk(member, path.isEmpty ? key : "\(path).\(key)")
                }
            }
        }
        walk(self, "")
        return out
    }
}
