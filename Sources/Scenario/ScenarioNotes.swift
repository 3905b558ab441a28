import Results

/// Assumptions a scenario's numbers rest on, and warnings about answers that would mislead a planner: printed
/// by `replsim validate`, at the end of `run`/`sweep`, and in every report ("Assumptions and warnings").
///
/// Pure: a function of the resolved document only (no simulation). The checks are deliberately coarse bounds
/// (the fastest any path could go), so a warning is never a false alarm about the bound itself.
extension ScenarioNote {
    /// The notes of one resolved document, warnings first, each at most once.
    /// - Complexity: O(disks + hosts).
    public static func of(_ doc: ScenarioDocument) -> [ScenarioNote] {
        var notes: [ScenarioNote] = []
        let vms = Double(doc.vms.count)
        let frequency = doc.replication.frequencyNanoseconds
        let target = doc.replication.targetRPONanoseconds
        if doc.phases != .initial, target <= frequency {
            notes.append(
                .init(
                    level: .warning, code: "rpoTargetAtFrequency",
                    message: "targetRPO (\(Quantity.formatDuration(target))) is not above the cycle frequency "
                        + "(\(Quantity.formatDuration(frequency))): a recovery point is at least one cycle old plus its "
                        + "upload time, so no cycle can meet the target"))
        }
        // The fastest initial replication could go: every VM at its blob cap, limited by the account and circuit.
        let circuitBps = doc.network.circuit.map { $0.bandwidthBitsPerSecond * ($0.policer == .dual ? 2 : 1) }
        let paths = [circuitBps].compactMap { $0 } + doc.network.fallbackPaths.map(\.capacityBitsPerSecond)
        let pathBps = paths.max() ?? .infinity
        let blobCapBps = doc.storage.blobBitsPerSecond * vms
        let fastest = Swift.min(pathBps, doc.storage.ingressBitsPerSecond, blobCapBps)
        let usedBytes = doc.vms.totalUsedBytes
        let irSeconds = usedBytes * doc.replication.compressibility * 8 / fastest
        let duration = Double(doc.durationNanoseconds) / 1e9
        if doc.phases != .delta, irSeconds > duration {
            notes.append(
                .init(
                    level: .warning, code: "durationShorterThanIR",
                    message: "duration (\(Quantity.formatDuration(doc.durationNanoseconds))) is shorter than initial "
                        + "replication can take even at the fastest path (\(Self.duration(irSeconds)) for "
                        + "\(Self.bytes(usedBytes))): its time is extrapolated from the bytes left and marked as an "
                        + "estimate" + (doc.phases == .both ? "; no delta cycle is measured" : "")))
        }
        let peaks = (doc.vms.members?.map(\.churn) ?? [doc.vms.churn]).compactMap(\.peakBytesPerSecond)
        if doc.phases != .initial, let churn = peaks.max(), churn > 0 {
            let perVMBps = churn * doc.replication.compressibility * 8
            if perVMBps > doc.storage.blobBitsPerSecond {
                notes.append(
                    .init(
                        level: .warning, code: "churnAboveBlob",
                        message: "peak churn per VM (\(Self.bitsPerSecond(perVMBps)) after compression) is above a "
                            + "page blob's \(Self.bitsPerSecond(doc.storage.blobBitsPerSecond)): cycles fall behind "
                            + "while it lasts"))
            }
            // Identical VMs: one VM's peak times the count; VMs that differ: the sum of their peaks.
            let total =
                doc.vms.members == nil
                ? perVMBps * vms : peaks.reduce(0) { $0 + $1 * doc.replication.compressibility * 8 }
            if total > doc.storage.ingressBitsPerSecond {
                notes.append(
                    .init(
                        level: .warning, code: "churnAboveAccount",
                        message: "peak churn of all VMs (\(Self.bitsPerSecond(total))) is above the storage account's "
                            + "ingress (\(Self.bitsPerSecond(doc.storage.ingressBitsPerSecond))): one account cannot "
                            + "keep up; spread the VMs over more accounts"))
            }
            if total > pathBps {
                notes.append(
                    .init(
                        level: .warning, code: "churnAbovePath",
                        message: "peak churn of all VMs (\(Self.bitsPerSecond(total))) is above the fastest path "
                            + "(\(Self.bitsPerSecond(pathBps))): the RPO grows while it lasts"))
            }
        }
        if let circuit = doc.network.circuit, circuit.policer == .dual {
            notes.append(
                .init(
                    level: .assumption, code: "burstAssumed",
                    message: "the circuit is assumed to carry up to twice its \(Self.bitsPerSecond(circuit.bandwidthBitsPerSecond)) "
                        + "while both connections are up (policer: dual, ExpressRoute's burst); set policer: single "
                        + "to plan without the burst"))
        }
        let window = doc.network.tcp.receiveWindowBytes
        if let rtt = doc.network.circuit?.rttNanoseconds, rtt > 0 {
            let perThread = Double(window) * 8 / (Double(rtt) / 1e9)
            notes.append(
                .init(
                    level: .assumption, code: "windowPerThread",
                    message: "each upload thread's TCP window is assumed to be \(Self.bytes(Double(window))): one thread "
                        + "carries at most \(Self.bitsPerSecond(perThread)) at the circuit's "
                        + "\(Quantity.formatDuration(rtt)) RTT (the agent's real window is not published)"))
        }
        return notes.sorted { ($0.level == .warning ? 0 : 1) < ($1.level == .warning ? 0 : 1) }
    }

