import CSV
import Foundation

/// A VM as an inventory lists it: by name, with the name of its Hyper-V host (nil: placed round-robin), its
/// disks and its churn. `Inventory.place` turns a list of these into `VMSpec`s and the scenario's hosts.
public struct InventoryVM: Sendable, Equatable {
    public var name: String
    public var host: String?
    public var disks: [Disk]
    public var churn: Churn

    public init(name: String, host: String?, disks: [Disk], churn: Churn) {
        self.name = name
        self.host = host
        self.disks = disks
        self.churn = churn
    }
}

/// The per-VM inventory CSV, close in shape to the Azure Site Recovery Deployment Planner's per-VM sheet
/// (docs/scenarios.md, "VM inventory"): one row per VM, a header row naming the columns in any order.
///
/// ```
/// VM Name,Hyper-V host,Disk sizes (GB),Used (%),Peak churn (MB/s),Churn trace
/// sql-01,hv-01,127;512,60,4.5,
/// web-07,hv-02,127,40,0.3,traces/web.csv
/// ```
///
/// Parsed with CSV.swift (RFC 4180 quoting); `#` comment rows and blank rows are skipped. Every bad cell is an
/// error naming the file, the line, the column and the value.
public enum Inventory {
    /// One column of the inventory CSV.
    public enum Column: String, CaseIterable, Sendable {
        case name = "VM Name"
        case host = "Hyper-V host"
        case diskSizes = "Disk sizes (GB)"
        case used = "Used (%)"
        case peakChurn = "Peak churn (MB/s)"
        case churnTrace = "Churn trace"

        /// Whether every inventory must have the column.
        public var isRequired: Bool {
            switch self {
            case .name, .diskSizes: true
            case .host, .used, .peakChurn, .churnTrace: false
            }
        }
    }

    /// Most VMs a scenario may have (as `vms.count`).
    public static let maxVMs = 10_000

