import NetModel
import Results
import Scenario
import SimKernel
import UploadCore

/// The simulated world built from a scenario: the network model with its resources and connections, and one
/// UploadCore configuration per VM. Building it is the only place scenario fields become model objects.
struct World {
    var net = NetModel()
    var circuit: CircuitID?
    var vms: [VMState] = []
    var hostCount: Int

    /// Per-request bytes on the wire besides the page data: the Put Page request line and headers
    /// (Authorization, x-ms-range, x-ms-version, Content-Length …), about 500 bytes in practice.
    static let requestHeaderBytes: Int64 = 500

    init(document doc: ScenarioDocument, streams: RandomStreams) throws {
        hostCount = doc.hosts.count
        // Network bit rates carry headers and framing; flows carry payload (TCPSettings.wireOverheadBytes).
        let payloadShare = doc.network.tcp.payloadEfficiency
        let compression = doc.replication.compressionBytesPerSecondPerCore
        var hostSide: [[ResourceID]] = []
        for (index, host) in doc.hosts.enumerated() {
            var resources = [
                try net.addResource(
                    name: "nic:\(host.name)", kind: .nic, bitsPerSecond: host.nicBitsPerSecond * payloadShare)
            ]
            if let compression {
                // Compression runs on raw bytes; the flows carry compressed bytes, so the CPU's capacity is
                // expressed in wire bits: cores × raw bytes/s × 8 × ratio.
                let wireBits = Double(host.cores) * compression * 8 * doc.replication.compressibility
                resources.append(try net.addResource(name: "cpu:\(index)", kind: .hostCPU, bitsPerSecond: wireBits))
            }
            hostSide.append(resources)
        }

        let tcp = doc.network.tcp
        let congestion: CongestionControl = tcp.variant == .reno ? .reno : .cubic
        // Queues are given in bytes; the model counts full-size packets (MSS plus the wire overhead).
        let packetBytes = Double(tcp.mssBytes + tcp.wireOverheadBytes)
        func queuePackets(_ bytes: Int64?) -> Double? { bytes.map { Double($0) / packetBytes } }
        var fallbackIDs: [FallbackPathID] = []
        for path in doc.network.fallbackPaths {
            let config = FallbackPathConfig(
                name: path.name, bitsPerSecond: path.capacityBitsPerSecond * payloadShare,
                characteristics: PathCharacteristics(
                    rttSeconds: Double(path.rttNanoseconds) / 1e9, lossRate: path.loss, congestionControl: congestion,
                    queuePackets: queuePackets(path.queueBytes)),
                crossTraffic: Self.crossTraffic(path.crossTraffic))
            fallbackIDs.append(try net.addFallbackPath(config))
        }

        let outages = doc.faults.compactMap { fault -> CircuitOutage? in
            if case .circuitDown(let outage) = fault { return outage }
            return nil
        }
        if let c = doc.network.circuit {
            // The model has one detection and one restoration delay per circuit: the first outage's settings.
            let detection = outages.first?.detection.delayNanoseconds ?? FailureDetection.bgp.delayNanoseconds
            let restoration = outages.first?.restorationNanoseconds ?? 10_000_000_000
            circuit = try net.addCircuit(
                CircuitConfig(
                    name: "circuit", bitsPerSecond: c.bandwidthBitsPerSecond * payloadShare,
                    characteristics: PathCharacteristics(
                        rttSeconds: Double(c.rttNanoseconds) / 1e9, lossRate: c.loss, congestionControl: congestion,
                        queuePackets: queuePackets(c.queueBytes)),
                    policing: c.policer == .single ? .single : .dual,
                    detectionDelay: .nanoseconds(detection), restorationDelay: .nanoseconds(restoration),
                    fallback: fallbackIDs.first))
        }
        for outage in outages {
            guard let circuit else { continue }
            let legs: CircuitLegs =
                switch outage.connection {
                case .primary: .primary
                case .secondary: .secondary
                case .both: .both
                }
            let up = outage.forNanoseconds.map { SimTime(nanoseconds: outage.atNanoseconds + $0) }
            try net.scheduleFault(circuit: circuit, legs: legs, downAt: .nanoseconds(outage.atNanoseconds), upAt: up)
        }

        let storage = doc.storage
        let account = try net.addStorageAccount(
            name: storage.preset,
            limits: StorageAccountLimits(
                ingressBitsPerSecond: storage.ingressBitsPerSecond, requestsPerSecond: storage.requestsPerSecond))
        let blobLimits = PageBlobLimits(
            bitsPerSecond: storage.blobBitsPerSecond, requestsPerSecond: storage.blobRequestsPerSecond)

        let tcpParameters = TCPParameters(
            mssBytes: Int(tcp.mssBytes), windowBytes: Int(tcp.receiveWindowBytes), slowStart: true,
            initialWindowSegments: tcp.initialWindowSegments, slowStartAfterIdle: tcp.slowStartAfterIdle,
            ackCounting: tcp.ackCounting == .perAck ? .perAck : .perSegment, delayedAckSegments: tcp.delayedAckSegments,
            cubicResponse: tcp.cubicResponse == .ns3 ? .ns3 : .rfc9438,
            serialisationPackets: tcp.windowSerialisationPackets)
        for vm in 0..<doc.vms.count {
            let spec = doc.vms.spec(ofVM: vm, hostCount: hostCount)
            let host = spec.host
            var blobs: [BlobID] = []
            for disk in spec.disks.indices {
                blobs.append(try net.addPageBlob(name: "vm\(vm)-disk\(disk).vhd", account: account, limits: blobLimits))
            }
            let route: ConnectionRoute
            if let circuit {
                route = .circuit(circuit, hostSide: hostSide[host])
            } else if let first = fallbackIDs.first, let resource = net.resource(of: first) {
                let path = doc.network.fallbackPaths[0]
                route = .path(
                    hostSide[host] + [resource],
                    PathCharacteristics(
                        rttSeconds: Double(path.rttNanoseconds) / 1e9, lossRate: path.loss,
                        congestionControl: congestion, queuePackets: queuePackets(path.queueBytes)))
            } else {
                throw SimDriverError.noPathToStorage
            }
            var connections: [ConnectionID] = []
            for _ in 0..<doc.replication.uploadThreadsPerVM {
                connections.append(try net.openConnection(route: route, tcp: tcpParameters, now: .zero))
            }
            let configuration = try Self.coreConfiguration(doc, disks: spec.disks, seed: streams.subSeed("core-\(vm)"))
            vms.append(
                VMState(
                    host: host, churn: spec.churn, diskBytes: spec.disks.map { Double($0.sizeBytes) },
                    usedBytes: spec.usedBytes,
                    configuration: configuration, connections: connections, blobs: blobs,
                    storagePaths: blobs.map { net.storagePath(blob: $0) }))
        }
    }

