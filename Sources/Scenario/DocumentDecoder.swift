import Yams

/// Turns a composed YAML tree into a `ScenarioDocument`, recording every problem in `context` with its mark.
/// Section readers live in `DocumentDecoder+*.swift`; cross-field rules in `DocumentDecoder+Validation.swift`.
struct DocumentDecoder {
    let context: DecodeContext
    /// Default scenario name (the file name without extension).
    let defaultName: String
    /// Reads a file named in the scenario (trace CSVs), resolved relative to the scenario file; nil if unreadable.
    let readRelativeFile: (String) -> String?

    static let rootKeys = [
        "name", "description", "seed", "duration", "measurement", "startsAt", "phases", "hosts", "vms",
        "replication", "network", "storage", "faults", "sweep", "plan",
    ]

    /// Decodes the document; nil when any error was recorded (the errors are in `context`).
    func decode(_ root: Node) -> ScenarioDocument? {
        let before = context.errors.count
        guard let fields = Fields(root, path: "", context: context, known: Self.rootKeys) else { return nil }
        let hour: Int64 = 3_600_000_000_000
        let duration = fields.read("duration", .duration, default: hour, [Check.positive])
        let measurement = readMeasurement(fields, duration: duration)
        let (vms, hosts) = readVMs(fields, declared: readHosts(fields), hostsDeclared: fields["hosts"] != nil)
        let document = ScenarioDocument(
            name: fields.read("name", .string, default: defaultName),
            description: fields.read("description", .string, default: ""),
            seed: fields.read("seed", .seed, default: 1),
            durationNanoseconds: duration,
            measurement: measurement,
            startOffsetNanoseconds: readStartsAt(fields),
            phases: fields.read("phases", ValueKind<Phases>.choice, default: .both),
            hosts: hosts,
            vms: vms,
            replication: readReplication(fields),
            network: readNetwork(fields),
            storage: readStorage(fields),
            faults: readFaults(fields, hosts: hosts),
            plan: readPlan(fields)
        )
        validate(document, fields)
        return context.errors.count == before ? document : nil
    }

    private func readMeasurement(_ root: Fields, duration: Int64) -> MeasurementWindow {
        let whole = MeasurementWindow(startNanoseconds: 0, endNanoseconds: duration)
        guard let node = root["measurement"],
            let fields = Fields(node, path: "measurement", context: context, known: ["start", "end"])
        else { return whole }
        let start = fields.read("start", .duration, default: 0, [Check.nonNegative])
        let end = fields.read("end", .duration, default: duration, [Check.positive])
        if end > duration {
            context.fail(
                fields.mark(of: "end"),
                fields.path("end"),
                "expected a time within the duration (\(Quantity.formatDuration(duration))), "
                    + "found '\(Quantity.formatDuration(end))'"
            )
        } else if start >= end {
            context.fail(
                fields.mark(of: "start"),
                fields.path("start"),
                "expected a start before the end (\(Quantity.formatDuration(end))), "
                    + "found '\(Quantity.formatDuration(start))'"
            )
        }
        return MeasurementWindow(startNanoseconds: start, endNanoseconds: end)
    }

    /// `plan: {churnPercentile: 95%, growth: 30%}`; nil without the section.
    private func readPlan(_ root: Fields) -> PlanSettings? {
        guard let node = root["plan"],
            let fields = Fields(node, path: "plan", context: context, known: ["churnPercentile", "growth"])
        else { return nil }
        let defaults = PlanSettings()
        return PlanSettings(
            churnPercentile: fields.read("churnPercentile", .ratio, default: defaults.churnPercentile, [Check.openClosedUnit]),
            growth: fields.read(
                "growth", .ratio, default: defaults.growth,
                [Check.nonNegative, { $0 <= 10 ? nil : "must be ≤ 1000%" }]))
    }

