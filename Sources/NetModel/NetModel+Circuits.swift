import SimKernel

/// Cross traffic on an internet path, as a share of its capacity taken by others.
public enum CrossTraffic: Sendable, Equatable {
    case none
    case constant(share: Double)
    /// Steps `(from time, share)`; before the first step the share is 0. Each step is a model event.
    case profile([(at: SimTime, share: Double)])

    public static func == (lhs: CrossTraffic, rhs: CrossTraffic) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): true
        case (.constant(let a), .constant(let b)): a == b
        case (.profile(let a), .profile(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.at == $1.at && $0.share == $1.share }
        case (.none, _), (.constant, _), (.profile, _): false
        }
    }
}

/// An internet fallback path (docs/sources.md §5.1: site-to-site VPN typically < 1 Gbps; RTT 20-150 ms and loss
/// 1e-4..1e-2 are planning assumptions, not published figures).
public struct FallbackPathConfig: Sendable, Equatable {
    public var name: String
    public var bitsPerSecond: Double
    public var characteristics: PathCharacteristics
    public var crossTraffic: CrossTraffic

    public init(
        name: String, bitsPerSecond: Double, characteristics: PathCharacteristics, crossTraffic: CrossTraffic = .none
    ) {
        self.name = name
        self.bitsPerSecond = bitsPerSecond
        self.characteristics = characteristics
        self.crossTraffic = crossTraffic
    }
}

/// A private-peering circuit (ExpressRoute, docs/sources.md §4).
public struct CircuitConfig: Sendable, Equatable {
    /// How the circuit's bandwidth B is policed.
    public enum Policing: String, Sendable, Equatable {
        /// Primary and secondary connection each policed at B: up to 2B with both up ("burst up to two times
        /// the bandwidth"), B with one down.
        case dual
        /// One policer at B for the whole circuit.
        case single
    }

    public var name: String
    public var bitsPerSecond: Double
    public var characteristics: PathCharacteristics
    public var policing: Policing
    /// Failure detection delay: BGP hold timer 180 s by default on the MSEE; BFD 300 ms × 3 ≈ 0.9 s
    /// (`articles/expressroute/expressroute-bfd.md`).
    public var detectionDelay: SimDuration
    /// Delay from a leg coming back up to traffic using it again (BGP session re-establishment and route
    /// advertisement). Not published; 30 s is an assumption.
    public var restorationDelay: SimDuration
    /// Where traffic goes when both legs are detected down (nil: new transfers use the dead leg at rate 0
    /// and move again once it is physically back up).
    public var fallback: FallbackPathID?

    public static let bgpHoldTime = SimDuration.seconds(180)
    public static let bfdDetection = SimDuration.milliseconds(900)

    public init(
        name: String, bitsPerSecond: Double, characteristics: PathCharacteristics, policing: Policing = .dual,
        detectionDelay: SimDuration = CircuitConfig.bgpHoldTime, restorationDelay: SimDuration = .seconds(30),
        fallback: FallbackPathID? = nil
    ) {
        self.name = name
        self.bitsPerSecond = bitsPerSecond
        self.characteristics = characteristics
        self.policing = policing
        self.detectionDelay = detectionDelay
        self.restorationDelay = restorationDelay
        self.fallback = fallback
    }
}

/// Which circuit connections a fault takes down.
public enum CircuitLegs: String, Sendable, Equatable {
    case primary, secondary, both
}

struct CircuitState {
    var config: CircuitConfig
    /// One resource per leg (one for `.single` policing).
    var legs: [Int]
    /// BGP's view: traffic may use the leg.
    var routed: [Bool]
    var downEpoch: [Int]
    var upEpoch: [Int]
}

struct FallbackState {
    var resource: Int
    var characteristics: PathCharacteristics
}

extension NetModel {
    /// Adds an internet fallback path (a resource of kind `.fallbackPath`).
    public mutating func addFallbackPath(_ config: FallbackPathConfig) throws -> FallbackPathID {
        let characteristics = try config.characteristics.validated("fallback '\(config.name)'")
        let resource = try addResource(name: config.name, kind: .fallbackPath, bitsPerSecond: config.bitsPerSecond)
        switch config.crossTraffic {
        case .none: break
        case .constant(let share):
            try requireFraction(share, "fallback '\(config.name)'.crossTraffic share")
            resources[resource.index].crossTrafficShare = share
        case .profile(let steps):
            for (position, step) in steps.enumerated() {
                try requireFraction(step.share, "fallback '\(config.name)'.crossTraffic[\(position)].share")
                internalEvents.push(.crossTrafficStep(resource: resource.index, share: step.share), at: step.at)
            }
        }
        fallbacks.append(FallbackState(resource: resource.index, characteristics: characteristics))
        return FallbackPathID(index: fallbacks.count - 1)
    }