    /// Reads and parses an inventory file; files it names (churn traces) are read relative to it.
    /// - Throws: `ScenarioErrors`, each positioned `file:line:column` with the column's name as key path.
    public static func load(path: String) throws(ScenarioErrors) -> [InventoryVM] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ScenarioErrors([
                ScenarioError(file: path, line: 0, column: 0, keyPath: "", message: "cannot read the inventory file")
            ])
        }
        let directory = (path as NSString).deletingLastPathComponent
        let (vms, errors) = parse(csv: text, file: path) { relative in
            let full = relative.hasPrefix("/") || directory.isEmpty ? relative : directory + "/" + relative
            return FileManager.default.contents(atPath: full).flatMap { String(data: $0, encoding: .utf8) }
        }
        guard errors.isEmpty else { throw ScenarioErrors(errors) }
        return vms
    }

    /// Parses inventory text. Returns the VMs of the good rows and every problem found, in line order.
    /// - Complexity: O(cells + trace samples).
    public static func parse(
        csv text: String, file: String, readRelativeFile: (String) -> String?
    ) -> (vms: [InventoryVM], errors: [ScenarioError]) {
        var errors: [ScenarioError] = []
        func fail(_ line: Int, _ column: Int, _ key: String, _ message: String) {
            errors.append(ScenarioError(file: file, line: line, column: column, keyPath: key, message: message))
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            fail(1, 1, "", "expected a CSV file, found text CSV.swift cannot read (\(error))")
            return ([], errors)
        }
        var header: [Column?]?
        var vms: [InventoryVM] = []
        var firstLine: [String: Int] = [:]
        var line = 0
        while let row = reader.next() {
            line += 1
            // Rows are lines: a quoted field may not span lines, so that every error can name its line.
            let spanned = row.reduce(0) { $0 + $1.count { $0 == "\n" || $0 == "\r" } }
            if spanned > 0 {
                fail(line, 1, "", "expected one row per line, found a quoted field spanning \(spanned + 1) lines")
                return (vms, errors)
            }
            let cells = row.map { $0.trimmingWhitespace() }
            if cells.allSatisfy(\.isEmpty) || cells[0].hasPrefix("#") { continue }
            // Column (1-based) of each cell's first character, exact for unquoted rows.
            var columns: [Int] = []
            var at = 1
            for cell in row {
                columns.append(at)
                at += cell.count + 1
            }
            guard let columnsOfHeader = header else {
                header = readHeader(cells, line: line, columns: columns, fail: fail)
                if header == nil { return (vms, errors) }
                continue
            }
            guard cells.count <= columnsOfHeader.count else {
                fail(
                    line, columns[columnsOfHeader.count], "",
                    "expected \(columnsOfHeader.count) cells as in the header, found \(cells.count)")
                continue
            }
            var values: [Column: (text: String, column: Int)] = [:]
            for (index, cell) in cells.enumerated() {
                if let column = columnsOfHeader[index] { values[column] = (cell, columns[index]) }
            }
            let before = errors.count
            let vm = readRow(values, line: line, lineEnd: at, readRelativeFile: readRelativeFile, fail: fail)
            guard let vm, errors.count == before else { continue }
            if let first = firstLine[vm.name] {
                fail(
                    line, values[.name]?.column ?? 1, Column.name.rawValue,
                    "expected a unique VM name, found '\(vm.name)' again (first on line \(first))")
                continue
            }
            firstLine[vm.name] = line
            vms.append(vm)
        }
        if header == nil {
            fail(1, 1, "", "expected a header row naming the columns (\(Column.allCases.map(\.rawValue).joined(separator: ", "))), found an empty file")
        } else if vms.isEmpty && errors.isEmpty {
            fail(line, 1, "", "expected at least one VM row, found none")
        } else if vms.count > maxVMs {
            fail(line, 1, "", "expected at most \(maxVMs) VMs, found \(vms.count)")
        }
        return (vms, errors)
    }

    private static func readHeader(
        _ cells: [String], line: Int, columns: [Int], fail: (Int, Int, String, String) -> Void
    ) -> [Column?]? {
        var result: [Column?] = []
        var ok = true
        for (index, cell) in cells.enumerated() {
            if let column = Column.allCases.first(where: { $0.rawValue.lowercased() == cell.lowercased() }) {
                if result.contains(column) {
                    fail(line, columns[index], "", "expected each column once, found '\(cell)' twice")
                    ok = false
                }
                result.append(column)
            } else if cell.isEmpty {
                result.append(nil)  // a trailing comma or an unnamed spare column
            } else {
                let hint = Spelling.suggestion(for: cell, among: Column.allCases.map(\.rawValue))
                fail(
                    line, columns[index], "",
                    "unknown column '\(cell)'" + (hint.map { "; did you mean '\($0)'?" } ?? "")
                        + " (columns: \(Column.allCases.map(\.rawValue).joined(separator: ", ")))")
                ok = false
            }
        }
        for column in Column.allCases where column.isRequired && !result.contains(column) {
            fail(line, 1, "", "missing required column '\(column.rawValue)'")
            ok = false
        }
        return ok ? result : nil
    }

    private static func readRow(
        _ values: [Column: (text: String, column: Int)], line: Int, lineEnd: Int,
        readRelativeFile: (String) -> String?, fail: (Int, Int, String, String) -> Void
    ) -> InventoryVM? {
        func problem(_ column: Column, _ expected: String, _ found: String, _ note: String? = nil) {
            fail(
                line, values[column]?.column ?? lineEnd, column.rawValue,
                "expected \(expected), found '\(found)'" + (note.map { " (\($0))" } ?? ""))
        }
        let name = values[.name]?.text ?? ""
        if name.isEmpty { problem(.name, "a VM name", name) }
        let host = values[.host].map(\.text).flatMap { $0.isEmpty ? nil : $0 }

        let sizeText = values[.diskSizes]?.text ?? ""
        let sizeItems = sizeText.split(separator: ";", omittingEmptySubsequences: false).map {
            String($0).trimmingWhitespace()
        }
        let maxDisk: Int64 = 4_095_000_000_000
        var sizes: [Int64] = []
        for item in sizeItems {
            // A plain number is decimal GB (the Deployment Planner's unit); a unit may be given (`127GiB`).
            let bytes = Double(item).map { Int64(($0 * 1e9).rounded()) } ?? Quantity.bytes(item)
            guard let bytes, bytes > 0, bytes <= maxDisk else {
                problem(
                    .diskSizes, "disk sizes in GB separated by ';' like '127;512', each > 0 and ≤ 4095",
                    sizeText, "ASR's data-disk limit is 4,095 GB")
                return nil
            }
            sizes.append(bytes)
        }
        guard (1...17).contains(sizes.count) else {
            problem(.diskSizes, "1 to 17 disks (OS + 16 data disks, ASR's limit)", sizeText)
            return nil
        }

        var used = [Double](repeating: 1, count: sizes.count)
        if let usedText = values[.used]?.text, !usedText.isEmpty {
            let items = usedText.split(separator: ";", omittingEmptySubsequences: false).map {
                String($0).trimmingWhitespace()
            }
            let shares = items.map { item -> Double? in
                let number = item.hasSuffix("%") ? String(item.dropLast()).trimmingWhitespace() : item
                guard let percent = Double(number), percent > 0, percent <= 100 else { return nil }
                return percent / 100
            }
            guard shares.allSatisfy({ $0 != nil }), items.count == 1 || items.count == sizes.count else {
                problem(
                    .used, "a used share in (0, 100] %, one for all disks or one per disk separated by ';'", usedText)
                return nil
            }
            used = items.count == 1 ? used.map { _ in shares[0]! } : shares.map { $0! }
        }

        var churn = Churn.none
        let peakText = values[.peakChurn]?.text ?? ""
        let traceText = values[.churnTrace]?.text ?? ""
        if !peakText.isEmpty && !traceText.isEmpty {
            problem(.churnTrace, "either a peak churn or a churn trace, not both", traceText)
            return nil
        }
        if !peakText.isEmpty {
            // A plain number is decimal MB/s (the Deployment Planner's unit); a bandwidth may be given (`2MB/s`).
            let rate = Double(peakText).map { $0 * 1e6 } ?? Quantity.bitsPerSecond(peakText).map { $0 / 8 }
            guard let rate, rate >= 0, rate.isFinite else {
                problem(.peakChurn, "a churn rate in MB/s ≥ 0 like '2.5'", peakText)
                return nil
            }
            churn = rate > 0 ? .constant(bytesPerSecond: rate) : .none
        } else if !traceText.isEmpty {
            guard let text = readRelativeFile(traceText) else {
                problem(.churnTrace, "a readable trace CSV (relative to the inventory)", traceText)
                return nil
            }
            switch DocumentDecoder.parseTrace(text, file: traceText) {
            case .success(let trace): churn = .trace(trace)
            case .failure(let trouble):
                fail(line, values[.churnTrace]?.column ?? lineEnd, Column.churnTrace.rawValue, trouble.message)
                return nil
            }
        }
        guard !name.isEmpty else { return nil }
        let disks = zip(sizes, used).map { Disk(sizeBytes: $0, usedFraction: $1) }
        return InventoryVM(name: name, host: host, disks: disks, churn: churn)
    }

    /// Places listed VMs on hosts. Hosts the VMs name but `declared` lacks are added (10 Gbps NIC, 16 cores,
    /// the `hosts[]` defaults) in order of first mention. When every VM names its host, declared hosts no VM
    /// names are dropped (unless `keepDeclared`); VMs without a host go round-robin over the resulting hosts.
    /// - Complexity: O(VMs + hosts).
    public static func place(_ vms: [InventoryVM], declared: [Host], keepDeclared: Bool) -> (
        members: [VMSpec], hosts: [Host]
    ) {
        let named = Set(vms.compactMap(\.host))
        let everyVMNamesHost = vms.allSatisfy { $0.host != nil }
        var hosts = keepDeclared || !everyVMNamesHost ? declared : declared.filter { named.contains($0.name) }
        var index: [String: Int] = [:]
        for (position, host) in hosts.enumerated() { index[host.name] = position }
        for vm in vms {
            guard let name = vm.host, index[name] == nil else { continue }
            index[name] = hosts.count
            hosts.append(Host(name: name, nicBitsPerSecond: 10e9, cores: 16))
        }
        let members = vms.enumerated().map { position, vm in
            VMSpec(
                name: vm.name, host: vm.host.flatMap { index[$0] } ?? position % hosts.count, disks: vm.disks,
                churn: vm.churn)
        }
        return (members, hosts)
    }
}

extension ScenarioDocument {
    /// The document with its VMs replaced by an inventory's (`replsim plan --inventory`), hosts placed as
    /// `Inventory.place` does; the document's hosts are kept when some VM names no host or a fault restarts one.
    public func replacingVMs(with inventory: [InventoryVM]) -> ScenarioDocument {
        var copy = self
        // A host restart names its host by index: keep the declared hosts (and so the indices) when there is one.
        let restarts = faults.contains { if case .hostRestart = $0 { true } else { false } }
        let (members, hosts) = Inventory.place(inventory, declared: self.hosts, keepDeclared: restarts)
        copy.hosts = hosts
        copy.vms = VMGroup(
            count: members.count, placement: vms.placement, disks: vms.disks, churn: vms.churn, members: members)
        return copy
    }
}
