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

/// A class of flows sharing path and cap. The cumulative per-flow service (bits) since the class last became
/// non-empty is `service + rate × (now − serviceTime)`: it is kept lazily, folded only when the rate changes
/// (at a reallocation), so advancing time does not touch every class. A flow joining with `size` bits gets
/// finish point `service(now) + size`, so finding the next completion needs only the heap top, never a walk
/// over the flows.
struct FlowClass {
    let path: [Int]
    /// The path's resources in `NetModel.pathPool[pathStart ..< pathStart + path.count]` (flat, so the
    /// allocator's hot loops read no nested array and retain nothing).
    let pathStart: Int
    let pathLength: Int
    let cap: Double
    let capReason: Bottleneck
    var count = 0
    var rate = 0.0
    var binding: Bottleneck = .other
    /// Per-flow service (bits) at `serviceTime`.
    var service = 0.0
    /// Time (ns) at which `service` was last folded.
    var serviceTime: Int64 = 0
    var heap = BinaryMinHeap<FinishEntry>()
    /// Absolute time (ns) of the next completion at the current rate; `.max` if none.
    var nextCompletion: Int64 = .max
    var isActive = false
    /// The index of this class's entry in `NetModel.activeClasses` while active, -1 otherwise (an entry whose
    /// class no longer points back at it is a hole left by the class emptying).
    var activePosition = -1
    /// A member of the model's rate group: its service is `V(now) − base` and its rate the group's level
    /// (`service`, `serviceTime` and `rate` are then stale; see `RateGroup`).
    var inGroup = false
    var base = 0.0
    var groupVersion: UInt32 = 0

    init(path: [Int], pathStart: Int, cap: Double, capReason: Bottleneck) {
        self.path = path
        self.pathStart = pathStart
        pathLength = path.count
        self.cap = cap
        self.capReason = capReason
    }

    /// Per-flow service (bits) at time `now` (ns), at the current rate.
    /// - Complexity: O(1).
    @inline(__always) func service(at now: Int64) -> Double {
        now == serviceTime ? service : service + rate * (Double(now - serviceTime) / 1e9)
    }
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
