import Foundation
import TestHarness
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
        let ok = try await runReplsim(["plan", scenario, "--inventory", inventory, "--seeds", "1", "--tolerance", "10%", "--out", out.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("## Minimum circuit bandwidth"))
        let data = try Data(contentsOf: out.appendingPathComponent("plan.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["status"] as? String == "ok")
        #expect(json["vms"] as? Int == 3 && json["hosts"] as? Int == 2)
        #expect((json["bandwidth"] as? [Any])?.count == 2)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("plan.md").path))

        let short = try await runReplsim(["plan", scenario, "--inventory", inventory, "--seeds", "1", "--tolerance", "10%",
            "--max-bandwidth", "5Mbps", "--out", dir.appendingPathComponent("short").path, "--quiet"])
        #expect(short.status == 1, "\(short.stdout)\(short.stderr)")

        try "VM Name,Disk sizes (GB)\nx,lots\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try await runReplsim(["plan", scenario, "--inventory", dir.appendingPathComponent("bad.csv").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.csv:2:3: Disk sizes (GB): expected disk sizes in GB"), "\(bad.stderr)")
    }

    /// `plan --shard i/n` parts merged in any order give the single machine's plan.json and plan.md byte for byte
    /// (3 shards of 4 units: 2 seeds' searches and 2 hosts' thread sweeps); missing, duplicated and foreign parts (other options, another
    /// scenario, another version, another kind of job) exit 2 naming them.
    @Test func shardedPlanMergesToTheSingleMachinePlan() async throws {
        let dir = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (scenario, inventory) = try Self.files(in: dir)
        let plan = ["plan", scenario, "--inventory", inventory, "--seeds", "2", "--tolerance", "10%", "--quiet", "--jobs", "1"]
        let local = dir.appendingPathComponent("local")
        let whole = try await runReplsim(plan + ["--out", local.path])
        #expect(whole.status == 0, "\(whole.stderr)")
        let parts = dir.appendingPathComponent("parts")
        for index in [2, 0, 1] {
            let shard = try await runReplsim(plan + ["--shard", "\(index)/3", "--out", parts.path])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = dir.appendingPathComponent("merged")
        let merge = try await runReplsim(["merge", parts.path, "--out", merged.path, "--quiet", "--jobs", "1"])
        #expect(merge.status == 0, "\(merge.stderr)")
        for name in ["plan.json", "plan.md"] {
            let left = try Data(contentsOf: local.appendingPathComponent(name))
            let right = try Data(contentsOf: merged.appendingPathComponent(name))
            #expect(left == right, "\(name) differs between one machine and 3 merged shards")
        }

        func part(_ index: Int, in folder: URL = parts) -> String { folder.appendingPathComponent("part-000\(index)-of-0003.json").path }
        let out = dir.appendingPathComponent("out").path
        let missing = try await runReplsim(["merge", part(0), part(2), "--out", out])
        #expect(missing.status == 2 && missing.stderr.contains("missing shard 1/3"), "\(missing.stderr)")
        let twice = try await runReplsim(["merge", part(0), part(1), part(1), part(2), "--out", out])
        #expect(twice.status == 2 && twice.stderr.contains("shard 1/3 given twice"), "\(twice.stderr)")

        let otherOptions = dir.appendingPathComponent("other-options")
        let tolerance = try await runReplsim(
            plan.map { $0 == "10%" ? "20%" : $0 } + ["--shard", "1/3", "--out", otherOptions.path])
        #expect(tolerance.status == 0, "\(tolerance.stderr)")
        let foreignOptions = try await runReplsim(["merge", part(0), part(1, in: otherOptions), part(2), "--out", out])
        #expect(foreignOptions.status == 2 && foreignOptions.stderr.contains("different job"), "\(foreignOptions.stderr)")

        let otherScenario = dir.appendingPathComponent("other-scenario")
        let withoutInventory = try await runReplsim(
            ["plan", scenario, "--seeds", "2", "--tolerance", "10%", "--quiet", "--shard", "1/3", "--out", otherScenario.path])
        #expect(withoutInventory.status == 0, "\(withoutInventory.stderr)")
        let foreignScenario = try await runReplsim(["merge", part(0), part(1, in: otherScenario), part(2), "--out", out])
        #expect(foreignScenario.status == 2 && foreignScenario.stderr.contains("different job"), "\(foreignScenario.stderr)")

        let text = try String(contentsOfFile: part(2), encoding: .utf8)
        try text.replacingOccurrences(of: "\"replsim 0.", with: "\"replsim 99.")
            .write(toFile: part(2), atomically: true, encoding: .utf8)
        let version = try await runReplsim(["merge", parts.path, "--out", out])
        #expect(version.status == 2 && version.stderr.contains("written by replsim 99."), "\(version.stderr)")
        try text.replacingOccurrences(of: "\"work\" : \"plan\"", with: "\"work\" : \"runs\"")
            .write(toFile: part(2), atomically: true, encoding: .utf8)
        let kind = try await runReplsim(["merge", parts.path, "--out", out])
        #expect(kind.status == 2 && kind.stderr.contains("holds work 'runs', not 'plan'"), "\(kind.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing may be written when a merge fails")
    }
}
