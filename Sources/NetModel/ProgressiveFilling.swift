import SimKernel

/// Max-min fair progressive filling over flow classes, with reusable scratch storage (no allocation once the
/// buffers have grown to the model's size).
///
/// Inputs per class position `p` (the model's active classes, in order): `cap[p]`, `count[p]` (flows) and the
/// path `pathPool[pathStart[p] ..< pathEnd[p]]` of resource indices. Output per position: `rate[p]` and
/// `limit[p]`, the resource that bound the class, or -1 when its own cap did.
///
/// All unfrozen flows rise together; the next level at which something binds is the smaller of the lowest
/// unfrozen class cap and, for every resource, (remaining capacity) / (unfrozen flows through it). Classes bound
/// at that level are frozen at it, their load leaves the resources, and filling continues. Ties go to the cap,
/// then to the resource first reached in class order; classes frozen in one round are frozen in class order.
/// (This is the rule of the former O(classes²) loop, so the rates are bit-identical to it.)
///
/// Instead of rescanning every class and resource per round, resources sit in a min-heap keyed by their share
/// (stale entries are skipped by a version number), each resource knows its classes (a CSR adjacency built per
/// call), and caps are sorted once.
///
/// - Complexity: O(P log P + C log C) per call, with C classes and P = Σ path lengths; a resource's classes
///   are walked once, when it binds.
struct ProgressiveFilling {
    // Inputs, per class position.
    var cap: [Double] = []
    var count: [Int] = []
    var pathStart: [Int] = []
    var pathEnd: [Int] = []
    // Outputs, per class position.
    var rate: [Double] = []
    var limit: [Int] = []

    // Scratch per resource (indexed by resource, grown with the model).
    private var remaining: [Double] = []
    private var unfrozenFlows: [Int] = []
    private var stamp: [Int] = []
    private var version: [UInt32] = []
    private var order: [Int32] = []
    private var degree: [Int32] = []
    private var adjacencyStart: [Int32] = []
    private var dirtyStamp: [Int] = []
    private var epoch = 0
    private var round = 0
    // Scratch per call.
    private var touched: [Int] = []
    private var adjacency: [Int32] = []
    private var frozen: [Bool] = []
    private var capOrder: [Int32] = []
    private var dirty: [Int] = []
    private var heap = BinaryMinHeap<ShareEntry>()

    /// A resource's share when pushed; stale when `version` no longer matches the resource's.
    struct ShareEntry: HeapElement {
        var share: Double
        var order: Int32
        var resource: Int32
        var version: UInt32
        @inline(__always) func precedes(_ other: ShareEntry) -> Bool {
            share < other.share || (share == other.share && order < other.order)
        }
    }

    /// Makes room for `resourceCount` resources.
    mutating func reserve(resources resourceCount: Int) {
        let missing = resourceCount - remaining.count
        guard missing > 0 else { return }
        remaining.append(contentsOf: repeatElement(0, count: missing))
        unfrozenFlows.append(contentsOf: repeatElement(0, count: missing))
        stamp.append(contentsOf: repeatElement(0, count: missing))
        version.append(contentsOf: repeatElement(0, count: missing))
        order.append(contentsOf: repeatElement(0, count: missing))
        degree.append(contentsOf: repeatElement(0, count: missing))
        adjacencyStart.append(contentsOf: repeatElement(0, count: missing))
        dirtyStamp.append(contentsOf: repeatElement(0, count: missing))
    }

    /// Clears the per-class inputs for a new call.
    mutating func beginInput(classes: Int) {
        cap.removeAll(keepingCapacity: true)
        count.removeAll(keepingCapacity: true)
        pathStart.removeAll(keepingCapacity: true)
        pathEnd.removeAll(keepingCapacity: true)
        cap.reserveCapacity(classes)
        count.reserveCapacity(classes)
        pathStart.reserveCapacity(classes)
        pathEnd.reserveCapacity(classes)
    }

