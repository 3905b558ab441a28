import Yams

extension DocumentDecoder {
    func readNetwork(_ root: Fields) -> Network {
        let defaultTCP = TCPSettings(
            variant: .cubic,
            mssBytes: 1460,
            initialWindowSegments: 10,
            receiveWindowBytes: 16 * 1_048_576,
            slowStartAfterIdle: true
        )
        var network = Network(circuit: nil, tcp: defaultTCP, fallbackPaths: [])
        guard let node = root["network"] else {
            context.fail(
                root.mark,
                "network",
                "missing required key 'network' (expected 'circuit' and/or 'fallbackPaths')"
            )
            return network
        }
        guard let f = Fields(node, path: "network", context: context, known: ["circuit", "tcp", "fallbackPaths"]) else {
            return network
        }
        if let circuit = f["circuit"] { network.circuit = readCircuit(circuit, path: f.path("circuit")) }
        if let tcp = f["tcp"] { network.tcp = readTCP(tcp, path: f.path("tcp"), defaults: defaultTCP) }
        if let paths = f["fallbackPaths"] {
            network.fallbackPaths = readFallbackPaths(paths, path: f.path("fallbackPaths"))
        }
        if f["circuit"] == nil, f["fallbackPaths"] == nil {
            context.fail(
                f.mark,
                "network",
                "expected a path to storage: 'circuit' and/or 'fallbackPaths', found neither"
            )
        }
        return network
    }

    private func readCircuit(_ node: Node, path: String) -> Circuit? {
        let keys = ["bandwidth", "rtt", "loss", "policer", "queue"]
        guard let f = Fields(node, path: path, context: context, known: keys) else { return nil }
        let bandwidth = f.required("bandwidth", .bandwidth, [Check.positive])
        let rtt = f.read("rtt", .duration, default: 2_000_000, [Check.positive])
        let loss = f.read("loss", .probability, default: 0, [Check.halfOpenUnit])
        let policer = f.read("policer", ValueKind<Policer>.choice, default: .dual)
        let queue = f.optional("queue", .size, Self.queueCheck)
        return bandwidth.map {
            Circuit(bandwidthBitsPerSecond: $0, rttNanoseconds: rtt, loss: loss, policer: policer, queueBytes: queue)
        }
    }

    /// A bottleneck queue: at least one 1500-byte packet, at most 1 GiB.
    private static var queueCheck: [(Int64) -> String?] {
        [Check.within(1500...1_073_741_824, "1500B...1GiB")]
    }

    private func readTCP(_ node: Node, path: String, defaults: TCPSettings) -> TCPSettings {
        let keys = [
            "variant", "mss", "initialWindow", "receiveWindow", "slowStartAfterIdle", "ackCounting",
            "delayedAckSegments", "cubicResponse", "wireOverhead", "windowSerialisationPackets",
        ]
        guard let f = Fields(node, path: path, context: context, known: keys) else { return defaults }
        return TCPSettings(
            variant: f.read("variant", ValueKind<TCPVariant>.choice, default: defaults.variant),
            mssBytes: f.read("mss", .size, default: defaults.mssBytes, [Check.within(536...9000, "536...9000 bytes")]),
            initialWindowSegments: f.read(
                "initialWindow",
                .integer,
                default: defaults.initialWindowSegments,
                [Check.within(1...100, "1...100 segments")]
            ),
            receiveWindowBytes: f.read(
                "receiveWindow",
                .size,
                default: defaults.receiveWindowBytes,
                [Check.within(1024...1_073_741_824, "1KiB...1GiB")]
            ),
            slowStartAfterIdle: f.read("slowStartAfterIdle", .boolean, default: defaults.slowStartAfterIdle),
            ackCounting: f.read("ackCounting", ValueKind<TCPAckCounting>.choice, default: defaults.ackCounting),
            delayedAckSegments: f.read(
                "delayedAckSegments", .integer, default: defaults.delayedAckSegments,
                [Check.within(1...8, "1...8 segments")]),
            cubicResponse: f.read("cubicResponse", ValueKind<TCPCubicResponse>.choice, default: defaults.cubicResponse),
            wireOverheadBytes: f.read(
                "wireOverhead", .size, default: defaults.wireOverheadBytes, [Check.within(0...200, "0...200 bytes")]),
            windowSerialisationPackets: f.read(
                "windowSerialisationPackets", .number, default: defaults.windowSerialisationPackets,
                [Check.within(0...10, "0...10 packets")])
        )
    }

