import SimKernel

/// Something the model reports to its driver from `advance(to:)`.
public enum NetEvent: Equatable, Sendable {
    /// A transfer delivered all its bytes.
    case transferCompleted(TransferID, connection: ConnectionID, at: SimTime)
    /// A transfer on a path found dead (after the detection delay) ended as a connection reset.
    case transferReset(TransferID, connection: ConnectionID, at: SimTime, bitsDelivered: Double)
    /// New transfers over a circuit now take another route (after detection or restoration).
    case routeChanged(CircuitID, leg: Int, routed: Bool, at: SimTime)
}

/// The flow-level ("fluid") network and storage model: resources with capacities, flows over paths of
/// resources with per-connection TCP caps, max-min fair sharing by progressive filling.
///
/// Usable without the kernel: a driver asks `nextEventTime()`, wakes up then, calls `advance(to:)` and gets
/// the `NetEvent`s up to that time; mutations (`openConnection`, `startTransfer`, `cancelTransfer`, faults,
/// admission) take `now:` and first bring the model up to `now` (events that fell due are kept and returned
/// by the next `advance`). Rates change only at events.
///
/// Costs: flows with identical path and cap form one class; a reallocation costs O(P log P) with P the sum of
/// the active classes' path lengths (see `ProgressiveFilling`); a flow start or end costs O(log flows in its
/// class) plus a reallocation, done once at the end of each public call; advancing time costs O(1) per event
/// (class service is folded lazily at reallocations).
///
/// Not modelled: packet-level dynamics, queueing delay, RTT changes with load, loss caused by the model's
/// own congestion (loss rates are path inputs).
public struct NetModel {
    /// The model's clock: the last time it was brought up to.
    public internal(set) var now: SimTime = .zero
    /// Time-weighted bottleneck attribution so far.
    public internal(set) var attribution = BottleneckTotals()

    var resources: [ResourceState] = []
    var classes: [FlowClass] = []
    var classLookup: [ClassKey: Int] = [:]
    /// The active classes in the order they became active, with holes: a class that empties leaves its entry
    /// behind (`FlowClass.activePosition` no longer points at it) until `compactActiveClasses()` squeezes them
    /// out, keeping the order. So a class emptying costs O(1) amortised, not a shift of every later entry.
    var activeClasses: [Int] = []
    /// Entries of `activeClasses` that are holes.
    var activeHoles = 0
    var flows: [FlowState] = []
    var freeSlots: [Int32] = []
    var connections: [ConnectionState] = []
    var circuits: [CircuitState] = []
    var fallbacks: [FallbackState] = []
    var accounts: [TokenBucket] = []
    var accountIngress: [Int] = []
    var blobs: [BlobState] = []
    var internalEvents = EventQueue<InternalEvent>()
    var pending: [NetEvent] = []
    var needsReallocation = false
    /// Classes bound together by one resource, kept without per-class reallocation (see `RateGroup`).
    var group = RateGroup()
    /// Classes split by the resource (or cap) binding them, updated cell by cell (see `BottleneckPartition`).
    var partition = BottleneckPartition()
    /// Storage reused by `completeDueFlows` for the rate group's due classes.
    var dueScratch: [Int] = []
    /// Off only in tests that check the fast paths (`RateGroup`, `BottleneckPartition`) against plain reallocation.
    var allowsFastPaths = true
    var cachedNextCompletion: Int64 = .max
    var activeFlowCount = 0
    /// Every class's path, flat (see `FlowClass.pathStart`); append-only, like `classes`.
    var pathPool: [Int32] = []
    /// The allocator and its scratch storage.
    var filler = ProgressiveFilling()
    /// Per `Bottleneck.index`: Σ rate × flows and Σ flows of the classes it binds, as of the last reallocation.
    var kindRates = [Double](repeating: 0, count: Bottleneck.allCases.count)
    var kindFlows = [Double](repeating: 0, count: Bottleneck.allCases.count)

    public init() {}

