import Foundation
import Results
import Scenario
import SimDriver
import TestHarness
import Testing

/// Loads a shipped scenario relative to the package root (tests run from anywhere).
func shippedScenario(_ name: String) throws -> Scenario {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/\(name)").path)
}

/// The reference document with `vms` VMs and `threads` threads, shortened to keep the test quick.
func reference(vms: Int = 3, threads: Int, minutes: Int64 = 6) throws -> ScenarioDocument {
    var doc = try shippedScenario("reference-3vm-expressroute.yaml").document
    doc.vms.count = vms
    doc.replication.uploadThreadsPerVM = threads
    doc.durationNanoseconds = minutes * 60_000_000_000
    doc.measurement.startNanoseconds = 60_000_000_000
    doc.measurement.endNanoseconds = doc.durationNanoseconds
    return doc
}

@Suite(.cpuBound) struct ReferenceCaseTests {
    @Test func raisedThreadsReachThePublished1Point5GbpsBoundByThePageBlob() throws {
        let result = try SimDriver.run(try reference(threads: 8))
        let gbps = result.throughputBitsPerSecond / 1e9
        #expect(gbps >= 1.45 && gbps <= 1.55, "3 VMs × 8 threads: \(gbps) Gbps, seed \(result.seed)")
        #expect(result.bottleneck == BottleneckKind.blobThroughput.rawValue, "\(result.bottleneckShares)")
    }

    @Test func oneThreadPerVMIsLowerAndNotBoundByTheBlob() throws {
        let result = try SimDriver.run(try reference(threads: 1))
        print(result.throughputBitsPerSecond, result.bottleneck, result.bottleneckShares)
        #expect(result.throughputBitsPerSecond < 1.45e9, "seed \(result.seed)")
        #expect(result.bottleneck != BottleneckKind.blobThroughput.rawValue, "\(result.bottleneckShares)")
    }
}
