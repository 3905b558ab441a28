import Foundation
import Results
import Scenario
import SimDriver
import TestHarness
import Testing

/// A small world: `vms` VMs with one 2 GiB disk (half used), delta cycles every 30 s, on the reference circuit.
func smallScenario(seed: UInt64, vms: Int = 2, threads: Int = 4, extra: String = "") throws -> ScenarioDocument {
    let yaml = """
        name: small
        seed: \(seed)
        duration: 10m
        phases: both
        hosts: [{name: h1, nic: 10Gbps}, {name: h2, nic: 10Gbps}]
        vms: {count: \(vms), disks: [{size: 2GiB, used: 50%}], churn: 2MB/s}
        replication: {uploadThreadsPerVM: \(threads), frequency: 30s, targetRPO: 5m}
        network:
          circuit: {bandwidth: 1Gbps, rtt: 2ms}
          fallbackPaths: [{name: internet, capacity: 500Mbps, rtt: 30ms, loss: 1e-4}]
        storage: us-grs-2015
        \(extra)
        """
    return try ScenarioLoader.parse(yaml: yaml, file: "small.yaml").document
}

@Suite(.cpuBound) struct DeterminismTests {
    @Test func sameSeedGivesAnIdenticalResult() throws {
        let doc = try smallScenario(seed: 7)
        let a = try SimDriver.run(doc)
        let b = try SimDriver.run(doc)
        #expect(a == b, "reproduce with seed 7")
        #expect(a.eventCount > 1000)
    }

    @Test func differentSeedsDiffer() throws {
        let a = try SimDriver.run(try smallScenario(seed: 1))
        let b = try SimDriver.run(try smallScenario(seed: 2))
        #expect(a.timeSeries != b.timeSeries, "seeds 1 and 2 gave the same time series")
    }
}

@Suite(.cpuBound) struct FaultTests {
    /// Randomized small scenarios with faults; invariants are checked after every core step (a violation traps,
    /// naming the VM). Conservation: bytes acknowledged never exceed what the disks and churn can supply.
    @Test(arguments: 1...120)
    func randomizedRunsKeepTheInvariants(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let restartAt = 60 + random.next() % 400
        let outageAt = 30 + random.next() % 400
        let detection = ["bgp", "bfd", "20s"][Int(random.next() % 3)]
        let extra = """
            faults:
              - hostRestart: {host: h\(1 + random.next() % 2), at: \(restartAt)s, downFor: \(5 + random.next() % 60)s}
              - circuitDown: {connection: \(["primary", "secondary", "both"][Int(random.next() % 3)]), at: \(outageAt)s, for: \(10 + random.next() % 200)s, detection: \(detection)}
              - throttlingStorm: {at: \(random.next() % 500)s, for: 60s, forced503: \(random.next() % 60)%}
            """
        let doc = try smallScenario(
            seed: seed, vms: 1 + Int(random.next() % 4), threads: 1 + Int(random.next() % 32), extra: extra)
        let result = try SimDriver.run(doc, options: .init(checkInvariants: true))
        let supply = Double(doc.vms.disks[0].usedBytes * Int64(doc.vms.count))
            + 2e6 * 600 * Double(doc.vms.count) * 1.01 + Double(doc.vms.count * 32) * 4_194_304
        #expect(Double(result.bytesPayload) <= supply, "reproduce with seed \(seed)")
        #expect(result.throughputBitsPerSecond.isFinite && result.throughputBitsPerSecond >= 0, "seed \(seed)")
        #expect(result.bottleneckShares.values.reduce(0, +) > 0.99, "shares \(result.bottleneckShares), seed \(seed)")
    }

    /// A host restart mid-cycle: every VM still finishes initial replication and commits cycles afterwards, and
    /// what is sent again is at most what was in flight (threads × chunk) plus failure retries.
    @Test func hostRestartLosesNothingCommitted() throws {
        let doc = try smallScenario(seed: 3, vms: 2, threads: 4, extra: "faults: [{hostRestart: {host: h1, at: 10s, downFor: 30s}}]")
        let result = try SimDriver.run(doc, options: .init(checkInvariants: true))
        let ir = try #require(result.initialReplication)
        #expect(ir.completedVMs == 2, "seed 3: \(ir.perVMCompletionSeconds)")
        #expect(result.bytesResent <= 4 * 4_194_304, "seed 3: re-sent \(result.bytesResent) B")
        #expect(result.bytesResent > 0, "the restart at 10 s, mid initial replication, should catch chunks in flight (seed 3)")
        let cycles = try #require(result.cycles)
        #expect(cycles.committed > 5, "seed 3: \(cycles.committed) cycles committed")
    }

    /// Both circuit connections fail at 60 s; with BGP's 180 s hold timer, nothing moves until 240 s, then traffic
    /// flows on the 500 Mbps internet path.
    @Test func failoverWaitsForTheHoldTimerThenUsesTheFallback() throws {
        var doc = try smallScenario(
            seed: 5, vms: 2, threads: 8, extra: "faults: [{circuitDown: {connection: both, at: 60s, detection: bgp}}]")
        doc.vms.disks[0].sizeBytes = 64 * 1_073_741_824
        let result = try SimDriver.run(doc)
        let series = result.timeSeries
        func rate(at seconds: Double) -> Double {
            series.aggregateBitsPerSecond[Int(seconds / series.intervalSeconds)]
        }
        #expect(rate(at: 30) > 0.5e9, "before the fault the 1 Gbps circuit carries the upload (seed 5)")
        #expect(rate(at: 120) == 0, "while BGP has not noticed, nothing moves (seed 5)")
        #expect(rate(at: 200) == 0, "seed 5")
        let after = rate(at: 300)
        #expect(after > 0.1e9 && after <= 0.5e9, "after 240 s the 500 Mbps fallback path carries it: \(after) (seed 5)")
        #expect(result.resets > 0, "in-flight transfers on the dead circuit end as resets (seed 5)")
    }
}