    /// Adds a resource of `kind` with capacity `bitsPerSecond`.
    /// - Throws: `NetModelError.invalidValue` for a capacity that is not finite and positive.
    /// - Complexity: O(1) amortised.
    public mutating func addResource(name: String, kind: Bottleneck, bitsPerSecond: Double) throws -> ResourceID {
        try requirePositive(bitsPerSecond, "resource '\(name)'.bitsPerSecond")
        resources.append(ResourceState(name: name, kind: kind, nominal: bitsPerSecond))
        return ResourceID(index: resources.count - 1)
    }

    /// Changes a resource's nominal capacity at `now` (e.g. a bandwidth throttle's work-hours switch).
    public mutating func setCapacity(_ resource: ResourceID, bitsPerSecond: Double, now: SimTime) throws {
        try requirePositive(bitsPerSecond, "setCapacity(\(resource.index)).bitsPerSecond")
        try checkResource(resource)
        bringUp(to: now)
        resources[resource.index].nominal = bitsPerSecond
        needsReallocation = true
        settle()
    }

    /// Reallocates if anything changed, so that queries (`rate(of:)`, `load(on:)`) see current rates.
    /// Every public mutation ends with it; many changes inside one call cost one reallocation.
    mutating func settle() {
        if allocationIsStale { reallocate() }
    }

    /// The time of the next model event (completion or internal step), or nil if nothing is pending.
    /// - Complexity: O(classes × resources) if a reallocation is due, else O(1) amortised.
    public mutating func nextEventTime() -> SimTime? {
        if !pending.isEmpty { return now }
        if allocationIsStale { reallocate() }
        var next = cachedNextCompletion
        if let queued = internalEvents.peekTime()?.nanoseconds, queued < next { next = queued }
        return next == .max ? nil : SimTime(nanoseconds: next)
    }

    /// Moves the model to `time` and returns everything that happened up to and including it, in time order
    /// (same-time completions in class order, then finish-point order). A `time` before `now` is treated as `now`.
    /// - Complexity: O(events × (classes × resources + log flows)).
    public mutating func advance(to time: SimTime) -> [NetEvent] {
        bringUp(to: time)
        settle()
        let events = pending
        pending.removeAll()
        return events
    }

    /// Number of transfers in flight.
    public var activeTransfers: Int { activeFlowCount }

    /// The effective capacity of a resource now (0 when down; reduced by cross traffic).
    public func capacity(of resource: ResourceID) -> Double? {
        resources.indices.contains(resource.index) ? resources[resource.index].effective : nil
    }

    /// The current rate of a transfer in bits/s, or nil if it is not in flight.
    /// - Complexity: O(1).
    public func rate(of transfer: TransferID) -> Double? {
        guard let slot = liveSlot(transfer) else { return nil }
        return rateOf(flows[slot].classIndex)
    }

    /// What binds a transfer's rate now (its class's binding constraint), or nil if it is not in flight.
    /// - Complexity: O(1).
    public func binding(of transfer: TransferID) -> Bottleneck? {
        guard let slot = liveSlot(transfer) else { return nil }
        return classes[flows[slot].classIndex].binding
    }

    /// Bits a transfer still has to deliver, or nil if it is not in flight.
    public func bitsRemaining(of transfer: TransferID) -> Double? {
        guard let slot = liveSlot(transfer) else { return nil }
        let flow = flows[slot]
        return Swift.max(0, flow.finish - serviceOf(flow.classIndex))
    }

    /// The sum of the rates of all flows through `resource`.
    /// - Complexity: O(classes × path length).
    public func load(on resource: ResourceID) -> Double {
        var total = 0.0
        for (position, c) in activeClasses.enumerated()
        where classes[c].activePosition == position && classes[c].path.contains(resource.index) {
            total += rateOf(c) * Double(classes[c].count)
        }
        return total
    }

    func liveSlot(_ transfer: TransferID) -> Int? {
        let slot = Int(transfer.slot)
        guard flows.indices.contains(slot), flows[slot].active, flows[slot].generation == transfer.generation
        else { return nil }
        return slot
    }

    func checkResource(_ resource: ResourceID) throws {
        guard resources.indices.contains(resource.index) else {
            throw NetModelError.unknown("resource \(resource.index)")
        }
    }

