extension NetModel {
    /// Max-min fair allocation by progressive filling over flow classes (`ProgressiveFilling`). Records the
    /// binding constraint of each class (its cap reason or the resource kind), the next completion time of each
    /// class, and the per-kind rate sums that `progress(to:)` integrates. Folds each class's lazy service at
    /// `now` first, since its rate may change.
    ///
    /// - Complexity: O(P log P + C log C) with C active classes and P the sum of their path lengths.
    mutating func reallocate() {
        if group.active {
            if !needsReallocation && updateGroupLevel() { return }
            dissolveGroup()
        }
        if partition.active {
            if !needsReallocation && updatePartition() { return }
            partition.active = false
        }
        compactActiveClasses()
        partition.dirty.removeAll(keepingCapacity: true)
        needsReallocation = false
        let t = now.nanoseconds
        filler.reserve(resources: resources.count)
        filler.beginInput(classes: activeClasses.count)
        for c in activeClasses {
            classes[c].service = classes[c].service(at: t)
            classes[c].serviceTime = t
            filler.cap.append(classes[c].cap)
            filler.count.append(classes[c].count)
            filler.pathStart.append(classes[c].pathStart)
            filler.pathEnd.append(classes[c].pathStart + classes[c].pathLength)
        }
        filler.fill(pathPool: pathPool, resources: resources)
        clearKindSums()
        var earliest = Int64.max
        for (p, c) in activeClasses.enumerated() {
            let level = filler.rate[p]
            let r = filler.limit[p]
            let binding = r >= 0 ? resources[r].kind : classes[c].capReason
            classes[c].rate = level
            classes[c].binding = binding
            let flows = Double(classes[c].count)
            kindRates[binding.index] += level * flows
            kindFlows[binding.index] += flows
            let next = nextCompletion(of: c)
            classes[c].nextCompletion = next
            if next < earliest { earliest = next }
        }
        cachedNextCompletion = earliest
        formGroupIfUniform()
        formPartitionIfSeparable()
    }

    /// Whether rates must be brought up to date before time moves or anyone reads them.
    @inline(__always) var allocationIsStale: Bool {
        needsReallocation || group.dirty || !partition.dirty.isEmpty
    }

    /// The range of `pathPool` holding class `c`'s path.
    @inline(__always) func classPath(_ c: Int) -> Range<Int> {
        classes[c].pathStart..<(classes[c].pathStart + classes[c].pathLength)
    }

    /// Zeroes the per-kind rate and flow sums before they are summed anew.
    mutating func clearKindSums() {
        for k in kindRates.indices {
            kindRates[k] = 0
            kindFlows[k] = 0
        }
    }

    /// When the first flow of class `c` finishes at its current rate.
    mutating func nextCompletion(of c: Int) -> Int64 {
        let rate = rateOf(c)
        guard rate > 0, let top = cleanTop(c) else { return .max }
        let remaining = top.finish - serviceOf(c)
        if remaining <= completionTolerance(c) { return now.nanoseconds }
        let nanos = (remaining / rate * 1e9).rounded(.up)
        if nanos >= 9e18 { return .max }
        return now.nanoseconds &+ Int64(nanos)
    }

    // MARK: - Class membership

    /// The class for `(path, cap, reason)`, created on first use.
    /// - Complexity: O(path length) for hashing.
    mutating func classFor(path: [Int], cap: Double, reason: Bottleneck) -> Int {
        let key = ClassKey(path: path, capBits: cap.bitPattern, capReason: reason)
        if let existing = classLookup[key] { return existing }
        let pathStart = pathPool.count
        for r in path { pathPool.append(Int32(r)) }
        classes.append(FlowClass(path: path, pathStart: pathStart, cap: cap, capReason: reason))
        classLookup[key] = classes.count - 1
        return classes.count - 1
    }

