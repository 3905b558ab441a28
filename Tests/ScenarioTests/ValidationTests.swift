import Foundation
import TestHarness
import Testing

@testable import Scenario

/// Parses `yaml` as `x.yaml` and returns the rendered errors (empty when it loads).
func loadErrors(_ yaml: String, file: String = "x.yaml") -> [String] {
    do {
        _ = try ScenarioLoader.parse(yaml: yaml, file: file, baseDirectory: "/nonexistent")
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

/// A minimal valid scenario with `extra` lines appended (at the top level) and `replication` lines under
/// `replication:` (line 6 onwards).
func minimal(replication: String = "  uploadThreadsPerVM: 4", extra: String = "") -> String {
    """
    vms:
      count: 3
    network:
      circuit:
        bandwidth: 10Gbps
    replication:
    \(replication)
    \(extra)
    """
}

@Suite(.cpuBound) struct ValidationTests {
    @Test func minimalScenarioLoadsWithDefaults() throws {
        let scenario = try ScenarioLoader.parse(yaml: minimal(), file: "dir/min.yaml")
        let doc = scenario.document
        #expect(doc.name == "min")
        #expect(doc.durationNanoseconds == 3_600_000_000_000)
        #expect(doc.replication.frequencyNanoseconds == 300_000_000_000)
        #expect(doc.replication.targetRPONanoseconds == 900_000_000_000)
        #expect(doc.replication.chunkSizeBytes == 4_194_304)
        #expect(doc.network.circuit?.bandwidthBitsPerSecond == 10e9)
        #expect(doc.network.circuit?.policer == .dual)
        #expect(doc.storage.preset == "major-region-2025")
        #expect(doc.storage.blobBitsPerSecond == 60 * 1_048_576 * 8)
        #expect(doc.hosts.map(\.name) == ["host-1"])
        #expect(scenario.expandSweep().map(\.id) == ["base"])
    }

    @Test func negativeBandwidth() {
        let yaml = minimal().replacingOccurrences(of: "10Gbps", with: "-1Gbps")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:5:16: network.circuit.bandwidth: expected a bandwidth like '10Gbps', found '-1Gbps' (must be > 0)"
            ]
        )
    }

    @Test func zeroBandwidthAndNonsense() {
        #expect(
            loadErrors(minimal().replacingOccurrences(of: "10Gbps", with: "0Gbps")) == [
                "x.yaml:5:16: network.circuit.bandwidth: expected a bandwidth like '10Gbps', found '0Gbps' (must be > 0)"
            ]
        )
        #expect(
            loadErrors(minimal().replacingOccurrences(of: "10Gbps", with: "fast")) == [
                "x.yaml:5:16: network.circuit.bandwidth: expected a bandwidth like '10Gbps', found 'fast'"
            ]
        )
    }

    @Test(arguments: ["0", "33"])
    func threadsOutOfRange(threads: String) {
        #expect(
            loadErrors(minimal(replication: "  uploadThreadsPerVM: \(threads)")) == [
                "x.yaml:7:23: replication.uploadThreadsPerVM: expected a whole number, found '\(threads)' "
                    + "(must be in 1...32, ASR's UploadThreadsPerVM range)"
            ]
        )
    }

    @Test func frequencyNotInASRSet() {
        #expect(
            loadErrors(minimal(replication: "  frequency: 10m")) == [
                "x.yaml:7:14: replication.frequency: expected a duration like '180s', found '10m' "
                    + "(must be 30s, 5m or 15m, ASR's replication frequencies)"
            ]
        )
    }

    @Test func rpoShorterThanFrequency() {
        #expect(
            loadErrors(minimal(replication: "  frequency: 15m\n  targetRPO: 5m")) == [
                "x.yaml:8:14: replication.targetRPO: expected a target RPO ≥ the frequency (15m), found '5m'"
            ]
        )
    }

    @Test func bottleneckQueueIsOptionalAndAtLeastOnePacket() throws {
        #expect(try ScenarioLoader.parse(yaml: minimal(), file: "x.yaml").document.network.circuit?.queueBytes == nil)
        let yaml = minimal().replacingOccurrences(of: "10Gbps", with: "10Gbps\n    queue: 250KB")
        #expect(try ScenarioLoader.parse(yaml: yaml, file: "x.yaml").document.network.circuit?.queueBytes == 250_000)
        #expect(
            loadErrors(minimal().replacingOccurrences(of: "10Gbps", with: "10Gbps\n    queue: 1000B")) == [
                "x.yaml:6:12: network.circuit.queue: expected a size like '4MiB', found '1000B' "
                    + "(must be in 1500B...1GiB)"
            ])
        let fallback = minimal().replacingOccurrences(
            of: "10Gbps", with: "10Gbps\n  fallbackPaths:\n    - {capacity: 1Gbps, queue: 2GiB}")
        #expect(
            loadErrors(fallback) == [
                "x.yaml:7:32: network.fallbackPaths[0].queue: expected a size like '4MiB', found '2GiB' "
                    + "(must be in 1500B...1GiB)"
            ])
    }

    @Test func lossOutsideUnitInterval() {
        let yaml = minimal().replacingOccurrences(of: "10Gbps", with: "10Gbps\n    loss: 1")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:6:11: network.circuit.loss: expected a probability like '1e-4', found '1' (must be in [0, 1))"
            ]
        )
    }

    @Test func usedFractionOutsideRange() {
        let yaml = minimal().replacingOccurrences(
            of: "count: 3",
            with: "count: 3\n  disks:\n    - size: 127GiB\n      used: 0\n    - size: 1GiB\n      used: 150%"
        )
        #expect(
            loadErrors(yaml) == [
                "x.yaml:5:13: vms.disks[0].used: expected a ratio like '30%' or '0.3', found '0' (must be in (0, 1])",
                "x.yaml:7:13: vms.disks[1].used: expected a ratio like '30%' or '0.3', found '150%' (must be in (0, 1])",
            ]
        )
    }

    @Test(arguments: [
        ("1000", "must be a multiple of 512 bytes, the page size"), ("8MiB", "must be ≤ 4MiB, the Put Page maximum"),
    ])
    func chunkSize(text: String, problem: String) {
        #expect(
            loadErrors(minimal(replication: "  chunkSize: \(text)")) == [
                "x.yaml:7:14: replication.chunkSize: expected a size like '4MiB', found '\(text)' (\(problem))"
            ]
        )
    }

    @Test func faultOutsideDuration() {
        let yaml = minimal(extra: "duration: 30m\nfaults:\n  - circuitDown: {at: 45m, detection: bfd}")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:10:23: faults[0].circuitDown.at: expected a time before the end of the run (30m), found '45m'"
            ]
        )
    }

    @Test func unknownKeyWithSuggestion() {
        let yaml = minimal().replacingOccurrences(of: "bandwidth:", with: "bandwidht:")
        #expect(
            loadErrors(yaml) == [
                "x.yaml:5:5: network.circuit.bandwidht: unknown key 'bandwidht'; did you mean 'bandwidth'?",
                "x.yaml:5:5: network.circuit.bandwidth: missing required key 'bandwidth' (expected a bandwidth like '10Gbps')",
            ]
        )
    }

    @Test func unknownKeyWithoutSuggestion() {
        #expect(
            loadErrors(minimal(extra: "colour: blue")) == [
                "x.yaml:8:1: colour: unknown key 'colour'; expected one of 'name', 'description', 'seed', 'duration', "
                    + "'measurement', 'startsAt', 'phases', 'hosts', 'vms', 'replication', 'network', 'storage', "
                    + "'faults', 'sweep', 'plan'"
            ]
        )
    }

    @Test func severalErrorsAreCollectedInDocumentOrder() {
        let yaml = """
            vms:
              count: 0
            replication:
              uploadThreadsPerVM: 64
              frequncy: 5m
            network:
              circuit:
                bandwidth: -10Mbps
            storage: us-grs-2099
            """
        #expect(
            loadErrors(yaml) == [
                "x.yaml:2:10: vms.count: expected a whole number, found '0' (must be in 1...10000)",
                "x.yaml:4:23: replication.uploadThreadsPerVM: expected a whole number, found '64' "
                    + "(must be in 1...32, ASR's UploadThreadsPerVM range)",
                "x.yaml:5:3: replication.frequncy: unknown key 'frequncy'; did you mean 'frequency'?",
                "x.yaml:8:16: network.circuit.bandwidth: expected a bandwidth like '10Gbps', found '-10Mbps' (must be > 0)",
                "x.yaml:9:10: storage: expected one of 'us-grs-2015', 'us-lrs-2015', 'eu-asia-grs-2015', "
                    + "'eu-asia-lrs-2015', 'major-region-2025', 'other-region-2025', found 'us-grs-2099'",
            ]
        )
    }

    @Test func yamlSyntaxErrorIsPositioned() {
        let errors = loadErrors("vms:\n  count: 3\n network: [\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("x.yaml:3:") == true, "\(errors)")
        #expect(errors.first?.contains("YAML syntax error") == true, "\(errors)")
    }

    @Test func duplicatedKeyPointsAtTheSecondOccurrence() {
        #expect(
            loadErrors("vms: {count: 3}\nnetwork: {circuit: {bandwidth: 1Gbps}}\nvms: {count: 4}") == [
                "x.yaml:3:1: YAML error: duplicated key 'vms'"
            ]
        )
    }

    @Test func tabIndentationIsASyntaxError() {
        #expect(
            loadErrors("vms: {count: 3}\nnetwork:\n\tcircuit: {bandwidth: 1Gbps}") == [
                "x.yaml:3:1: YAML syntax error: found character that cannot start any token "
                    + "(while scanning for the next token at 3:1)"
            ]
        )
    }

    @Test func emptyAndNonMappingDocuments() {
        #expect(loadErrors("") == ["x.yaml:1:1: expected a scenario mapping, found an empty document"])
        #expect(loadErrors("- 1\n- 2\n").first?.hasPrefix("x.yaml:1:1: expected a mapping with keys 'name'") == true)
    }

    @Test func missingPathToStorage() {
        #expect(
            loadErrors("vms: {count: 1}\nnetwork: {tcp: {variant: reno}}") == [
                "x.yaml:2:10: network: expected a path to storage: 'circuit' and/or 'fallbackPaths', found neither"
            ]
        )
    }

    @Test func storagePresetsAndOverrides() throws {
        let yaml = minimal(
            extra: "storage:\n  preset: eu-asia-grs-2015\n  requestRate: 10k/s\n  blobThroughput: 60MB/s"
        )
        let storage = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml").document.storage
        #expect(storage.preset == "eu-asia-grs-2015")
        #expect(storage.ingressBitsPerSecond == 5e9)
        #expect(storage.requestsPerSecond == 10_000)
        #expect(storage.blobBitsPerSecond == 480e6)
        #expect(storage.blobRequestsPerSecond == 500)
    }
}
