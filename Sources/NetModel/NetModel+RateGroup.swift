import SimKernel

/// The common steady state of a large run: one resource (typically the storage account's ingress) binds every
/// active class in the first round of progressive filling, so every flow has the same rate C / N. While that
/// holds, a flow start or end in an existing class changes only N, and the model keeps the classes in a
/// *rate group* instead of reallocating them one by one:
///
/// - a group virtual clock V(t) (per-flow bits served since the group formed) advances at the common rate;
///   a member class's service is `V(t) − base`, so no class is touched when the rate changes;
/// - a heap over member classes keyed by their first finish point in V units gives the next completion;
/// - the check that the allocation keeps its shape is O(path length · log resources): the new level
///   C / N′ must stay strictly below every member's cap and strictly below every other touched resource's share.
///   Only resources with less capacity than C need their shares watched (a min-heap, updated for the resources
///   on the changed class's path); one with more never binds first, since it carries at most the N′ flows; one
///   with exactly C binds (a tie) only when it carries all N′ (a scan of those few resources).
///
/// When the check fails, or anything else changes (a class appears or empties, a capacity changes, a fault),
/// the group is dissolved (each member's service and rate materialised) and a full reallocation runs; the
/// rates it yields are exactly those the group would have had, since the level is computed by the same
/// formula as progressive filling's first round.
///
/// - Complexity: O(log classes + path length · log resources) per flow start or end while the group holds;
///   O(classes · log classes) to form it (only attempted with at least `RateGroup.minimumClasses` classes).
struct RateGroup {
    /// Forming a group costs O(classes log classes); below this many classes a full reallocation is cheaper.
    static let minimumClasses = 8

    var active = false
    var resource = -1
    var kind: Bottleneck = .other
    var flows = 0
    var level = 0.0
    var minimumCap = Double.infinity
    /// V(t) = v0 + level × (t − vTime) / 1e9.
    var v0 = 0.0
    var vTime: Int64 = 0
    var heap = BinaryMinHeap<GroupEntry>()
    /// Per resource: flows through it (non-group resources only), and the version of its share entry.
    var resourceFlows: [Int] = []
    var resourceVersion: [UInt32] = []
    var resourceStamp: [Int] = []
    var formation = 0
    /// Per resource touched by the group (other than its own): how it could end the group. A resource with more
    /// capacity than the group's never binds first (it carries at most the group's flows); one with the same
    /// capacity only when it carries all of them (a tie, which the full algorithm decides); one with less, when
    /// its share falls to the level.
    var resourceRole: [ResourceRole] = []
    /// The resources with the group resource's capacity.
    var equalResources: [Int] = []
    /// Min-heap of the shares of the resources with less capacity.
    var shares = BinaryMinHeap<ShareEntry>()

    enum ResourceRole {
        case larger, equal, smaller
    }
    /// Set by a flow start or end in a member class: the level must be recomputed.
    var dirty = false

    /// A member class's first finish point in V units; stale when `version` no longer matches the class's.
    struct GroupEntry: HeapElement {
        var key: Double
        var classIndex: Int32
        var version: UInt32
        @inline(__always) func precedes(_ other: GroupEntry) -> Bool {
            key < other.key || (key == other.key && classIndex < other.classIndex)
        }
    }

    /// A non-group resource's share (capacity / flows); stale when `version` no longer matches.
    struct ShareEntry: HeapElement {
        var share: Double
        var resource: Int32
        var version: UInt32
        @inline(__always) func precedes(_ other: ShareEntry) -> Bool { share < other.share }
    }

    @inline(__always) func virtualTime(at t: Int64) -> Double {
        t == vTime ? v0 : v0 + level * (Double(t - vTime) / 1e9)
    }
}

extension NetModel {
    /// Per-flow service (bits) of class `c` at `now`.
    /// - Complexity: O(1).
    @inline(__always) func serviceOf(_ c: Int) -> Double {
        classes[c].inGroup
            ? group.virtualTime(at: now.nanoseconds) - classes[c].base : classes[c].service(at: now.nanoseconds)
    }

    /// Per-flow rate (bits/s) of class `c`.
    /// - Complexity: O(1).
    @inline(__always) func rateOf(_ c: Int) -> Double { classes[c].inGroup ? group.level : classes[c].rate }

