/// The other common steady state: the active classes split by what binds them. Each class is bound by its own
/// cap, or by a resource that binds *every* class through it (each VM's page blob, shared by that VM's classes
/// on the two circuit legs, at 3-25 VMs of the reference scenario); every other resource has slack. Then the
/// classes through a binding resource r all get effective(r) / (flows through r), independently of the rest,
/// and a flow start or end changes only its own partition cell instead of reallocating every class.
///
/// Why this equals progressive filling: while flows rise together at level L, a slack resource carries the
/// final rates of the classes already frozen plus L (at most their final rate) for the others, so at most its
/// final load, which is below its capacity; it never binds. A binding resource sees none of its classes frozen
/// before it binds (each is bound by it, strictly below its cap), so it binds at the same float value
/// `effective / flows`. The checks are strict (a tie between a cap and a share, which the full algorithm breaks
/// by rule, leaves the mode) and keep a relative margin of 1e-9 on slack, so that rounding in the full
/// algorithm could not decide otherwise. When a class appears or empties, on any other change, or when a check
/// fails, the model leaves the mode and reallocates fully.
///
/// - Complexity: per flow start or end, O(Σ path lengths × classes through those resources) over the classes
///   of the changed cell, plus O(classes) for the next completion and the per-kind sums; O(P) to form after a
///   full reallocation, P the sum of the active classes' path lengths.
struct BottleneckPartition {
    var active = false
    /// Per resource: whether it binds its classes, and its classes as
    /// `members[memberStart[r] ..< memberStart[r] + memberCount[r]]` (as of formation; no class appears or
    /// empties while the mode holds).
    var binds: [Bool] = []
    var memberStart: [Int32] = []
    var memberCount: [Int32] = []
    var members: [Int32] = []
    /// The resources on the active classes' paths at formation, each once.
    var touched: [Int] = []
    var stamp: [Int] = []
    var formation = 0
    /// Per class: the resource that binds it, or -1 for its cap.
    var classLimit: [Int32] = []
    /// Classes whose flow count changed since the last update (a class may appear twice).
    var dirty: [Int] = []
    /// Binding resources whose cell got a new level in the current update, each once (`cellStamp`).
    var changedCells: [Int] = []
    var cellStamp: [Int] = []
    var update = 0

    /// A slack resource's load must stay below its capacity times this.
    static let margin = 1 - 1e-9
}

extension NetModel {
    /// Enters the partition mode after a full reallocation (which set every class's rate) if its conditions
    /// hold.
    mutating func formPartitionIfSeparable() {
        guard allowsFastPaths, !group.active, activeClasses.count > 1 else { return }
        let missing = resources.count - partition.binds.count
        if missing > 0 {
            partition.binds.append(contentsOf: repeatElement(false, count: missing))
            partition.memberStart.append(contentsOf: repeatElement(0, count: missing))
            partition.memberCount.append(contentsOf: repeatElement(0, count: missing))
            partition.stamp.append(contentsOf: repeatElement(0, count: missing))
            partition.cellStamp.append(contentsOf: repeatElement(0, count: missing))
        }
        if partition.classLimit.count < classes.count {
            partition.classLimit.append(contentsOf: repeatElement(-1, count: classes.count - partition.classLimit.count))
        }
        partition.formation &+= 1
        let formation = partition.formation
        partition.touched.removeAll(keepingCapacity: true)
        var pathTotal = 0
        for c in activeClasses {
            for i in classPath(c) {
                let r = Int(pathPool[i])
                if partition.stamp[r] != formation {
                    partition.stamp[r] = formation
                    partition.binds[r] = false
                    partition.memberCount[r] = 0
                    partition.touched.append(r)
                }
                partition.memberCount[r] += 1
            }
            pathTotal += classes[c].pathLength
        }
        for (p, c) in activeClasses.enumerated() {
            let r = filler.limit[p]
            partition.classLimit[c] = Int32(r)
            if r >= 0 { partition.binds[r] = true }
        }
        // Every class through a binding resource must be bound by it.
        for c in activeClasses {
            for i in classPath(c) {
                let r = Int(pathPool[i])
                if partition.binds[r] && partition.classLimit[c] != Int32(r) { return }
            }
        }
        var offset: Int32 = 0
        for r in partition.touched {
            partition.memberStart[r] = offset
            offset += partition.memberCount[r]
            partition.memberCount[r] = 0  // refilled below
        }
        partition.members.removeAll(keepingCapacity: true)
        partition.members.append(contentsOf: repeatElement(0, count: pathTotal))
        for c in activeClasses {
            for i in classPath(c) {
                let r = Int(pathPool[i])
                partition.members[Int(partition.memberStart[r] + partition.memberCount[r])] = Int32(c)
                partition.memberCount[r] += 1
            }
        }
        for r in partition.touched where !hasSlack(r) { return }
        partition.active = true
        partition.dirty.removeAll(keepingCapacity: true)
    }

