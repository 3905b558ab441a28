import SimKernel

/// A finish point in a class's heap: ordered by finish, then slot. Entries whose token no longer matches the
/// flow's token are stale (the flow left the class) and are dropped when they reach the top.
struct FinishEntry: HeapElement {
    var finish: Double
    var slot: Int32
    var token: UInt32
    @inline(__always) func precedes(_ other: FinishEntry) -> Bool {
        finish < other.finish || (finish == other.finish && slot < other.slot)
    }
}

/// The identity of a flow class: flows with the same path, the same per-flow cap and the same cap reason
/// always receive the same rate, so they are one class with a multiplicity.
struct ClassKey: Hashable {
    var path: [Int]
    var capBits: UInt64
    var capReason: Bottleneck
}

/// A class of flows sharing path and cap. `service` is the cumulative per-flow service (bits) since the class
/// last became non-empty; a flow joining with `size` bits gets finish point `service + size`, so finding the
/// next completion needs only the heap top, never a walk over the flows.
struct FlowClass {
    let path: [Int]
    let cap: Double
    let capReason: Bottleneck
    var count = 0
    var rate = 0.0
    var binding: Bottleneck = .other
    var service = 0.0
    var heap = BinaryMinHeap<FinishEntry>()
    /// Absolute time (ns) of the next completion at the current rate; `.max` if none.
    var nextCompletion: Int64 = .max
    var isActive = false

    init(path: [Int], cap: Double, capReason: Bottleneck) {
        self.path = path
        self.cap = cap
        self.capReason = capReason
    }

    /// The service shortfall below which a flow counts as finished: under 2 ns of service plus float dust.
    @inline(__always) var completionTolerance: Double { rate * 2e-9 + 1e-3 }
}

/// One transfer slot.
struct FlowState {
    var generation: UInt32 = 0
    var active = false
    var connection = 0
    var classIndex = 0
    var finish = 0.0
    /// Incremented whenever the flow joins or leaves a class; heap entries with an older token are stale.
    var token: UInt32 = 0
    var sizeBits = 0.0
}
