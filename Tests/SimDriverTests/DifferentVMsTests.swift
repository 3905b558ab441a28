import Foundation
import Results
import Scenario
import SimDriver
import TestHarness
import Testing

/// VMs that differ: each VM copies its own disks, writes its own churn and sits on its own host.
@Suite(.cpuBound) struct DifferentVMsTests {
    @Test func eachVMCopiesItsOwnDisksAndWritesItsOwnChurn() throws {
        let yaml = """
            name: mixed
            seed: 3
            duration: 20m
            phases: both
            vms:
              - {name: big, host: h1, disks: [{size: 2GiB, used: 50%}, {size: 1GiB, used: 25%}], churn: 2MB/s}
              - {name: small, host: h2, disks: [{size: 512MiB, used: 50%}]}
            replication: {frequency: 30s, targetRPO: 5m}
            network: {circuit: {bandwidth: 1Gbps, rtt: 2ms}}
            """
        let doc = try ScenarioLoader.parse(yaml: yaml, file: "mixed.yaml").document
        #expect(doc.hosts.map(\.name) == ["h1", "h2"])
        let result = try SimDriver.run(doc, options: .init(checkInvariants: true))
        let ir = try #require(result.initialReplication)
        let big = Int64(1_073_741_824) + 268_435_456
        let small = Int64(268_435_456)
        #expect(ir.bytesToCopy == big + small)
        #expect(ir.completedVMs == 2, "seed 3")
        // Only `big` has churn: after both finished IR, only it sends delta bytes.
        let payload = result.bytesPayload
        #expect(payload > big + small, "big's delta cycles add to the IR bytes (seed 3)")
        #expect((result.cycles?.count ?? 0) > 0)
        let smallThroughput = result.perVMThroughputBitsPerSecond[1]
        let bigThroughput = result.perVMThroughputBitsPerSecond[0]
        #expect(bigThroughput > smallThroughput)
    }
}
