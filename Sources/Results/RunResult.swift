/// The outcome of one run: one point of a sweep (or the only run of a scenario without axes).
///
/// Units are in the field names or their doc comments: seconds of simulated (or, for live runs, measured)
/// time as `Double`, bytes as `Int64`, rates in bits per second, shares in 0...1.
/// `docs/results.md` documents every field.
public struct RunResult: Codable, Sendable, Equatable {
    /// A stable identifier built from the sweep assignments, e.g. `"vms=3,threadsPerVM=8"`; the key that
    /// `replsim check` matches runs on. Unique within a file.
    public var id: String
    /// The sweep assignments of this run, in axis order. Empty for a scenario without axes.
    public var parameters: [Parameter]
    /// Number of replicating VMs.
    public var vms: Int
    /// `UploadThreadsPerVM` (1...32).
    public var threadsPerVM: Int
    /// The seed this run used (derived from the file's root seed).
    public var seed: UInt64
    /// Simulated time covered by the run, in seconds (for live runs: measured time since start).
    public var simulatedSeconds: Double
    /// The interval the mean throughput is taken over (warm-up excluded).
    public var measuredInterval: MeasuredInterval
    /// Mean aggregate payload throughput over ``measuredInterval``, in bits per second.
    public var throughputBitsPerSecond: Double
    /// Highest aggregate throughput of one time-series interval, in bits per second.
    public var peakThroughputBitsPerSecond: Double
    /// Payload bytes acknowledged by storage (after compression, before protocol overhead).
    public var bytesPayload: Int64
    /// Bytes sent on the wire: payload plus request/response overhead plus re-sent bytes.
    public var bytesOnWire: Int64
    /// The ``BottleneckKind`` raw value that bound the run for the longest (time-weighted) share.
    public var bottleneck: String
    /// Time-weighted share (0...1) of the measured interval each bottleneck kind bound the run.
    /// Shares sum to 1 when attribution covered the whole interval.
    public var bottleneckShares: [String: Double]
    /// Aggregate (and optionally per-VM) throughput over time.
    public var timeSeries: ThroughputSeries
    /// Mean payload throughput of each VM over the measured interval, bits per second, indexed by VM.
    public var perVMThroughputBitsPerSecond: [Double]
    /// Initial replication outcome; `nil` when the run did no initial replication.
    public var initialReplication: InitialReplication?
    /// Delta replication cycles; `nil` when the run had no cycles.
    public var cycles: CycleStats?
    /// Chunk upload attempts that were retries (after a failure, reset or throttle).
    public var retries: Int
    /// Requests answered as throttled (503 / Retry-After).
    public var throttledRequests: Int
    /// Connections reset (faults, failover).
    public var resets: Int
    /// Payload bytes sent more than once (not acknowledged before a fault or restart).
    public var bytesResent: Int64
    /// Events the simulation processed (for live runs: core events handled).
    public var eventCount: Int
    /// Wall-clock facts of a live run; always `nil` for simulated runs (keeps them deterministic).
    public var live: LiveRunInfo?
    /// Capacities of this run's resources (its own circuit, account and blob caps, which a sweep may vary), so a
    /// 500 Mbps run of a bandwidth sweep is labelled 500 Mbps. Optional; readers fall back to the file's limits.
    public var limits: [ResourceLimit]?

    public init(
        id: String,
        parameters: [Parameter],
        vms: Int,
        threadsPerVM: Int,
        seed: UInt64,
        simulatedSeconds: Double,
        measuredInterval: MeasuredInterval,
        throughputBitsPerSecond: Double,
        peakThroughputBitsPerSecond: Double,
        bytesPayload: Int64,
        bytesOnWire: Int64,
        bottleneck: String,
        bottleneckShares: [String: Double],
        timeSeries: ThroughputSeries,
        perVMThroughputBitsPerSecond: [Double],
        initialReplication: InitialReplication? = nil,
        cycles: CycleStats? = nil,
        retries: Int = 0,
        throttledRequests: Int = 0,
        resets: Int = 0,
        bytesResent: Int64 = 0,
        eventCount: Int = 0,
        live: LiveRunInfo? = nil,
        limits: [ResourceLimit]? = nil
    ) {
        self.id = id
        self.parameters = parameters
        self.vms = vms
        self.threadsPerVM = threadsPerVM
        self.seed = seed
        self.simulatedSeconds = simulatedSeconds
        self.measuredInterval = measuredInterval
        self.throughputBitsPerSecond = throughputBitsPerSecond
        self.peakThroughputBitsPerSecond = peakThroughputBitsPerSecond
        self.bytesPayload = bytesPayload
        self.bytesOnWire = bytesOnWire
        self.bottleneck = bottleneck
        self.bottleneckShares = bottleneckShares
        self.timeSeries = timeSeries
        self.perVMThroughputBitsPerSecond = perVMThroughputBitsPerSecond
        self.initialReplication = initialReplication
        self.cycles = cycles
        self.retries = retries
        self.throttledRequests = throttledRequests
        self.resets = resets
        self.bytesResent = bytesResent
        self.eventCount = eventCount
        self.live = live
        self.limits = limits
    }

    /// Builds the conventional run id from sweep assignments: `"key=value,key=value"`, or `"run"` when empty.
    /// - Complexity: O(n) in the number of parameters.
    public static func makeID(_ parameters: [Parameter]) -> String {
        parameters.isEmpty ? "run" : parameters.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The share of the measured interval the named bottleneck bound the run (0 when absent).
    public var bottleneckShare: Double { bottleneckShares[bottleneck] ?? 0 }
}