    /// `startsAt: "mon 09:00"` → ns since Monday 00:00 UTC.
    private func readStartsAt(_ root: Fields) -> Int64 {
        let kind = ValueKind<Int64>(expected: "a weekday and UTC time like 'mon 09:00'") { text in
            let parts = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let day = Weekday.allCases.firstIndex(where: { $0.rawValue == parts[0] }),
                let time = Self.clockTime(String(parts[1]))
            else { return nil }
            return Int64(day) * 86_400_000_000_000 + time
        }
        return root.read("startsAt", kind, default: 0)
    }

    /// `"09:30"` → ns after midnight; hours 0...24 (24:00 allowed as an end), minutes 0...59.
    static func clockTime(_ text: String) -> Int64? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours * 60 + minutes <= 1_440
        else { return nil }
        return Int64(hours * 60 + minutes) * 60_000_000_000
    }

    private func readHosts(_ root: Fields) -> [Host] {
        let defaultHost = Host(name: "host-1", nicBitsPerSecond: 10e9, cores: 16)
        guard let node = root["hosts"] else { return [defaultHost] }
        guard let elements = node.sequenceElements, !elements.isEmpty else {
            context.fail(
                node.mark,
                "hosts",
                "expected a non-empty list of hosts, found \(DecodeContext.describe(node))"
            )
            return [defaultHost]
        }
        var hosts: [Host] = []
        var names: Set<String> = []  // a set, not a search of `hosts`: a 200,000-host list took minutes
        for (index, element) in elements.enumerated() {
            let path = "hosts[\(index)]"
            guard let fields = Fields(element, path: path, context: context, known: ["name", "nic", "cores"]) else {
                continue
            }
            let name = fields.read("name", .string, default: "host-\(index + 1)")
            if !names.insert(name).inserted {
                context.fail(
                    fields.mark(of: "name"),
                    fields.path("name"),
                    "expected a unique host name, found '\(name)' twice"
                )
            }
            hosts.append(
                Host(
                    name: name,
                    nicBitsPerSecond: fields.read("nic", .bandwidth, default: 10e9, [Check.positive]),
                    cores: fields.read("cores", .integer, default: 16, [Check.within(1...1024, "1...1024")])
                )
            )
        }
        return hosts.isEmpty ? [defaultHost] : hosts
    }

    /// `vms`: a mapping of `count` identical VMs, a mapping `{inventory: file.csv}`, or a list of VMs (or groups
    /// of identical VMs with `count`) that differ. Returns the VMs and the hosts (declared, plus named ones).
    private func readVMs(_ root: Fields, declared: [Host], hostsDeclared: Bool) -> (VMGroup, [Host]) {
        let defaultDisk = Disk(sizeBytes: 127 * 1_073_741_824, usedFraction: 0.5)
        var group = VMGroup(count: 1, placement: .roundRobin, disks: [defaultDisk], churn: .none)
        guard let node = root["vms"] else {
            context.fail(root.mark, "vms", "missing required key 'vms' (expected a mapping with 'count')")
            return (group, declared)
        }
        if let elements = node.sequenceElements {
            return listedVMs(elements, node: node, group: group, declared: declared, hostsDeclared: hostsDeclared)
        }
        guard
            let fields = Fields(
                node, path: "vms", context: context, known: ["count", "placement", "disks", "churn", "inventory"])
        else { return (group, declared) }
        if let inventoryNode = fields["inventory"] {
            guard let file = context.value(inventoryNode, "vms.inventory", .string) else { return (group, declared) }
            for key in ["count", "disks", "churn"] where fields[key] != nil {
                context.fail(fields.mark(of: key), fields.path(key), "expected no '\(key)' beside 'inventory', found one")
            }
            guard let text = readRelativeFile(file) else {
                context.fail(
                    inventoryNode.mark, "vms.inventory",
                    "expected a readable CSV file (relative to the scenario), found '\(file)'")
                return (group, declared)
            }
            let (listed, errors) = Inventory.parse(csv: text, file: file, readRelativeFile: readRelativeFile)
            for error in errors { context.fail(inventoryNode.mark, "vms.inventory", error.description) }
            guard errors.isEmpty else { return (group, declared) }
            return placed(listed, group: group, declared: declared, hostsDeclared: hostsDeclared)
        }
        group.count = fields.required("count", .integer, [Check.within(1...10_000, "1...10000")]) ?? 1
        group.placement = fields.read("placement", ValueKind<Placement>.choice, default: .roundRobin)
        if let disksNode = fields["disks"] {
            group.disks = readDisks(disksNode, path: fields.path("disks")) ?? group.disks
        }
        if let churnNode = fields["churn"] {
            group.churn = readChurn(churnNode, path: fields.path("churn"))
        }
        return (group, declared)
    }

    /// `vms:` as a list: `- {name, count, host, disks, churn}`; an entry with `count: N` stands for N identical
    /// VMs named `<name>-1` … `<name>-N`.
    private func listedVMs(
        _ elements: [Node], node: Node, group: VMGroup, declared: [Host], hostsDeclared: Bool
    ) -> (VMGroup, [Host]) {
        var listed: [InventoryVM] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let path = "vms[\(index)]"
            guard
                let fields = Fields(
                    element, path: path, context: context, known: ["name", "count", "host", "disks", "churn"])
            else { continue }
            let count = fields.read("count", .integer, default: 1, [Check.within(1...10_000, "1...10000")])
            let name = fields.read("name", .string, default: "vm\(listed.count)")
            let host = fields.optional("host", .string)
            var disks = group.disks
            if let disksNode = fields["disks"] { disks = readDisks(disksNode, path: fields.path("disks")) ?? disks }
            let churn = fields["churn"].map { readChurn($0, path: fields.path("churn")) } ?? .none
            for member in 0..<count {
                let vmName = count == 1 ? name : "\(name)-\(member + 1)"
                if !names.insert(vmName).inserted {
                    context.fail(fields.mark(of: "name"), fields.path("name"), "expected a unique VM name, found '\(vmName)' twice")
                }
                listed.append(InventoryVM(name: vmName, host: host, disks: disks, churn: churn))
            }
        }
        guard !listed.isEmpty, listed.count <= Inventory.maxVMs else {
            context.fail(node.mark, "vms", "expected 1 to \(Inventory.maxVMs) VMs, found \(listed.count)")
            return (group, declared)
        }
        return placed(listed, group: group, declared: declared, hostsDeclared: hostsDeclared)
    }

    private func placed(_ listed: [InventoryVM], group: VMGroup, declared: [Host], hostsDeclared: Bool) -> (
        VMGroup, [Host]
    ) {
        let (members, hosts) = Inventory.place(listed, declared: declared, keepDeclared: hostsDeclared)
        var result = group
        result.count = members.count
        result.members = members
        return (result, hosts)
    }

    private func readDisks(_ node: Node, path: String) -> [Disk]? {
        guard let elements = node.sequenceElements, (1...17).contains(elements.count) else {
            context.fail(
                node.mark,
                path,
                "expected a list of 1 to 17 disks (OS + 16 data disks, ASR's limit), found "
                    + (node.sequenceElements.map { "\($0.count) disks" } ?? DecodeContext.describe(node))
            )
            return nil
        }
        let maxDisk: Int64 = 4_095_000_000_000
        return elements.enumerated().compactMap { index, element in
            guard let fields = Fields(element, path: "\(path)[\(index)]", context: context, known: ["size", "used"])
            else { return nil }
            let size = fields.required(
                "size",
                .size,
                [
                    Check.positive, { $0 <= maxDisk ? nil : "must be ≤ 4095GB, ASR's data-disk limit" },
                ]
            )
            let used = fields.read("used", .ratio, default: 1, [Check.openClosedUnit])
            return size.map { Disk(sizeBytes: $0, usedFraction: used) }
        }
    }
}