    // MARK: - Time

    /// Processes every completion and internal event up to `time`, appending reported events to `pending`.
    mutating func bringUp(to time: SimTime) {
        let target = time.nanoseconds
        guard target >= now.nanoseconds else { return }
        while true {
            if allocationIsStale { reallocate() }
            var next = cachedNextCompletion
            if let queued = internalEvents.peekTime()?.nanoseconds, queued < next { next = queued }
            if next > target { break }
            progress(to: next)
            if next >= cachedNextCompletion { completeDueFlows() }
            while let queued = internalEvents.peekTime(), queued.nanoseconds <= next,
                let (_, _, event) = internalEvents.popFirst()
            {
                handle(event)
            }
        }
        progress(to: target)
    }

    /// Accrues attribution from `now` to `time` at the current rates (class service is lazy: see `FlowClass`).
    /// - Complexity: O(bottleneck kinds), independent of classes and flows.
    mutating func progress(to time: Int64) {
        if allocationIsStale { reallocate() }
        let elapsed = time - now.nanoseconds
        guard elapsed > 0 else { return }
        let seconds = Double(elapsed) / 1e9
        if activeClasses.count > activeHoles {
            attribution.busySeconds += seconds
            for kind in kindRates.indices where kindFlows[kind] > 0 {
                attribution.bitsByKind[kind] += kindRates[kind] * seconds
                attribution.flowSecondsByKind[kind] += kindFlows[kind] * seconds
            }
        }
        now = SimTime(nanoseconds: time)
    }

    /// Completes every flow whose finish point has been reached.
    mutating func completeDueFlows() {
        if group.active && !needsReallocation {
            var due: [Int] = []
            swap(&due, &dueScratch)
            dueGroupClasses(into: &due)
            for c in due {
                completeDueFlows(ofClass: c)
                if classes[c].inGroup { refreshGroupEntry(c) }
            }
            swap(&due, &dueScratch)
            return
        }
        // Flows only end here (no class becomes active), so emptied classes leave holes and entries stay put.
        var position = 0
        while position < activeClasses.count {
            let c = activeClasses[position]
            if classes[c].activePosition == position { completeDueFlows(ofClass: c) }
            position += 1
        }
    }

    /// Completes the flows of class `c` whose finish point has been reached, in finish-point order.
    mutating func completeDueFlows(ofClass c: Int) {
        let tolerance = completionTolerance(c)
        while let top = cleanTop(c), top.finish - serviceOf(c) <= tolerance {
            let slot = Int(top.slot)
            let id = TransferID(slot: top.slot, generation: flows[slot].generation)
            let connection = flows[slot].connection
            endFlow(slot: slot)
            pending.append(.transferCompleted(id, connection: ConnectionID(index: connection), at: now))
            transferEnded(connection: connection)
        }
    }

    /// The heap top of class `c` after dropping stale entries.
    mutating func cleanTop(_ c: Int) -> FinishEntry? {
        while let top = classes[c].heap.top {
            if flows[Int(top.slot)].token == top.token && flows[Int(top.slot)].active { return top }
            classes[c].heap.popTop()
        }
        return nil
    }
}

/// A resource's state.
struct ResourceState {
    var name: String
    var kind: Bottleneck
    var nominal: Double
    var crossTrafficShare = 0.0
    var isUp = true

    init(name: String, kind: Bottleneck, nominal: Double) {
        self.name = name
        self.kind = kind
        self.nominal = nominal
    }

    /// Capacity available to modelled flows.
    var effective: Double { isUp ? nominal * (1 - crossTrafficShare) : 0 }
}

/// Events the model schedules for itself.
enum InternalEvent {
    case slowStartStep(connection: Int, generation: UInt64)
    case crossTrafficStep(resource: Int, share: Double)
    case legDown(circuit: Int, leg: Int)
    case legUp(circuit: Int, leg: Int)
    case detectionExpired(circuit: Int, leg: Int, epoch: Int)
    case restorationExpired(circuit: Int, leg: Int, epoch: Int)
}