    private func readFallbackPaths(_ node: Node, path: String) -> [FallbackPath] {
        guard let elements = node.sequenceElements else {
            context.fail(node.mark, path, "expected a list of paths, found \(DecodeContext.describe(node))")
            return []
        }
        var paths: [FallbackPath] = []
        for (index, element) in elements.enumerated() {
            let keys = ["name", "capacity", "rtt", "loss", "crossTraffic", "queue"]
            guard let f = Fields(element, path: "\(path)[\(index)]", context: context, known: keys) else { continue }
            let name = f.read("name", .string, default: "internet-\(index + 1)")
            if paths.contains(where: { $0.name == name }) {
                context.fail(f.mark(of: "name"), f.path("name"), "expected a unique path name, found '\(name)' twice")
            }
            let capacity = f.required("capacity", .bandwidth, [Check.positive])
            let rtt = f.read("rtt", .duration, default: 50_000_000, [Check.positive])
            let loss = f.read("loss", .probability, default: 1e-4, [Check.halfOpenUnit])
            let queue = f.optional("queue", .size, Self.queueCheck)
            let cross =
                f["crossTraffic"].map { readCrossTraffic($0, path: f.path("crossTraffic")) } ?? .constant(share: 0)
            if let capacity {
                paths.append(
                    .init(
                        name: name,
                        capacityBitsPerSecond: capacity,
                        rttNanoseconds: rtt,
                        loss: loss,
                        crossTraffic: cross,
                        queueBytes: queue
                    )
                )
            }
        }
        return paths
    }

    private func readCrossTraffic(_ node: Node, path: String) -> CrossTraffic {
        if case .scalar = node {
            return .constant(share: context.value(node, path, .ratio, [Check.halfOpenUnit]) ?? 0)
        }
        guard let elements = node.sequenceElements, !elements.isEmpty else {
            context.fail(
                node.mark,
                path,
                "expected a share like '30%' or a list of {at, share}, found "
                    + DecodeContext.describe(node)
            )
            return .constant(share: 0)
        }
        var points: [CrossTrafficPoint] = []
        for (index, element) in elements.enumerated() {
            guard let f = Fields(element, path: "\(path)[\(index)]", context: context, known: ["at", "share"]),
                let at = f.required("at", .duration, [Check.nonNegative]),
                let share = f.required("share", .ratio, [Check.halfOpenUnit])
            else { continue }
            if let last = points.last, at <= last.timeNanoseconds {
                context.fail(
                    f.mark(of: "at"),
                    f.path("at"),
                    "expected times in increasing order, found "
                        + "'\(Quantity.formatDuration(at))' after '\(Quantity.formatDuration(last.timeNanoseconds))'"
                )
            }
            points.append(.init(timeNanoseconds: at, share: share))
        }
        return .profile(points)
    }

    func readStorage(_ root: Fields) -> StorageAccount {
        let presetKind = ValueKind<StoragePreset>.choice
        let fallback = StoragePreset.majorRegion2025.account
        guard let node = root["storage"] else { return fallback }
        if case .scalar = node {
            return context.value(node, "storage", presetKind)?.account ?? fallback
        }
        let keys = ["preset", "ingress", "requestRate", "blobThroughput", "blobRequestRate", "serverLatency"]
        guard let f = Fields(node, path: "storage", context: context, known: keys) else { return fallback }
        var account = f.read("preset", presetKind, default: .majorRegion2025).account
        account.ingressBitsPerSecond = f.read(
            "ingress",
            .bandwidth,
            default: account.ingressBitsPerSecond,
            [Check.positive]
        )
        account.requestsPerSecond = f.read("requestRate", .rate, default: account.requestsPerSecond, [Check.positive])
        account.blobBitsPerSecond = f.read(
            "blobThroughput",
            .bandwidth,
            default: account.blobBitsPerSecond,
            [Check.positive]
        )
        account.blobRequestsPerSecond = f.read(
            "blobRequestRate",
            .rate,
            default: account.blobRequestsPerSecond,
            [Check.positive]
        )
        if let latency = f["serverLatency"],
            let l = Fields(latency, path: f.path("serverLatency"), context: context, known: ["median", "sigma"])
        {
            account.serverLatencyMedianNanoseconds = l.read(
                "median",
                .duration,
                default: account.serverLatencyMedianNanoseconds,
                [Check.positive]
            )
            account.serverLatencySigma = l.read(
                "sigma",
                .number,
                default: account.serverLatencySigma,
                [Check.within(0...5, "[0, 5]")]
            )
        }
        return account
    }
}
