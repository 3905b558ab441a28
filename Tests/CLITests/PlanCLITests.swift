import Foundation
import Testing

/// `replsim plan` end to end: an inventory CSV in, plan.json and plan.md out, exit 0 when the targets are met and
/// 1 when they cannot be within --max-bandwidth.
@Suite struct PlanCLITests {
    static func files(in dir: URL) throws -> (scenario: String, inventory: String) {
        let scenario = dir.appendingPathComponent("plan.yaml")
        try """
            # Question: what circuit do three small VMs need for a 15-minute RPO?
            name: plan-tiny
            seed: 4
            duration: 30m
            measurement: {start: 5m}
            phases: delta
            vms: {count: 1, disks: [{size: 8GiB}]}
            replication: {frequency: 5m, targetRPO: 15m}
            network: {circuit: {bandwidth: 100Mbps, rtt: 2ms, policer: single}}
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let inventory = dir.appendingPathComponent("estate.csv")
        try """
            VM Name,Hyper-V host,Disk sizes (GB),Used (%),Peak churn (MB/s)
            db,hv-1,16;32,50;70,2
            app-1,hv-2,16,40,0.5
            app-2,hv-2,16,40,0.5
            """.write(to: inventory, atomically: true, encoding: .utf8)
        return (scenario.path, inventory.path)
    }

    @Test func inventoryInPlanOut() async throws {
        let dir = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (scenario, inventory) = try Self.files(in: dir)
        let out = dir.appendingPathComponent("out")
        let ok = try await replsim(["plan", scenario, "--inventory", inventory, "--seeds", "1", "--tolerance", "10%", "--out", out.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("## Minimum circuit bandwidth"))
        let data = try Data(contentsOf: out.appendingPathComponent("plan.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["status"] as? String == "ok")
        #expect(json["vms"] as? Int == 3 && json["hosts"] as? Int == 2)
        #expect((json["bandwidth"] as? [Any])?.count == 2)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("plan.md").path))

        let short = try await replsim(["plan", scenario, "--inventory", inventory, "--seeds", "1", "--tolerance", "10%",
            "--max-bandwidth", "5Mbps", "--out", dir.appendingPathComponent("short").path, "--quiet"])
        #expect(short.status == 1, "\(short.stdout)\(short.stderr)")

        try "VM Name,Disk sizes (GB)\nx,lots\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try await replsim(["plan", scenario, "--inventory", dir.appendingPathComponent("bad.csv").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.csv:2:3: Disk sizes (GB): expected disk sizes in GB"), "\(bad.stderr)")
    }
}