    /// Adds a circuit (one or two resources of kind `.circuit`, each policed at B).
    public mutating func addCircuit(_ config: CircuitConfig) throws -> CircuitID {
        _ = try config.characteristics.validated("circuit '\(config.name)'")
        if let fallback = config.fallback, !fallbacks.indices.contains(fallback.index) {
            throw NetModelError.unknown("fallback path \(fallback.index) of circuit '\(config.name)'")
        }
        let names: [String]
        switch config.policing {
        case .dual: names = ["\(config.name)/primary", "\(config.name)/secondary"]
        case .single: names = ["\(config.name)"]
        }
        var legs: [Int] = []
        for name in names {
            legs.append(try addResource(name: name, kind: .circuit, bitsPerSecond: config.bitsPerSecond).index)
        }
        circuits.append(
            CircuitState(
                config: config, legs: legs, routed: legs.map { _ in true }, downEpoch: legs.map { _ in 0 },
                upEpoch: legs.map { _ in 0 }))
        return CircuitID(index: circuits.count - 1)
    }

    /// The resources of a circuit's legs (primary first).
    public func legResources(of circuit: CircuitID) -> [ResourceID] {
        circuits[circuit.index].legs.map { ResourceID(index: $0) }
    }

    /// Schedules a fault: `legs` go down at `downAt` and, if `upAt` is given, come back at `upAt`. For a
    /// single-policer circuit every choice means its one connection.
    /// - Throws: `NetModelError` for an unknown circuit or `upAt <= downAt`.
    public mutating func scheduleFault(circuit: CircuitID, legs: CircuitLegs, downAt: SimTime, upAt: SimTime?) throws {
        guard circuits.indices.contains(circuit.index) else { throw NetModelError.unknown("circuit \(circuit.index)") }
        if let upAt, upAt <= downAt {
            throw NetModelError.invalidValue(
                field: "scheduleFault.upAt", value: upAt.inSeconds, expected: "a time after downAt (\(downAt))")
        }
        let legCount = circuits[circuit.index].legs.count
        let affected: [Int]
        switch legs {
        case .primary: affected = [0]
        case .secondary: affected = [legCount > 1 ? 1 : 0]
        case .both: affected = Array(0..<legCount)
        }
        for leg in affected {
            internalEvents.push(.legDown(circuit: circuit.index, leg: leg), at: downAt)
            if let upAt { internalEvents.push(.legUp(circuit: circuit.index, leg: leg), at: upAt) }
        }
    }

    /// Which resource a new transfer of a connection hashed to `preferredLeg` uses now.
    func circuitRoute(circuit c: Int, preferredLeg: Int)
        -> (resource: Int, characteristics: PathCharacteristics, routeKey: Int)
    {
        let state = circuits[c]
        let characteristics = state.config.characteristics
        if state.routed[preferredLeg] { return (state.legs[preferredLeg], characteristics, preferredLeg) }
        for leg in state.legs.indices where state.routed[leg] { return (state.legs[leg], characteristics, leg) }
        if let fallback = state.config.fallback {
            let path = fallbacks[fallback.index]
            return (path.resource, path.characteristics, -1 - fallback.index)
        }
        return (state.legs[preferredLeg], characteristics, preferredLeg)
    }

    mutating func legWentDown(circuit c: Int, leg: Int) {
        let resource = circuits[c].legs[leg]
        guard resources[resource].isUp else { return }
        resources[resource].isUp = false
        circuits[c].downEpoch[leg] += 1
        needsReallocation = true
        internalEvents.push(
            .detectionExpired(circuit: c, leg: leg, epoch: circuits[c].downEpoch[leg]),
            at: now + circuits[c].config.detectionDelay)
    }

    mutating func legCameUp(circuit c: Int, leg: Int) {
        let resource = circuits[c].legs[leg]
        guard !resources[resource].isUp else { return }
        resources[resource].isUp = true
        circuits[c].upEpoch[leg] += 1
        needsReallocation = true
        if !circuits[c].routed[leg] {
            internalEvents.push(
                .restorationExpired(circuit: c, leg: leg, epoch: circuits[c].upEpoch[leg]),
                at: now + circuits[c].config.restorationDelay)
        }
    }

    /// The hold timer expired with the leg still down: withdraw its routes and reset its transfers.
    /// A leg that came back before expiry never lost its BGP session (a documented no-op).
    mutating func detectionExpired(circuit c: Int, leg: Int, epoch: Int) {
        let resource = circuits[c].legs[leg]
        guard epoch == circuits[c].downEpoch[leg], !resources[resource].isUp, circuits[c].routed[leg] else { return }
        circuits[c].routed[leg] = false
        pending.append(.routeChanged(CircuitID(index: c), leg: leg, routed: false, at: now))
        for slot in flows.indices where flows[slot].active && classes[flows[slot].classIndex].path.contains(resource) {
            let id = TransferID(slot: Int32(slot), generation: flows[slot].generation)
            let delivered = flows[slot].sizeBits - (bitsRemaining(of: id) ?? 0)
            let connection = flows[slot].connection
            endFlow(slot: slot)
            transferEnded(connection: connection)
            connections[connection].needsRestart = true
            pending.append(
                .transferReset(id, connection: ConnectionID(index: connection), at: now, bitsDelivered: delivered))
        }
    }

    mutating func restorationExpired(circuit c: Int, leg: Int, epoch: Int) {
        let resource = circuits[c].legs[leg]
        guard epoch == circuits[c].upEpoch[leg], resources[resource].isUp, !circuits[c].routed[leg] else { return }
        circuits[c].routed[leg] = true
        pending.append(.routeChanged(CircuitID(index: c), leg: leg, routed: true, at: now))
    }
}