    /// Fills `rate` and `limit` for the inputs, with the resources' effective capacities.
    mutating func fill(pathPool: [Int32], resources: [ResourceState]) {
        let n = cap.count
        if n == 1 {
            fillOne(pathPool: pathPool, resources: resources)
            return
        }
        if n <= Self.scanLimit {
            fillByScanning(pathPool: pathPool, resources: resources)
            return
        }
        epoch &+= 1
        touched.removeAll(keepingCapacity: true)
        var pathTotal = 0
        for p in 0..<n {
            for i in pathStart[p]..<pathEnd[p] {
                let r = Int(pathPool[i])
                if stamp[r] != epoch {
                    stamp[r] = epoch
                    remaining[r] = resources[r].effective
                    unfrozenFlows[r] = 0
                    version[r] = 0
                    degree[r] = 0
                    order[r] = Int32(touched.count)
                    touched.append(r)
                }
                unfrozenFlows[r] += count[p]
                degree[r] += 1
            }
            pathTotal += pathEnd[p] - pathStart[p]
        }
        // CSR adjacency: each resource's classes, in class order.
        var offset: Int32 = 0
        for r in touched {
            adjacencyStart[r] = offset
            offset += degree[r]
            degree[r] = 0  // reused as the fill cursor
        }
        adjacency.removeAll(keepingCapacity: true)
        adjacency.append(contentsOf: repeatElement(0, count: pathTotal))
        for p in 0..<n {
            for i in pathStart[p]..<pathEnd[p] {
                let r = Int(pathPool[i])
                adjacency[Int(adjacencyStart[r] + degree[r])] = Int32(p)
                degree[r] += 1
            }
        }
        capOrder.removeAll(keepingCapacity: true)
        for p in 0..<n { capOrder.append(Int32(p)) }
        capOrder.sort { a, b in
            let ca = cap[Int(a)]
            let cb = cap[Int(b)]
            return ca < cb || (ca == cb && a < b)
        }
        frozen.removeAll(keepingCapacity: true)
        frozen.append(contentsOf: repeatElement(false, count: n))
        rate.removeAll(keepingCapacity: true)
        rate.append(contentsOf: repeatElement(0, count: n))
        limit.removeAll(keepingCapacity: true)
        limit.append(contentsOf: repeatElement(-1, count: n))
        heap.removeAll()
        for r in touched { pushShare(r) }

        var unfrozen = n
        var capCursor = 0
        while unfrozen > 0 {
            while let top = heap.top, top.version != version[Int(top.resource)] { heap.popTop() }
            while capCursor < n && frozen[Int(capOrder[capCursor])] { capCursor += 1 }
            let capLevel = capCursor < n ? cap[Int(capOrder[capCursor])] : .infinity
            round &+= 1
            dirty.removeAll(keepingCapacity: true)
            if let top = heap.top, top.share < capLevel {
                let r = Int(top.resource)
                heap.popTop()
                let start = Int(adjacencyStart[r])
                for k in start..<(start + Int(degree[r])) {
                    let p = Int(adjacency[k])
                    if frozen[p] { continue }
                    freeze(p, level: top.share, limit: r, pathPool: pathPool)
                    unfrozen -= 1
                }
            } else if capLevel.isFinite {
                var k = capCursor
                while k < n && cap[Int(capOrder[k])] <= capLevel {
                    let p = Int(capOrder[k])
                    if !frozen[p] {
                        freeze(p, level: capLevel, limit: -1, pathPool: pathPool)
                        unfrozen -= 1
                    }
                    k += 1
                }
            } else {
                // Unreachable: every path has a resource of finite capacity. Freeze the rest at 0.
                for p in 0..<n where !frozen[p] {
                    freeze(p, level: 0, limit: -1, pathPool: pathPool)
                    unfrozen -= 1
                }
            }
            for r in dirty { pushShare(r) }
        }
    }

    /// One class: the smaller of its cap and its path's tightest resource (the cap wins ties, then the first
    /// resource on the path), as the general loop would decide.
    private mutating func fillOne(pathPool: [Int32], resources: [ResourceState]) {
        var level = cap[0]
        var resource = -1
        let flows = Double(count[0])
        for i in pathStart[0]..<pathEnd[0] {
            let r = Int(pathPool[i])
            let share = Swift.max(0, resources[r].effective) / flows
            if share < level {
                level = share
                resource = r
            }
        }
        if !level.isFinite { level = 0 }
        rate.removeAll(keepingCapacity: true)
        rate.append(level)
        limit.removeAll(keepingCapacity: true)
        limit.append(resource)
    }

    /// Up to this many classes, rescanning every class and resource per round (O(C · (C + R))) beats the heap's
    /// constant factors (measured: the reference scenario at 3 and 10 VMs, 6 and 20 classes).
    static let scanLimit = 32

