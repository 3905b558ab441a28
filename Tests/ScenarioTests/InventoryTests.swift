import Foundation
import TestHarness
import Testing

@testable import Scenario

/// VMs that differ: a `vms:` list, an inventory CSV, its errors, and the planning churn statistics.
@Suite(.cpuBound) struct InventoryTests {
    static let header = "VM Name,Hyper-V host,Disk sizes (GB),Used (%),Peak churn (MB/s),Churn trace\n"

    func parse(_ csv: String, files: [String: String] = [:]) -> (vms: [InventoryVM], errors: [String]) {
        let (vms, errors) = Inventory.parse(csv: csv, file: "estate.csv") { files[$0] }
        return (vms, errors.map(\.description))
    }

    @Test func goodRowsBecomeVMs() {
        let csv = Self.header + """
            # a comment row
            sql-01,hv-01,127;512,60;80,4.5,
            "web, front",hv-02,127GiB,40%,0.25,

            batch,,127,50,,day.csv
            """
        let (vms, errors) = parse(csv, files: ["day.csv": "time,rate\n0,1000000\n30m,3MB/s\n"])
        #expect(errors == [])
        #expect(vms.map(\.name) == ["sql-01", "web, front", "batch"])
        #expect(vms[0].host == "hv-01" && vms[2].host == nil)
        #expect(vms[0].disks == [Disk(sizeBytes: 127_000_000_000, usedFraction: 0.6), Disk(sizeBytes: 512_000_000_000, usedFraction: 0.8)])
        #expect(vms[1].disks == [Disk(sizeBytes: 127 * 1_073_741_824, usedFraction: 0.4)])
        #expect(vms[0].churn == .constant(bytesPerSecond: 4.5e6))
        guard case .trace(let trace) = vms[2].churn else {
            Issue.record("expected a trace, found \(vms[2].churn)")
            return
        }
        #expect(trace.samples.map(\.bytesPerSecond) == [1e6, 3e6])
    }

    @Test func badRowsNameFileLineAndColumn() {
        let csv = Self.header + """
            a,hv-1,127,50,1,
            b,hv-1,abc,50,1,
            c,hv-2,127,150,1,
            a,hv-3,127,50,1,
            d,hv-3,127;9000,50,1,
            e,hv-3,127,50,-2,
            f,hv-3,127,50,1,missing.csv
            g,hv-3,127,50,1,2,3,4,5,6,7
            """
        let (vms, errors) = parse(csv)
        #expect(vms.map(\.name) == ["a"])
        #expect(errors.count == 7)
        #expect(errors[0].hasPrefix("estate.csv:3:8: Disk sizes (GB): expected disk sizes in GB"))
        #expect(errors[1].hasPrefix("estate.csv:4:12: Used (%): expected a used share"))
        #expect(errors[2] == "estate.csv:5:1: VM Name: expected a unique VM name, found 'a' again (first on line 2)")
        #expect(errors[3].contains("estate.csv:6:8: Disk sizes (GB):") && errors[3].contains("'127;9000'"))
        #expect(errors[4].hasPrefix("estate.csv:7:15: Peak churn (MB/s): expected a churn rate"))
        #expect(errors[5].hasPrefix("estate.csv:8:17: Churn trace: expected either a peak churn or a churn trace"))
        #expect(errors[6].hasPrefix("estate.csv:9:19: expected 6 cells as in the header, found 11"))
    }

    @Test func headerProblems() {
        #expect(parse("").errors == ["estate.csv:1:1: expected a header row naming the columns (VM Name, Hyper-V host, Disk sizes (GB), Used (%), Peak churn (MB/s), Churn trace), found an empty file"])
        let typo = parse("VM Name,Disk size (GB)\nx,127\n").errors
        #expect(typo.count == 2)
        #expect(typo[0] == "estate.csv:1:9: unknown column 'Disk size (GB)'; did you mean 'Disk sizes (GB)'? (columns: VM Name, Hyper-V host, Disk sizes (GB), Used (%), Peak churn (MB/s), Churn trace)")
        #expect(typo[1] == "estate.csv:1:1: missing required column 'Disk sizes (GB)'")
        #expect(parse("VM Name,Disk sizes (GB)\n").errors == ["estate.csv:1:1: expected at least one VM row, found none"])
        let spanning = parse("VM Name,Disk sizes (GB)\n\"x\ny\",127\n").errors
        #expect(spanning == ["estate.csv:2:1: expected one row per line, found a quoted field spanning 2 lines"])
        let badTrace = parse(Self.header + "x,,127,,,t.csv\n", files: ["t.csv": "0,1\n0,2\n"]).errors
        #expect(badTrace == ["estate.csv:2:10: Churn trace: t.csv:2: expected times in increasing order, found '0,2'"])
    }

