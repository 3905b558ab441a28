import Foundation
import TestHarness
import Testing

@testable import Scenario

@Suite(.cpuBound) struct SweepTests {
    @Test func expansionOrderAndIds() throws {
        let yaml = minimal(extra: "sweep:\n  vms: [3, 10]\n  threadsPerVM: 1...3")
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml")
        #expect(
            scenario.sweepAxes == [
                SweepAxis(key: "vms", keyPath: "vms.count", values: ["3", "10"]),
                SweepAxis(key: "threadsPerVM", keyPath: "replication.uploadThreadsPerVM", values: ["1", "2", "3"]),
            ]
        )
        let points = scenario.expandSweep()
        #expect(
            points.map(\.id) == [
                "vms=3,threadsPerVM=1", "vms=3,threadsPerVM=2", "vms=3,threadsPerVM=3",
                "vms=10,threadsPerVM=1", "vms=10,threadsPerVM=2", "vms=10,threadsPerVM=3",
            ]
        )
        #expect(points.map(\.document.vms.count) == [3, 3, 3, 10, 10, 10])
        #expect(points.map(\.document.replication.uploadThreadsPerVM) == [1, 2, 3, 1, 2, 3])
        #expect(points[4].pairs.map { "\($0.key)=\($0.value)" } == ["vms=10", "threadsPerVM=2"])
        #expect(scenario.document.vms.count == 3)
    }

    @Test func anyKeyPathIncludingListIndexAndPresetScalar() throws {
        let yaml = minimal(
            extra: """
                storage: us-grs-2015
                faults:
                  - circuitDown: {at: 1m}
                sweep:
                  faults[0].circuitDown.detection: [bgp, bfd, 5s]
                  storage.ingress: [5Gbps]
                  network.circuit.rtt: [2ms]
                """
        )
        let points = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml").expandSweep()
        #expect(points.count == 3)
        let detections = points.map { point -> FailureDetection? in
            if case .circuitDown(let outage) = point.document.faults.first { outage.detection } else { nil }
        }
        #expect(detections == [.bgp, .bfd, .fixed(nanoseconds: 5_000_000_000)])
        #expect(points.allSatisfy { $0.document.storage.ingressBitsPerSecond == 5e9 })
        #expect(points.allSatisfy { $0.document.storage.preset == "us-grs-2015" })
        #expect(points[1].id == "faults[0].circuitDown.detection=bfd,storage.ingress=5Gbps,network.circuit.rtt=2ms")
    }

    @Test func sweepValueBreakingARuleNamesTheSweepKey() {
        let yaml = minimal(extra: "sweep:\n  threadsPerVM: [8, 33]")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:9:21: replication.uploadThreadsPerVM: expected a whole number, found '33' "
                    + "(must be in 1...32, ASR's UploadThreadsPerVM range) (in sweep point threadsPerVM=33)"
            ]
        )
    }

    @Test func sweepMakingRPOShorterThanFrequencyNamesThePoint() {
        let yaml = minimal(
            replication: "  frequency: 5m\n  targetRPO: 10m",
            extra: "sweep:\n  replication.frequency: [5m, 15m]"
        )
        #expect(
            loadErrors(yaml) == [
                "x.yaml:8:14: replication.targetRPO: expected a target RPO ≥ the frequency (15m), found '10m' "
                    + "(in sweep point replication.frequency=15m)"
            ]
        )
    }

    @Test func unknownSweepKey() {
        let yaml = minimal(extra: "sweep:\n  replication.uploadThreadsPerVm: [1, 2]")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:9:3: replication.uploadThreadsPerVm: unknown key 'uploadThreadsPerVm'; "
                    + "did you mean 'uploadThreadsPerVM'? (in sweep point replication.uploadThreadsPerVm=1)",
                "x.yaml:9:3: replication.uploadThreadsPerVm: unknown key 'uploadThreadsPerVm'; "
                    + "did you mean 'uploadThreadsPerVM'? (in sweep point replication.uploadThreadsPerVm=2)",
            ]
        )
    }

    @Test func sweepPathThroughAValue() {
        let yaml = minimal(extra: "sweep:\n  vms.count.value: [1]")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:9:3: sweep.vms.count.value: expected a key path to a value in the scenario, found "
                    + "'vms.count.value' (it goes through a value or a missing list element)"
            ]
        )
    }

    @Test func badSweepValues() {
        #expect(
            loadErrors(minimal(extra: "sweep:\n  vms: 5...2")) == [
                "x.yaml:9:8: sweep.vms: expected a list like [3, 10, 25] or a range like '1...32' (low ≤ high), "
                    + "found '5...2': '5...2' starts above its end"
            ]
        )
        #expect(
            loadErrors(minimal(extra: "sweep:\n  vms: many")) == [
                "x.yaml:9:8: sweep.vms: expected a list like [3, 10, 25] or a range like '1...32' (low ≤ high), "
                    + "found 'many': 'many' is not a value or a range A...B"
            ]
        )
    }

    @Test func tooManyPoints() {
        #expect(
            loadErrors(minimal(extra: "sweep:\n  vms: 1...20000")) == [
                "x.yaml:9:8: sweep.vms: expected a list like [3, 10, 25] or a range like '1...32' (low ≤ high), "
                    + "found '1...20000': more than 10000 values"
            ]
        )
    }

    @Test func commandLineOverridesReplaceOrAddAxes() throws {
        let yaml = minimal(extra: "sweep:\n  vms: [3, 10]\n  threadsPerVM: 1...3")
        let overrides = [
            SweepOverride(key: "threadsPerVM", values: try SweepAxis.values(from: "8...9")),
            SweepOverride(key: "network.circuit.bandwidth", values: ["1Gbps", "2Gbps"]),
        ]
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml", sweepOverrides: overrides)
        let points = scenario.expandSweep()
        #expect(points.count == 8)
        #expect(points.first?.id == "vms=3,threadsPerVM=8,network.circuit.bandwidth=1Gbps")
        #expect(points.last?.id == "vms=10,threadsPerVM=9,network.circuit.bandwidth=2Gbps")
        #expect(points.last?.document.network.circuit?.bandwidthBitsPerSecond == 2e9)
        let bad = [SweepOverride(key: "threadsPerVM", values: ["40"])]
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml", sweepOverrides: bad)
            Issue.record("threadsPerVM=40 must be rejected")
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    "x.yaml:0:0: replication.uploadThreadsPerVM: expected a whole number, found '40' "
                        + "(must be in 1...32, ASR's UploadThreadsPerVM range) (in sweep point threadsPerVM=40)"
                ]
            )
        }
        #expect(try SweepAxis.values(from: "3,10,25") == ["3", "10", "25"])
        #expect(try SweepAxis.values(from: "1...3,8") == ["1", "2", "3", "8"])
        #expect(throws: RangeList.Failure.self) { try SweepAxis.values(from: "3,,25") }
        #expect(throws: RangeList.Failure.self) { try SweepAxis.values(from: "9...8") }
    }

    @Test func keyPathSegments() {
        typealias S = SweepExpansion.PathSegment
        #expect(SweepExpansion.segments("a.b[0].c") == [S.key("a"), .key("b"), .index(0), .key("c")])
        #expect(SweepExpansion.segments("a.b.0.c") == [S.key("a"), .key("b"), .index(0), .key("c")])
        #expect(SweepExpansion.segments("a..b") == nil)
        #expect(SweepExpansion.segments("a[x]") == nil)
    }
}