    /// The same rule by plain rescans: per round, the lowest cap, then any resource with a strictly smaller share
    /// (the first one in touch order on ties); freeze in class order.
    private mutating func fillByScanning(pathPool: [Int32], resources: [ResourceState]) {
        let n = cap.count
        epoch &+= 1
        touched.removeAll(keepingCapacity: true)
        for p in 0..<n {
            for i in pathStart[p]..<pathEnd[p] {
                let r = Int(pathPool[i])
                if stamp[r] != epoch {
                    stamp[r] = epoch
                    remaining[r] = resources[r].effective
                    unfrozenFlows[r] = 0
                    touched.append(r)
                }
                unfrozenFlows[r] += count[p]
            }
        }
        frozen.removeAll(keepingCapacity: true)
        frozen.append(contentsOf: repeatElement(false, count: n))
        rate.removeAll(keepingCapacity: true)
        rate.append(contentsOf: repeatElement(0, count: n))
        limit.removeAll(keepingCapacity: true)
        limit.append(contentsOf: repeatElement(-1, count: n))
        // Work on locals (moved out, so uniquely referenced): the optimiser hoists their checks out of the loops.
        var frozen = takeArray(&self.frozen)
        var rate = takeArray(&self.rate)
        var limit = takeArray(&self.limit)
        var remaining = takeArray(&self.remaining)
        var unfrozenFlows = takeArray(&self.unfrozenFlows)
        let cap = self.cap
        let count = self.count
        let pathStart = self.pathStart
        let pathEnd = self.pathEnd
        let touched = self.touched
        defer {
            self.frozen = frozen
            self.rate = rate
            self.limit = limit
            self.remaining = remaining
            self.unfrozenFlows = unfrozenFlows
        }
        var unfrozen = n
        while unfrozen > 0 {
            var level = Double.infinity
            var limiting = -1
            for p in 0..<n where !frozen[p] && cap[p] < level { level = cap[p] }
            for r in touched where unfrozenFlows[r] > 0 {
                let share = Swift.max(0, remaining[r]) / Double(unfrozenFlows[r])
                if share < level {
                    level = share
                    limiting = r
                }
            }
            if !level.isFinite { level = 0 }  // unreachable: every path has a resource of finite capacity
            var frozeAny = false
            for p in 0..<n where !frozen[p] {
                if limiting >= 0 {
                    var i = pathStart[p]
                    while i < pathEnd[p] && Int(pathPool[i]) != limiting { i += 1 }
                    guard i < pathEnd[p] else { continue }
                } else {
                    guard cap[p] <= level else { continue }
                }
                frozen[p] = true
                frozeAny = true
                unfrozen -= 1
                rate[p] = level
                limit[p] = limiting
                let load = level * Double(count[p])
                for i in pathStart[p]..<pathEnd[p] {
                    let r = Int(pathPool[i])
                    remaining[r] -= load
                    unfrozenFlows[r] -= count[p]
                }
            }
            if !frozeAny {  // unreachable (level 0 with infinite caps): freeze the rest at 0
                for p in 0..<n where !frozen[p] {
                    frozen[p] = true
                    unfrozen -= 1
                }
            }
        }
    }

    /// Moves an array out of a stored property, leaving it empty (no copy, no retain left behind).
    @inline(__always) private func takeArray<T>(_ array: inout [T]) -> [T] {
        var taken: [T] = []
        swap(&taken, &array)
        return taken
    }

    private mutating func freeze(_ p: Int, level: Double, limit resource: Int, pathPool: [Int32]) {
        frozen[p] = true
        rate[p] = level
        limit[p] = resource
        let flows = count[p]
        let load = level * Double(flows)
        for i in pathStart[p]..<pathEnd[p] {
            let r = Int(pathPool[i])
            remaining[r] -= load
            unfrozenFlows[r] -= flows
            version[r] &+= 1
            if dirtyStamp[r] != round {
                dirtyStamp[r] = round
                dirty.append(r)
            }
        }
    }

    private mutating func pushShare(_ r: Int) {
        guard unfrozenFlows[r] > 0 else { return }
        let share = Swift.max(0, remaining[r]) / Double(unfrozenFlows[r])
        heap.push(ShareEntry(share: share, order: order[r], resource: Int32(r), version: version[r]))
    }
}
