extension NetModel {
    /// Max-min fair allocation by progressive filling over flow classes.
    ///
    /// All unfrozen flows rise together; the next level at which something binds is the smaller of the
    /// lowest class cap and, for every resource, (remaining capacity) / (unfrozen flows through it). Classes
    /// bound at that level are frozen at it, their load leaves the resources, and filling continues. Each
    /// round freezes at least one class. Records the binding constraint of each class (its cap reason or
    /// the resource kind) and the next completion time of each class.
    ///
    /// - Complexity: O(classes × (classes + resources on active paths)).
    mutating func reallocate() {
        needsReallocation = false
        scratchEpoch &+= 1
        let epoch = scratchEpoch
        scratchTouched.removeAll(keepingCapacity: true)
        for c in activeClasses {
            let count = classes[c].count
            for r in classes[c].path {
                if scratchStamp[r] != epoch {
                    scratchStamp[r] = epoch
                    scratchRemaining[r] = resources[r].effective
                    scratchUnfrozen[r] = 0
                    scratchTouched.append(r)
                }
                scratchUnfrozen[r] += count
            }
        }
        scratchFrozen.removeAll(keepingCapacity: true)
        scratchFrozen.append(contentsOf: repeatElement(false, count: activeClasses.count))
        var unfrozen = activeClasses.count
        while unfrozen > 0 {
            var level = Double.infinity
            var limitingResource = -1
            for (position, c) in activeClasses.enumerated() where !scratchFrozen[position] && classes[c].cap < level {
                level = classes[c].cap
            }
            for r in scratchTouched where scratchUnfrozen[r] > 0 {
                let share = Swift.max(0, scratchRemaining[r]) / Double(scratchUnfrozen[r])
                if share < level {
                    level = share
                    limitingResource = r
                }
            }
            if !level.isFinite { level = 0 }  // unreachable: every path has a resource of finite capacity
            for (position, c) in activeClasses.enumerated() where !scratchFrozen[position] {
                let binding: Bottleneck
                if limitingResource >= 0 {
                    guard classes[c].path.contains(limitingResource) else { continue }
                    binding = resources[limitingResource].kind
                } else {
                    guard classes[c].cap <= level else { continue }
                    binding = classes[c].capReason
                }
                scratchFrozen[position] = true
                unfrozen -= 1
                classes[c].rate = level
                classes[c].binding = binding
                let load = level * Double(classes[c].count)
                for r in classes[c].path {
                    scratchRemaining[r] -= load
                    scratchUnfrozen[r] -= classes[c].count
                }
            }
        }
        var earliest = Int64.max
        for c in activeClasses {
            let next = nextCompletion(of: c)
            classes[c].nextCompletion = next
            if next < earliest { earliest = next }
        }
        cachedNextCompletion = earliest
    }

    /// When the first flow of class `c` finishes at its current rate.
    mutating func nextCompletion(of c: Int) -> Int64 {
        guard classes[c].rate > 0, let top = cleanTop(c) else { return .max }
        let remaining = top.finish - classes[c].service
        if remaining <= classes[c].completionTolerance { return now.nanoseconds }
        let nanos = (remaining / classes[c].rate * 1e9).rounded(.up)
        if nanos >= 9e18 { return .max }
        return now.nanoseconds &+ Int64(nanos)
    }

    // MARK: - Class membership

    /// The class for `(path, cap, reason)`, created on first use.
    /// - Complexity: O(path length) for hashing.
    mutating func classFor(path: [Int], cap: Double, reason: Bottleneck) -> Int {
        let key = ClassKey(path: path, capBits: cap.bitPattern, capReason: reason)
        if let existing = classLookup[key] { return existing }
        classes.append(FlowClass(path: path, cap: cap, capReason: reason))
        classLookup[key] = classes.count - 1
        return classes.count - 1
    }

    /// Puts flow `slot` into class `c` with `remainingBits` to go.
    /// - Complexity: O(log n) in the class's flows.
    mutating func join(slot: Int, classIndex c: Int, remainingBits: Double) {
        if classes[c].count == 0 {
            classes[c].service = 0
            classes[c].heap.removeAll()
        }
        if !classes[c].isActive {
            classes[c].isActive = true
            activeClasses.append(c)
        }
        classes[c].count += 1
        flows[slot].classIndex = c
        flows[slot].token &+= 1
        flows[slot].finish = classes[c].service + remainingBits
        classes[c].heap.push(FinishEntry(finish: flows[slot].finish, slot: Int32(slot), token: flows[slot].token))
        needsReallocation = true
    }

    /// Takes flow `slot` out of its class (its heap entry goes stale) and returns the bits it had left.
    /// - Complexity: O(1), or O(active classes) when the class empties.
    @discardableResult
    mutating func leave(slot: Int) -> Double {
        let c = flows[slot].classIndex
        let remaining = Swift.max(0, flows[slot].finish - classes[c].service)
        flows[slot].token &+= 1
        classes[c].count -= 1
        if classes[c].count == 0 {
            classes[c].heap.removeAll()
            classes[c].service = 0
            classes[c].nextCompletion = .max
            classes[c].isActive = false
            if let position = activeClasses.firstIndex(of: c) { activeClasses.remove(at: position) }
        }
        needsReallocation = true
        return remaining
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