    /// The classes of resource `r` (as of formation), as positions in `partition.members`.
    @inline(__always) func cell(_ r: Int) -> Range<Int> {
        Int(partition.memberStart[r])..<Int(partition.memberStart[r] + partition.memberCount[r])
    }

    /// True for a binding resource, or one whose load is below its capacity by the margin.
    /// - Complexity: O(classes through `r`).
    func hasSlack(_ r: Int) -> Bool {
        guard !partition.binds[r] else { return true }
        var load = 0.0
        for k in cell(r) {
            let c = Int(partition.members[k])
            load += classes[c].rate * Double(classes[c].count)
        }
        return load < resources[r].effective * BottleneckPartition.margin
    }

    /// Whether every resource on class `c`'s path still has slack (or binds), after which `c`'s next completion
    /// is brought up to date.
    mutating func refreshPartitionClass(_ c: Int) -> Bool {
        for i in classPath(c) where !hasSlack(Int(pathPool[i])) { return false }
        classes[c].nextCompletion = nextCompletion(of: c)
        return true
    }

    /// Gives the cells of the classes whose count changed their new rate; false (the caller then reallocates
    /// fully) if a class emptied, a cap would bind, or a slack resource lost its slack.
    mutating func updatePartition() -> Bool {
        compactActiveClasses()  // no class empties in this mode (that asks for a full reallocation): O(1)
        let t = now.nanoseconds
        partition.update &+= 1
        let update = partition.update
        partition.changedCells.removeAll(keepingCapacity: true)
        for c in partition.dirty {
            guard classes[c].count > 0 else { return false }
            let r = Int(partition.classLimit[c])
            if r < 0 {  // cap-bound: its rate stays; its loads and next completion change
                guard refreshPartitionClass(c) else { return false }
                continue
            }
            guard partition.cellStamp[r] != update else { continue }
            partition.cellStamp[r] = update
            partition.changedCells.append(r)
            var flows = 0
            for k in cell(r) { flows += classes[Int(partition.members[k])].count }
            let level = Swift.max(0, resources[r].effective) / Double(flows)
            for k in cell(r) {
                let member = Int(partition.members[k])
                guard level < classes[member].cap else { return false }
                classes[member].service = classes[member].service(at: t)
                classes[member].serviceTime = t
                classes[member].rate = level
            }
        }
        for r in partition.changedCells {
            for k in cell(r) where !refreshPartitionClass(Int(partition.members[k])) { return false }
        }
        partition.dirty.removeAll(keepingCapacity: true)
        clearKindSums()
        var earliest = Int64.max
        for c in activeClasses {
            let flows = Double(classes[c].count)
            kindRates[classes[c].binding.index] += classes[c].rate * flows
            kindFlows[classes[c].binding.index] += flows
            earliest = Swift.min(earliest, classes[c].nextCompletion)
        }
        cachedNextCompletion = earliest
        return true
    }
}