    /// The service shortfall below which a flow of class `c` counts as finished: under 2 ns of service plus
    /// float dust.
    @inline(__always) func completionTolerance(_ c: Int) -> Double { rateOf(c) * 2e-9 + 1e-3 }

    /// Forms a group after a full reallocation if one resource bound every active class.
    mutating func formGroupIfUniform() {
        guard allowsFastPaths, activeClasses.count >= RateGroup.minimumClasses, let first = filler.limit.first, first >= 0 else {
            return
        }
        for r in filler.limit where r != first { return }
        let t = now.nanoseconds
        group.active = true
        group.dirty = false
        group.resource = first
        group.kind = resources[first].kind
        group.level = filler.rate[0]
        group.v0 = 0
        group.vTime = t
        group.flows = 0
        group.minimumCap = .infinity
        group.heap.removeAll()
        group.shares.removeAll()
        if group.resourceFlows.count < resources.count {
            group.resourceFlows.append(contentsOf: repeatElement(0, count: resources.count - group.resourceFlows.count))
            group.resourceVersion.append(
                contentsOf: repeatElement(0, count: resources.count - group.resourceVersion.count))
            group.resourceStamp.append(contentsOf: repeatElement(0, count: resources.count - group.resourceStamp.count))
            group.resourceRole.append(
                contentsOf: repeatElement(.larger, count: resources.count - group.resourceRole.count))
        }
        group.equalResources.removeAll(keepingCapacity: true)
        group.formation &+= 1
        for c in activeClasses {
            for i in classPath(c) {
                group.resourceFlows[Int(pathPool[i])] = 0
            }
        }
        for c in activeClasses {
            group.flows += classes[c].count
            group.minimumCap = Swift.min(group.minimumCap, classes[c].cap)
            for i in classPath(c) {
                group.resourceFlows[Int(pathPool[i])] += classes[c].count
            }
            // reallocate() folded the service at now.
            classes[c].base = -classes[c].service
            classes[c].inGroup = true
            refreshGroupEntry(c)
        }
        for c in activeClasses {
            for i in classPath(c) {
                let r = Int(pathPool[i])
                if r != first && group.resourceStamp[r] != group.formation {
                    group.resourceStamp[r] = group.formation
                    classifyForGroup(r)
                    if group.resourceRole[r] == .smaller {
                        group.resourceVersion[r] &+= 1
                        pushShare(r)
                    }
                }
            }
        }
        cachedNextCompletion = groupNextCompletion()
    }

    /// Class `c`, just become active and still empty, joins the group when the group's resource is on its path
    /// (whether the group keeps its shape is checked with the new counts by `updateGroupLevel`); otherwise the
    /// model must reallocate. Its service starts at 0 now.
    /// - Complexity: O(path length).
    mutating func admitToGroup(_ c: Int) {
        let path = classPath(c)
        guard path.contains(where: { Int(pathPool[$0]) == group.resource }),
            resources.count <= group.resourceFlows.count
        else {
            needsReallocation = true
            return
        }
        for i in path {
            let r = Int(pathPool[i])
            // A resource no member used since the group formed: its count starts from zero.
            if r != group.resource && group.resourceStamp[r] != group.formation {
                group.resourceStamp[r] = group.formation
                group.resourceFlows[r] = 0
                classifyForGroup(r)
            }
        }
        group.minimumCap = Swift.min(group.minimumCap, classes[c].cap)
        classes[c].inGroup = true
        classes[c].base = group.virtualTime(at: now.nanoseconds)
    }

    /// Dissolves the group: every member gets its service and rate materialised at `now`.
    /// - Complexity: O(classes).
    mutating func dissolveGroup() {
        guard group.active else { return }
        compactActiveClasses()
        let t = now.nanoseconds
        let v = group.virtualTime(at: t)
        for c in activeClasses where classes[c].inGroup {
            classes[c].service = v - classes[c].base
            classes[c].serviceTime = t
            classes[c].rate = group.level
            classes[c].inGroup = false
        }
        group.active = false
        group.dirty = false
        group.heap.removeAll()
        group.shares.removeAll()
    }

    /// A flow joined (+1) or left (−1) member class `c`, which stays non-empty.
    mutating func groupCountChanged(_ c: Int, by delta: Int) {
        group.flows += delta
        for i in classPath(c) {
            let r = Int(pathPool[i])
            group.resourceFlows[r] += delta
            if r != group.resource && group.resourceRole[r] == .smaller {
                group.resourceVersion[r] &+= 1
                pushShare(r)
            }
        }
        group.dirty = true
    }