    @Test func scenarioListAndInventoryPlaceVMsOnHosts() throws {
        let list = """
            phases: delta
            hosts: [{name: hv-a, nic: 25Gbps}]
            vms:
              - {name: db, host: hv-b, disks: [{size: 500GiB, used: 60%}], churn: 4MB/s}
              - {name: web, count: 3, disks: [{size: 127GiB}]}
            network: {circuit: {bandwidth: 1Gbps}}
            """
        let doc = try ScenarioLoader.parse(yaml: list, file: "x.yaml").document
        #expect(doc.vms.count == 4)
        #expect(doc.hosts.map(\.name) == ["hv-a", "hv-b"])
        #expect(doc.hosts[0].nicBitsPerSecond == 25e9 && doc.hosts[1].nicBitsPerSecond == 10e9)
        let specs = doc.vms.specs(hostCount: doc.hosts.count)
        #expect(specs.map(\.name) == ["db", "web-1", "web-2", "web-3"])
        #expect(specs.map(\.host) == [1, 1, 0, 1])  // web-N round-robin by position over both hosts
        #expect(specs[0].churn == .constant(bytesPerSecond: 4e6) && specs[1].churn == .none)
        #expect(doc.vms.totalUsedBytes == Double(specs.reduce(Int64(0)) { $0 + $1.usedBytes }))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (Self.header + "a,hv-2,127,50,1,\nb,hv-1,127,50,2,\nc,hv-2,127,50,,\n").write(
            toFile: directory + "/estate.csv", atomically: true, encoding: .utf8)
        let yaml = "phases: delta\nvms: {inventory: estate.csv}\nnetwork: {circuit: {bandwidth: 1Gbps}}\n"
        let fromCSV = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml", baseDirectory: directory).document
        // Every VM names its host, and no `hosts` were declared: the default host-1 is dropped.
        #expect(fromCSV.hosts.map(\.name) == ["hv-2", "hv-1"])
        #expect(fromCSV.vms.specs(hostCount: 2).map(\.host) == [0, 1, 0])

        let replaced = doc.replacingVMs(with: try Inventory.load(path: directory + "/estate.csv"))
        #expect(replaced.vms.count == 3 && replaced.hosts.map(\.name) == ["hv-2", "hv-1"])

        let clash = "phases: delta\nvms: {inventory: estate.csv, count: 3}\nnetwork: {circuit: {bandwidth: 1Gbps}}\n"
        #expect(throws: ScenarioErrors.self) {
            try ScenarioLoader.parse(yaml: clash, file: "x.yaml", baseDirectory: directory)
        }
    }

    @Test func churnPercentilesOfProfilesAndTraces() {
        let hour: Int64 = 3_600_000_000_000
        #expect(Churn.constant(bytesPerSecond: 2e6).percentileBytesPerSecond(0.95, durationNanoseconds: hour) == 2e6)
        let diurnal = Churn.diurnal(.init(meanBytesPerSecond: 1e6, peakBytesPerSecond: 1.5e6, peakHour: 14))
        let p95 = diurnal.percentileBytesPerSecond(0.95, durationNanoseconds: 24 * hour)
        #expect(abs(p95 - (1e6 + 0.5e6 * cos(Double.pi * 0.05))) < 1e-6)
        #expect(diurnal.percentileBytesPerSecond(0.5, durationNanoseconds: 24 * hour) > 0.999e6)
        // 30 s bursts every 10 min: 5 % of the time, so the 95th percentile is the base and the 96th the burst.
        let bursty = Churn.bursty(
            .init(
                baseBytesPerSecond: 1e6, burstBytesPerSecond: 20e6, burstLengthNanoseconds: 30_000_000_000,
                periodNanoseconds: 600_000_000_000))
        #expect(bursty.percentileBytesPerSecond(0.95, durationNanoseconds: hour) == 1e6)
        #expect(bursty.percentileBytesPerSecond(0.96, durationNanoseconds: hour) == 20e6)
        // A trace weighted by time: 1 MB/s for 50 min, 5 MB/s for the last 10 min of the hour.
        let trace = Churn.trace(
            .init(
                path: "t.csv",
                samples: [.init(timeNanoseconds: 0, bytesPerSecond: 1e6), .init(timeNanoseconds: 50 * 60_000_000_000, bytesPerSecond: 5e6)]))
        #expect(trace.percentileBytesPerSecond(0.8, durationNanoseconds: hour) == 1e6)
        #expect(trace.percentileBytesPerSecond(0.9, durationNanoseconds: hour) == 5e6)
        #expect(trace.scaled(by: 1.3).percentileBytesPerSecond(0.9, durationNanoseconds: hour) == 6.5e6)
    }

    @Test func planKnobs() throws {
        let base = "phases: delta\nvms: {count: 2}\nnetwork: {circuit: {bandwidth: 1Gbps}}\n"
        #expect(try ScenarioLoader.parse(yaml: base, file: "x.yaml").document.plan == nil)
        let knobs = try ScenarioLoader.parse(yaml: base + "plan: {churnPercentile: 90%, growth: 50%}\n", file: "x.yaml")
        #expect(knobs.document.plan == PlanSettings(churnPercentile: 0.9, growth: 0.5))
        #expect(throws: ScenarioErrors.self) {
            try ScenarioLoader.parse(yaml: base + "plan: {churnPercentile: 0%}\n", file: "x.yaml")
        }
    }
}
