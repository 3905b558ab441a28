import Foundation
import TestHarness
import Testing

@testable import Scenario

@Suite(.cpuBound) struct WorkloadTests {
    func document(_ yaml: String, directory: String = "/nonexistent") throws(ScenarioErrors) -> ScenarioDocument {
        try ScenarioLoader.parse(yaml: yaml, file: "x.yaml", baseDirectory: directory).document
    }

    @Test func churnProfiles() throws {
        let constant = minimal().replacingOccurrences(of: "count: 3", with: "count: 3\n  churn: 2MB/s")
        #expect(try document(constant).vms.churn == .constant(bytesPerSecond: 2e6))
        let diurnal = minimal().replacingOccurrences(
            of: "count: 3",
            with: "count: 3\n  churn: {diurnal: {mean: 1MB/s, peak: 1.5MB/s, peakHour: 14}}"
        )
        #expect(
            try document(diurnal).vms.churn
                == .diurnal(.init(meanBytesPerSecond: 1e6, peakBytesPerSecond: 1.5e6, peakHour: 14))
        )
        let bursty = minimal().replacingOccurrences(
            of: "count: 3",
            with: "count: 3\n  churn: {bursty: {base: 1MB/s, burstRate: 20MB/s, burstLength: 30s, period: 10m}}"
        )
        #expect(
            try document(bursty).vms.churn
                == .bursty(
                    .init(
                        baseBytesPerSecond: 1e6,
                        burstBytesPerSecond: 20e6,
                        burstLengthNanoseconds: 30_000_000_000,
                        periodNanoseconds: 600_000_000_000
                    )
                )
        )
        let twoKinds = minimal().replacingOccurrences(
            of: "count: 3",
            with: "count: 3\n  churn: {constant: 1MB/s, trace: t.csv}"
        )
        #expect(
            loadErrors(twoKinds) == [
                "x.yaml:3:10: vms.churn: expected exactly one of 'none', 'constant', 'diurnal', 'bursty', 'trace', found 2"
            ]
        )
    }

    @Test func traceIsResolvedRelativeToTheScenarioAndValidated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replsim-trace-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "time,bytesPerSecond\n0,1000000\n10m,2MB/s\n# comment\n3600,0\n"
            .write(to: directory.appendingPathComponent("good.csv"), atomically: true, encoding: .utf8)
        try "0,1\n60,2\n30,3\n".write(
            to: directory.appendingPathComponent("bad.csv"),
            atomically: true,
            encoding: .utf8
        )
        let yaml = { (file: String) in
            minimal().replacingOccurrences(of: "count: 3", with: "count: 3\n  churn: {trace: \(file)}")
        }
        let churn = try document(yaml("good.csv"), directory: directory.path).vms.churn
        #expect(
            churn
                == .trace(
                    .init(
                        path: "good.csv",
                        samples: [
                            .init(timeNanoseconds: 0, bytesPerSecond: 1e6),
                            .init(timeNanoseconds: 600_000_000_000, bytesPerSecond: 2e6),
                            .init(timeNanoseconds: 3_600_000_000_000, bytesPerSecond: 0),
                        ]
                    )
                )
        )
        do {
            _ = try document(yaml("bad.csv"), directory: directory.path)
            Issue.record("bad.csv must be rejected")
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    "x.yaml:3:18: vms.churn.trace: bad.csv:3: expected times in increasing order, found '30,3'"
                ]
            )
        }
        #expect(
            loadErrors(yaml("missing.csv")) == [
                "x.yaml:3:18: vms.churn.trace: expected a readable CSV file (relative to the scenario), found 'missing.csv'"
            ]
        )
    }

    @Test func throttleRetryAndFaults() throws {
        let yaml = minimal(
            replication: """
                  retry: {base: 1s, cap: 1m, jitter: 10%}
                  throttle: {workDays: [fri, mon], workHours: '08:00-17:30', workHourCap: 100Mbps, nonWorkHourCap: 1Gbps, utcOffset: '-05:00'}
                """,
            extra: """
                hosts: [{name: a}, {name: b, nic: 1Gbps, cores: 4}]
                faults:
                  - throttlingStorm: {at: 5m, for: 1m, forced503: 30%}
                  - hostRestart: {host: b, at: 10m, downFor: 2m}
                """
        )
        let doc = try document(yaml)
        #expect(
            doc.replication.retry
                == .exponential(
                    .init(
                        baseNanoseconds: 1_000_000_000,
                        capNanoseconds: 60_000_000_000,
                        jitter: 0.1
                    )
                )
        )
        let throttle = try #require(doc.replication.throttle)
        #expect(throttle.workDays == [.mon, .fri])
        #expect(throttle.workStartNanoseconds == 8 * 3_600_000_000_000)
        #expect(throttle.workEndNanoseconds == 17 * 3_600_000_000_000 + 30 * 60_000_000_000)
        #expect(throttle.utcOffsetNanoseconds == -5 * 3_600_000_000_000)
        #expect(doc.hosts.map(\.nicBitsPerSecond) == [10e9, 1e9])
        #expect(
            doc.faults == [
                .throttlingStorm(
                    .init(
                        atNanoseconds: 300_000_000_000,
                        forNanoseconds: 60_000_000_000,
                        extraLatencyNanoseconds: 0,
                        forced503Share: 0.3
                    )
                ),
                .hostRestart(.init(hostIndex: 1, atNanoseconds: 600_000_000_000, downForNanoseconds: 120_000_000_000)),
            ]
        )
    }

    @Test func throttleCapOutsideMARSRange() {
        let yaml = minimal(replication: "  throttle: {workHourCap: 100Kbps, nonWorkHourCap: 1Gbps}")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:7:27: replication.throttle.workHourCap: expected a bandwidth like '10Gbps', found '100Kbps' "
                    + "(must be in 512Kbps...1023Mbps, the MARS agent's range)"
            ]
        )
    }

    @Test func placement() {
        let packed = VMGroup(count: 10, placement: .packed, disks: [], churn: .none)
        #expect((0..<10).map { packed.hostIndex(ofVM: $0, hostCount: 3) } == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
        let roundRobin = VMGroup(count: 10, placement: .roundRobin, disks: [], churn: .none)
        #expect((0..<5).map { roundRobin.hostIndex(ofVM: $0, hostCount: 3) } == [0, 1, 2, 0, 1])
    }
}