    /// Recomputes the group's level after count changes; false if the allocation changes shape (the caller then
    /// dissolves the group and reallocates fully).
    /// - Complexity: O(log resources) amortised.
    mutating func updateGroupLevel() -> Bool {
        guard group.flows > 0 else { return false }
        let level = Swift.max(0, resources[group.resource].effective) / Double(group.flows)
        guard level < group.minimumCap else { return false }
        while let top = group.shares.top, top.version != group.resourceVersion[Int(top.resource)] {
            group.shares.popTop()
        }
        if let top = group.shares.top, !(top.share > level) { return false }
        for r in group.equalResources where group.resourceFlows[r] >= group.flows { return false }
        let t = now.nanoseconds
        group.v0 = group.virtualTime(at: t)
        group.vTime = t
        group.level = level
        group.dirty = false
        clearKindSums()
        kindRates[group.kind.index] = level * Double(group.flows)
        kindFlows[group.kind.index] = Double(group.flows)
        cachedNextCompletion = groupNextCompletion()
        return true
    }

    /// Pushes member class `c`'s current first finish point (after its class heap changed).
    /// - Complexity: O(log classes).
    mutating func refreshGroupEntry(_ c: Int) {
        classes[c].groupVersion &+= 1
        guard classes[c].count > 0, let top = cleanTop(c) else { return }
        group.heap.push(
            RateGroup.GroupEntry(
                key: top.finish + classes[c].base, classIndex: Int32(c), version: classes[c].groupVersion))
    }

    /// The group's member class with the earliest finish point, dropping stale entries.
    mutating func groupTop() -> RateGroup.GroupEntry? {
        while let top = group.heap.top {
            let c = Int(top.classIndex)
            if classes[c].inGroup && classes[c].groupVersion == top.version { return top }
            group.heap.popTop()
        }
        return nil
    }

    /// The time of the group's next completion at its current level.
    mutating func groupNextCompletion() -> Int64 {
        guard group.level > 0, let top = groupTop() else { return .max }
        let remaining = top.key - group.virtualTime(at: now.nanoseconds)
        if remaining <= group.level * 2e-9 + 1e-3 { return now.nanoseconds }
        let nanos = (remaining / group.level * 1e9).rounded(.up)
        if nanos >= 9e18 { return .max }
        return now.nanoseconds &+ Int64(nanos)
    }

    /// Member classes with a flow due now, in `activeClasses` order, in `due` (cleared first; passed in so that
    /// its storage is reused across calls).
    mutating func dueGroupClasses(into due: inout [Int]) {
        due.removeAll(keepingCapacity: true)
        let v = group.virtualTime(at: now.nanoseconds)
        let tolerance = group.level * 2e-9 + 1e-3
        while let top = groupTop(), top.key - v <= tolerance {
            due.append(Int(top.classIndex))
            group.heap.popTop()
            classes[Int(top.classIndex)].groupVersion &+= 1
        }
        if due.count > 1 {
            // Members are active, so their entries' positions give the activeClasses order.
            let classes = self.classes
            due.sort { classes[$0].activePosition < classes[$1].activePosition }
        }
    }

    /// Records how resource `r`, newly touched by the group, could end it (`RateGroup.ResourceRole`).
    private mutating func classifyForGroup(_ r: Int) {
        let capacity = resources[r].effective
        let groupCapacity = resources[group.resource].effective
        if capacity > groupCapacity {
            group.resourceRole[r] = .larger
        } else if capacity == groupCapacity {
            group.resourceRole[r] = .equal
            group.equalResources.append(r)
        } else {
            group.resourceRole[r] = .smaller
        }
    }

    private mutating func pushShare(_ r: Int) {
        let flows = group.resourceFlows[r]
        guard flows > 0 else { return }
        let share = Swift.max(0, resources[r].effective) / Double(flows)
        group.shares.push(RateGroup.ShareEntry(share: share, resource: Int32(r), version: group.resourceVersion[r]))
        // Lazy deletion leaves a stale entry per push; drop them once they outnumber the live ones, so the heap
        // stays O(resources) (amortised O(1) per push).
        if group.shares.count > 2 * resources.count + 64 {
            let versions = group.resourceVersion
            group.shares.removeAll { $0.version != versions[Int($0.resource)] }
        }
    }
}