    /// Puts flow `slot` into class `c` with `remainingBits` to go.
    /// - Complexity: O(log n) in the class's flows.
    mutating func join(slot: Int, classIndex c: Int, remainingBits: Double) {
        if classes[c].count == 0 {
            classes[c].service = 0
            classes[c].serviceTime = now.nanoseconds
            classes[c].heap.removeAll()
        }
        let wasActive = classes[c].isActive
        if !wasActive {
            classes[c].isActive = true
            if activeHoles > 16 && activeHoles * 2 > activeClasses.count { compactActiveClasses() }
            classes[c].activePosition = activeClasses.count
            activeClasses.append(c)
            if group.active && !needsReallocation { admitToGroup(c) }
        }
        classes[c].count += 1
        flows[slot].classIndex = c
        flows[slot].token &+= 1
        flows[slot].finish = serviceOf(c) + remainingBits
        let entry = FinishEntry(finish: flows[slot].finish, slot: Int32(slot), token: flows[slot].token)
        classes[c].heap.push(entry)
        if classes[c].inGroup {
            groupCountChanged(c, by: 1)
            if let top = classes[c].heap.top, top.slot == entry.slot, top.token == entry.token {
                refreshGroupEntry(c)
            }
        } else if partition.active && wasActive {
            partition.dirty.append(c)
        } else {
            needsReallocation = true
        }
    }

    /// Takes flow `slot` out of its class (its heap entry goes stale) and returns the bits it had left.
    /// A rate-group member that empties just leaves the group (the group's level is recomputed); any other
    /// change asks for a reallocation.
    /// - Complexity: O(1), or O(active classes) when the class empties.
    @discardableResult
    mutating func leave(slot: Int) -> Double {
        let c = flows[slot].classIndex
        let remaining = Swift.max(0, flows[slot].finish - serviceOf(c))
        flows[slot].token &+= 1
        classes[c].count -= 1
        let wasInGroup = classes[c].inGroup
        if wasInGroup {
            groupCountChanged(c, by: -1)
            if classes[c].count > 0 {
                refreshGroupEntry(c)
                return remaining
            }
            classes[c].inGroup = false
            classes[c].groupVersion &+= 1  // its entry in the group heap is stale from now on
        }
        if classes[c].count == 0 {
            classes[c].heap.removeAll()
            classes[c].service = 0
            classes[c].nextCompletion = .max
            classes[c].isActive = false
            classes[c].activePosition = -1  // its entry in activeClasses is a hole from now on
            activeHoles += 1
        }
        if !wasInGroup {
            if partition.active && classes[c].count > 0 {
                partition.dirty.append(c)
            } else {
                needsReallocation = true
            }
        }
        return remaining
    }

    /// Squeezes the holes out of `activeClasses`, keeping the order in which the classes became active.
    /// - Complexity: O(entries) when there are holes, else O(1).
    mutating func compactActiveClasses() {
        guard activeHoles > 0 else { return }
        var kept = 0
        for position in activeClasses.indices {
            let c = activeClasses[position]
            guard classes[c].activePosition == position else { continue }
            activeClasses[kept] = c
            classes[c].activePosition = kept
            kept += 1
        }
        activeClasses.removeLast(activeClasses.count - kept)
        activeHoles = 0
    }

    /// Moves flow `slot` to the class for a new cap, keeping its remaining bits.
    mutating func move(slot: Int, cap: ConnectionCap) {
        let path = classes[flows[slot].classIndex].path
        let target = classFor(path: path, cap: cap.bitsPerSecond, reason: cap.reason)
        if target == flows[slot].classIndex { return }
        let remaining = leave(slot: slot)
        join(slot: slot, classIndex: target, remainingBits: remaining)
    }

    /// Ends flow `slot` (completion, reset or cancel) and frees the slot.
    mutating func endFlow(slot: Int) {
        leave(slot: slot)
        flows[slot].active = false
        flows[slot].generation &+= 1
        activeFlowCount -= 1
        freeSlots.append(Int32(slot))
    }
}
