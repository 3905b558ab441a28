import SimKernel

/// Where a connection's packets go.
public enum ConnectionRoute: Sendable, Equatable {
    /// A fixed list of resources with the given TCP characteristics.
    case path([ResourceID], PathCharacteristics)
    /// Host-side resources (NIC, throttle) then a circuit: the connection is hashed onto one circuit leg;
    /// after a detected failure new transfers take the other leg or the circuit's fallback path.
    case circuit(CircuitID, hostSide: [ResourceID])
}

/// A connection's state.
struct ConnectionState {
    var route: ConnectionRoute
    var tcp: TCPParameters
    /// Preferred circuit leg (ECMP-style hash of the connection).
    var preferredLeg: Int
    var activeSlot: Int?
    var everUsed = false
    var needsRestart = false
    var lastActivity: Int64 = 0
    /// Route of the last transfer (leg index, or -1 - fallback index, or 0 for a fixed path).
    var lastRouteKey = Int.min
    /// Congestion window while in slow start; nil once slow start is over.
    var cwndSegments: Double?
    var slowStartGeneration: UInt64 = 0
    var slowStartHandle: EventHandle?
    var pathCharacteristics = PathCharacteristics(rttSeconds: 1)
    var pathCapacity = Double.infinity
    /// The full path of the last transfer and the storage part it was built from, reused while both match
    /// (saves an allocation per transfer).
    var cachedPath: [Int] = []
    var cachedStorage: [ResourceID] = []
    /// The class of the last transfer and the cap it was chosen for, reused while the cached path and the cap
    /// match (saves hashing the path per transfer).
    var cachedClass: (index: Int, cap: ConnectionCap)?
    /// The congestion-avoidance window between chunks on a path with a queue (nil before slow start is over,
    /// after a restart, or where no burst can overflow the queue) and the cap it gives the transfer in flight.
    var burstWindow: QueueBurstWindow?
    var burstCap: Double?
}

extension NetModel {
    /// Opens a TCP connection (no traffic until a transfer starts; slow start begins with the first one).
    /// - Throws: `NetModelError` for an unknown resource or circuit, an empty path or invalid TCP values.
    public mutating func openConnection(route: ConnectionRoute, tcp: TCPParameters = TCPParameters(), now: SimTime)
        throws -> ConnectionID
    {
        let index = connections.count
        _ = try tcp.validated("connection \(index).tcp")
        switch route {
        case .path(let path, let characteristics):
            guard !path.isEmpty else { throw NetModelError.emptyPath(ConnectionID(index: index)) }
            for resource in path { try checkResource(resource) }
            _ = try characteristics.validated("connection \(index).path")
        case .circuit(let circuit, let hostSide):
            guard circuits.indices.contains(circuit.index) else {
                throw NetModelError.unknown("circuit \(circuit.index)")
            }
            for resource in hostSide { try checkResource(resource) }
        }
        bringUp(to: now)
        let legCount: Int
        switch route {
        case .path: legCount = 1
        case .circuit(let circuit, _): legCount = circuits[circuit.index].legs.count
        }
        let preferred = Int(SplitMix64.mix(UInt64(index)) % UInt64(legCount))
        connections.append(ConnectionState(route: route, tcp: tcp, preferredLeg: preferred))
        return ConnectionID(index: index)
    }

    /// Starts a transfer of `bytes` on `connection`, through the connection's route followed by `storage`
    /// resources (e.g. `storagePath(blob:)`).
    /// - Throws: `NetModelError` for an unknown connection or resource, a busy connection or a size <= 0.
    /// - Complexity: O(log n) plus a reallocation.
    public mutating func startTransfer(
        on connection: ConnectionID, bytes: Int64, storage: [ResourceID] = [], now: SimTime
    ) throws -> TransferID {
        try startTransferOnPath(on: connection, bytes: bytes, storage: storage, now: now).transfer
    }