    static func crossTraffic(_ traffic: ScenarioCrossTraffic) -> NetCrossTraffic {
        switch traffic {
        case .constant(let share): return share > 0 ? .constant(share: share) : .none
        case .profile(let points):
            return .profile(points.map { (at: SimTime(nanoseconds: $0.timeNanoseconds), share: $0.share) })
        }
    }

    /// The core's configuration for one VM of the scenario, with its `disks`.
    static func coreConfiguration(_ doc: ScenarioDocument, disks vmDisks: [Disk], seed: UInt64) throws
        -> UploadCoreConfiguration
    {
        let replication = doc.replication
        let disks = vmDisks.map { disk in
            DiskSpec(sizeBytes: (disk.sizeBytes + 511) / 512 * 512, usedBytes: disk.usedBytes)
        }
        let retry: CoreRetryPolicy
        switch replication.retry {
        case .asrOutage: retry = .asrOutageSchedule
        case .exponential(let b):
            retry = .exponential(
                base: b.baseNanoseconds, cap: b.capNanoseconds, multiplier: 2, jitter: b.jitter, maxAttempts: nil)
        }
        var throttle: CoreThrottle?
        if let t = replication.throttle {
            let hour: Int64 = 3_600_000_000_000
            throttle = try CoreThrottle(
                workDays: t.workDays.map(Self.weekday),
                workStartHour: Int(t.workStartNanoseconds / hour),
                workEndHour: Int((t.workEndNanoseconds + hour - 1) / hour),
                workHourBitsPerSecond: Int64(t.workHourBitsPerSecond),
                nonWorkHourBitsPerSecond: Int64(t.nonWorkHourBitsPerSecond),
                utcOffsetSeconds: t.utcOffsetNanoseconds / 1_000_000_000)
        }
        return try UploadCoreConfiguration(
            disks: disks,
            threadsPerVM: replication.uploadThreadsPerVM,
            chunkBytes: replication.chunkSizeBytes,
            initialReplication: doc.phases != .delta,
            deltaFrequencyNanos: doc.phases == .initial ? nil : replication.frequencyNanoseconds,
            retryPolicy: retry,
            throttle: throttle,
            resyncThreshold: replication.resyncThreshold,
            seed: seed)
    }

    static func weekday(_ day: ScenarioWeekday) -> CoreThrottle.Weekday {
        switch day {
        case .mon: .monday
        case .tue: .tuesday
        case .wed: .wednesday
        case .thu: .thursday
        case .fri: .friday
        case .sat: .saturday
        case .sun: .sunday
        }
    }
}

/// Why a scenario could not become a world (the scenario validator rules most of these out).
public enum SimDriverError: Error, CustomStringConvertible, Sendable {
    case noPathToStorage
    case model(String)

    public var description: String {
        switch self {
        case .noPathToStorage: return "the scenario has neither a circuit nor a fallback path to storage"
        case .model(let message): return message
        }
    }
}