    /// The notes of every point of a sweep, each code once (warnings first): the first point's message, and
    /// when the note does not hold for every point or its numbers differ between points, which points it holds for.
    public static func of(_ scenario: Scenario) -> [ScenarioNote] {
        let points = scenario.expandSweep()
        var codes: [String] = []
        var first: [String: ScenarioNote] = [:]
        var holders: [String: [String]] = [:]
        var variants: [String: Set<String>] = [:]
        for point in points {
            for note in of(point.document) {
                if first[note.code] == nil {
                    codes.append(note.code)
                    first[note.code] = note
                }
                holders[note.code, default: []].append(point.id)
                variants[note.code, default: []].insert(note.message)
            }
        }
        let notes = codes.compactMap { code -> ScenarioNote? in
            guard var note = first[code], let ids = holders[code] else { return nil }
            if points.count > 1, ids.count < points.count || (variants[code]?.count ?? 0) > 1 {
                let figures = (variants[code]?.count ?? 0) > 1 ? "; figures for \(ids[0])" : ""
                note.message += " (holds for \(ids.count) of \(points.count) sweep points\(figures))"
            }
            return note
        }
        let warnings = notes.filter { $0.level == .warning }
        return warnings + notes.filter { $0.level == .assumption }
    }

    static func bitsPerSecond(_ value: Double) -> String {
        if value >= 1e9 { return trimmed(value / 1e9) + " Gbps" }
        if value >= 1e6 { return trimmed(value / 1e6) + " Mbps" }
        return trimmed(value / 1e3) + " kbps"
    }

    static func bytes(_ value: Double) -> String {
        let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        for (name, size) in units where value >= size { return trimmed(value / size) + " " + name }
        return trimmed(value) + " B"
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 3600 { return trimmed(seconds / 3600) + " h" }
        if seconds >= 60 { return trimmed(seconds / 60) + " min" }
        return trimmed(seconds) + " s"
    }

    /// One decimal at most, no trailing ".0".
    static func trimmed(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}

extension Churn {
    /// The highest rate the churn reaches, bytes per second; `nil` for no churn.
    public var peakBytesPerSecond: Double? {
        switch self {
        case .none: return nil
        case .constant(let rate): return rate
        case .diurnal(let diurnal): return diurnal.peakBytesPerSecond
        case .bursty(let bursty): return Swift.max(bursty.baseBytesPerSecond, bursty.burstBytesPerSecond)
        case .trace(let trace): return trace.samples.map(\.bytesPerSecond).max()
        }
    }
}