    /// `startTransfer`, also returning the path characteristics the transfer runs with (the driver times the
    /// response with their RTT; asking `pathCharacteristics(of:)` afterwards gives the same).
    /// - Throws: as `startTransfer`.
    /// - Complexity: as `startTransfer`.
    public mutating func startTransferOnPath(
        on connection: ConnectionID, bytes: Int64, storage: [ResourceID] = [], now: SimTime
    ) throws -> (transfer: TransferID, path: PathCharacteristics) {
        guard connections.indices.contains(connection.index) else {
            throw NetModelError.unknown("connection \(connection.index)")
        }
        try requirePositive(Double(bytes), "startTransfer(connection \(connection.index)).bytes")
        for resource in storage { try checkResource(resource) }
        bringUp(to: now)
        let c = connection.index
        if let active = connections[c].activeSlot {
            throw NetModelError.connectionBusy(
                connection, active: TransferID(slot: Int32(active), generation: flows[active].generation))
        }
        let (characteristics, routeKey) = routeCharacteristics(of: c)
        let path: [Int]
        if routeKey == connections[c].lastRouteKey && storage == connections[c].cachedStorage
            && !connections[c].cachedPath.isEmpty
        {
            path = connections[c].cachedPath
        } else {
            path = resolveRoute(of: c).path + storage.map(\.index)
            connections[c].cachedPath = path
            connections[c].cachedStorage = storage
            connections[c].cachedClass = nil
        }
        var pathCapacity = Double.infinity
        for r in path { pathCapacity = Swift.min(pathCapacity, resources[r].nominal) }

        let tcp = connections[c].tcp
        let idle = Double(now.nanoseconds - connections[c].lastActivity) / 1e9
        let restart =
            !connections[c].everUsed || connections[c].needsRestart || routeKey != connections[c].lastRouteKey
            || (tcp.slowStartAfterIdle && idle > TCPCaps.retransmissionTimeout(rttSeconds: characteristics.rttSeconds))
        if tcp.slowStart && restart { connections[c].cwndSegments = Double(tcp.initialWindowSegments) }
        if !tcp.slowStart { connections[c].cwndSegments = nil }
        if restart { connections[c].burstWindow = nil }
        connections[c].everUsed = true
        connections[c].needsRestart = false
        connections[c].lastRouteKey = routeKey
        connections[c].lastActivity = now.nanoseconds
        connections[c].pathCharacteristics = characteristics
        connections[c].pathCapacity = pathCapacity
        connections[c].burstCap = nil
        if connections[c].cwndSegments == nil, let queue = characteristics.queuePackets {
            burstEpisode(connection: c, bytes: bytes, path: path, queuePackets: queue)
        }

        let cap = currentCap(connection: c)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = Int(free)
        } else {
            flows.append(FlowState())
            slot = flows.count - 1
        }
        flows[slot].active = true
        flows[slot].connection = c
        flows[slot].sizeBits = Double(bytes) * 8
        activeFlowCount += 1
        connections[c].activeSlot = slot
        let classIndex: Int
        if let cached = connections[c].cachedClass, cached.cap == cap {
            classIndex = cached.index
        } else {
            classIndex = classFor(path: path, cap: cap.bitsPerSecond, reason: cap.reason)
            connections[c].cachedClass = (classIndex, cap)
        }
        join(slot: slot, classIndex: classIndex, remainingBits: Double(bytes) * 8)
        scheduleSlowStartStep(connection: c)
        settle()
        return (TransferID(slot: Int32(slot), generation: flows[slot].generation), characteristics)
    }

    /// Cancels a transfer in flight; returns the bits it had delivered, or nil if it was not in flight
    /// (a legitimate race with its completion: a no-op).
    @discardableResult
    public mutating func cancelTransfer(_ transfer: TransferID, now: SimTime) -> Double? {
        bringUp(to: now)
        guard let slot = liveSlot(transfer) else { return nil }
        let connection = flows[slot].connection
        let delivered = flows[slot].sizeBits - (bitsRemaining(of: transfer) ?? 0)
        endFlow(slot: slot)
        transferEnded(connection: connection)
        settle()
        return delivered
    }

    /// The TCP cap of connection `c` now; ends slow start when it has reached the steady-state cap.
    mutating func currentCap(connection c: Int) -> ConnectionCap {
        let state = connections[c]
        let cap = state.tcp.cap(
            path: state.pathCharacteristics, cwndSegments: state.cwndSegments, pathCapacity: state.pathCapacity,
            burstCap: state.burstCap)
        if cap.slowStartDone { connections[c].cwndSegments = nil }
        return cap
    }

    /// Runs connection `c`'s queue-burst window over a transfer of `bytes` on `path` (its route's resources then
    /// storage) and sets the transfer's burst cap: bytes over the time the window needs alone on the link
    /// (`QueueBurstWindow`). The link is the route's last resource (circuit leg or internet path), the burst
    /// arrives at the slowest host-side resource's rate. The cap keeps 8 significant bits (±0.2 %), so that the
    /// sawtooth reuses a few hundred flow classes instead of making one per chunk.
    mutating func burstEpisode(connection c: Int, bytes: Int64, path: [Int], queuePackets: Double) {
        let routeLength: Int
        switch connections[c].route {
        case .path(let resources, _): routeLength = resources.count
        case .circuit(_, let hostSide): routeLength = hostSide.count + 1
        }
        let link = resources[path[routeLength - 1]].nominal
        var access = Double.infinity
        for r in path[..<(routeLength - 1)] { access = Swift.min(access, resources[r].nominal) }
        guard link.isFinite, link > 0 else { return }
        let tcp = connections[c].tcp
        let characteristics = connections[c].pathCharacteristics
        let mss = Double(tcp.mssBytes)
        let rtt = TCPCaps.serialisedRTT(
            rttSeconds: characteristics.rttSeconds, mssBytes: tcp.mssBytes, bottleneckBitsPerSecond: link,
            packets: tcp.serialisationPackets)
        let burstPath = QueueBurstPath(
            queuePackets: queuePackets, bdpPackets: link * rtt / (8 * mss),
            drainRatio: access.isFinite ? Swift.min(1, link / access) : 0, rttSeconds: rtt,
            windowPackets: tcp.windowBytes.map { Double($0) / mss } ?? .infinity)
        guard burstPath.canOverflow else {
            connections[c].burstWindow = nil
            return
        }
        var window =
            connections[c].burstWindow
            ?? QueueBurstWindow(
                growth: characteristics.congestionControl == .reno
                    ? .reno(alpha: tcp.ackCounting == .perAck ? 1 / Double(tcp.delayedAckSegments) : 1)
                    : .cubic(renoFriendly: tcp.cubicResponse == .rfc9438),
                beta: characteristics.congestionControl == .reno ? 0.5 : 0.7,
                windowPackets: Swift.min(burstPath.windowPackets, burstPath.bdpPackets + queuePackets))
        let seconds = window.send(packets: Double(bytes) / mss, on: burstPath)
        connections[c].burstWindow = window
        let cap = Double(bytes) * 8 / seconds
        let kept = (cap.significand * 256).rounded() / 256
        connections[c].burstCap = Double(sign: .plus, exponent: cap.exponent, significand: kept)
    }

    mutating func scheduleSlowStartStep(connection c: Int) {
        guard connections[c].cwndSegments != nil else { return }
        let rtt = SimDuration.seconds(connections[c].pathCharacteristics.rttSeconds)
        connections[c].slowStartHandle = internalEvents.push(
            .slowStartStep(connection: c, generation: connections[c].slowStartGeneration), at: now + rtt)
    }

    /// Bookkeeping when connection `c`'s transfer ends: idle from now, no slow-start step while idle.
    mutating func transferEnded(connection c: Int) {
        connections[c].activeSlot = nil
        connections[c].lastActivity = now.nanoseconds
        connections[c].slowStartGeneration &+= 1
        if let handle = connections[c].slowStartHandle { internalEvents.cancel(handle) }
        connections[c].slowStartHandle = nil
    }

    /// One RTT of slow start passed with a transfer in flight: cwnd doubles (RFC 5681 §3.1). Growth does not
    /// check whether the connection was cwnd-limited (Linux's `tcp_is_cwnd_limited` is not modelled).
    mutating func slowStartStepped(connection c: Int, generation: UInt64) {
        guard generation == connections[c].slowStartGeneration, let slot = connections[c].activeSlot,
            let cwnd = connections[c].cwndSegments
        else { return }  // stale: the transfer ended or slow start restarted
        connections[c].slowStartHandle = nil
        connections[c].cwndSegments = cwnd * 2
        move(slot: slot, cap: currentCap(connection: c))
        scheduleSlowStartStep(connection: c)
    }

    /// Characteristics and route key for a new transfer on connection `c` (no allocation).
    func routeCharacteristics(of c: Int) -> (characteristics: PathCharacteristics, routeKey: Int) {
        switch connections[c].route {
        case .path(_, let characteristics):
            return (characteristics, 0)
        case .circuit(let circuit, _):
            let choice = circuitRoute(circuit: circuit.index, preferredLeg: connections[c].preferredLeg)
            return (choice.characteristics, choice.routeKey)
        }
    }

    /// Resources, characteristics and a route key for a new transfer on connection `c`.
    func resolveRoute(of c: Int) -> (path: [Int], characteristics: PathCharacteristics, routeKey: Int) {
        switch connections[c].route {
        case .path(let path, let characteristics):
            return (path.map(\.index), characteristics, 0)
        case .circuit(let circuit, let hostSide):
            let choice = circuitRoute(circuit: circuit.index, preferredLeg: connections[c].preferredLeg)
            return (hostSide.map(\.index) + [choice.resource], choice.characteristics, choice.routeKey)
        }
    }

    /// Dispatches one internal event.
    mutating func handle(_ event: InternalEvent) {
        switch event {
        case .slowStartStep(let connection, let generation):
            slowStartStepped(connection: connection, generation: generation)
        case .crossTrafficStep(let resource, let share):
            resources[resource].crossTrafficShare = share
            needsReallocation = true
        case .legDown(let circuit, let leg):
            legWentDown(circuit: circuit, leg: leg)
        case .legUp(let circuit, let leg):
            legCameUp(circuit: circuit, leg: leg)
        case .detectionExpired(let circuit, let leg, let epoch):
            detectionExpired(circuit: circuit, leg: leg, epoch: epoch)
        case .restorationExpired(let circuit, let leg, let epoch):
            restorationExpired(circuit: circuit, leg: leg, epoch: epoch)
        }
    }
}
