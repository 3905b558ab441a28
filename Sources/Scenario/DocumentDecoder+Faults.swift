import Yams

extension DocumentDecoder {
    static let faultKinds = ["circuitDown", "throttlingStorm", "hostRestart"]

    func readFaults(_ root: Fields, hosts: [Host]) -> [Fault] {
        guard let node = root["faults"] else { return [] }
        guard let elements = node.sequenceElements else {
            context.fail(node.mark, "faults", "expected a list of faults, found \(DecodeContext.describe(node))")
            return []
        }
        return elements.enumerated().compactMap { index, element in
            let path = "faults[\(index)]"
            guard let (name, value) = context.variant(element, path, Self.faultKinds) else { return nil }
            return readFault(name, value, path: Fields.join(path, name), hosts: hosts)
        }
    }

    private func readFault(_ kind: String, _ node: Node, path: String, hosts: [Host]) -> Fault? {
        switch kind {
        case "circuitDown":
            let keys = ["connection", "at", "for", "detection", "restoration"]
            guard let f = Fields(node, path: path, context: context, known: keys),
                let at = f.required("at", .duration, [Check.nonNegative])
            else { return nil }
            let detectionKind = ValueKind<FailureDetection>(expected: "'bgp', 'bfd' or a duration like '10s'") { text in
                switch text {
                case "bgp": .bgp
                case "bfd": .bfd
                default: Quantity.nanoseconds(text).flatMap { $0 >= 0 ? .fixed(nanoseconds: $0) : nil }
                }
            }
            return .circuitDown(
                .init(
                    connection: f.read("connection", ValueKind<CircuitConnection>.choice, default: .both),
                    atNanoseconds: at,
                    forNanoseconds: f.optional("for", .duration, [Check.positive]),
                    detection: f.read("detection", detectionKind, default: .bgp),
                    restorationNanoseconds: f.read(
                        "restoration",
                        .duration,
                        default: 10_000_000_000,
                        [Check.nonNegative]
                    )
                )
            )
        case "throttlingStorm":
            let keys = ["at", "for", "extraLatency", "forced503"]
            guard let f = Fields(node, path: path, context: context, known: keys),
                let at = f.required("at", .duration, [Check.nonNegative]),
                let length = f.required("for", .duration, [Check.positive])
            else { return nil }
            return .throttlingStorm(
                .init(
                    atNanoseconds: at,
                    forNanoseconds: length,
                    extraLatencyNanoseconds: f.read("extraLatency", .duration, default: 0, [Check.nonNegative]),
                    forced503Share: f.read("forced503", .ratio, default: 0, [Check.unitInterval])
                )
            )
        case "hostRestart":
            guard let f = Fields(node, path: path, context: context, known: ["host", "at", "downFor"]),
                let at = f.required("at", .duration, [Check.nonNegative])
            else { return nil }
            let names = hosts.map(\.name)
            let hostKind = ValueKind<Int>(expected: "a host name (\(names.map { "'\($0)'" }.joined(separator: ", ")))")
            {
                names.firstIndex(of: $0)
            }
            return .hostRestart(
                .init(
                    hostIndex: f.read("host", hostKind, default: 0),
                    atNanoseconds: at,
                    downForNanoseconds: f.read("downFor", .duration, default: 0, [Check.nonNegative])
                )
            )
        default:
            return nil
        }
    }

    /// Rules that involve more than one field, checked after every section has been read.
    func validate(_ document: ScenarioDocument, _ root: Fields) {
        let r = document.replication
        if r.targetRPONanoseconds < r.frequencyNanoseconds {
            context.fail(
                root["replication"]?.mapping?["targetRPO"]?.mark ?? root.mark(of: "replication"),
                "replication.targetRPO",
                "expected a target RPO ≥ the frequency (\(Quantity.formatDuration(r.frequencyNanoseconds))), "
                    + "found '\(Quantity.formatDuration(r.targetRPONanoseconds))'"
            )
        }
        // Indices match the file only when every fault decoded (otherwise its errors are already recorded).
        let faultNodes = root["faults"]?.sequenceElements ?? []
        let checked = document.faults.count == faultNodes.count ? document.faults : []
        for (index, fault) in checked.enumerated() where fault.startNanoseconds >= document.durationNanoseconds {
            let name = faultName(fault)
            let node = faultNodes[index]
            context.fail(
                node.mapping?[name]?.mapping?["at"]?.mark ?? node.mark,
                "faults[\(index)].\(name).at",
                "expected a time before the end of the run (\(Quantity.formatDuration(document.durationNanoseconds))), "
                    + "found '\(Quantity.formatDuration(fault.startNanoseconds))'"
            )
        }
        if document.network.circuit == nil, document.network.fallbackPaths.isEmpty, root["network"] != nil,
            context.errors.isEmpty
        {
            context.fail(root.mark(of: "network"), "network", "expected at least one path to storage, found none")
        }
        if document.faults.contains(where: { if case .circuitDown = $0 { true } else { false } }),
            document.network.circuit == nil
        {
            context.fail(
                root.mark(of: "faults"),
                "faults",
                "expected a 'network.circuit' for a circuitDown fault, found none"
            )
        }
    }

    private func faultName(_ fault: Fault) -> String {
        switch fault {
        case .circuitDown: "circuitDown"
        case .throttlingStorm: "throttlingStorm"
        case .hostRestart: "hostRestart"
        }
    }
}
