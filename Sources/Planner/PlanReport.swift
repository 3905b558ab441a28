import Results

/// plan.md: the plan's answers as Markdown, each with what binds it and the formula beside it.
public enum PlanReport {
    /// - Complexity: O(answers).
    public static func markdown(_ plan: Plan) -> String {
        let s = plan.settings
        let seeds = plan.seeds.map(String.init).joined(separator: ", ")
        var lines = [
            "# Plan: \(plan.scenario)", "",
            "\(plan.vms) VMs on \(plan.hosts) hosts; target RPO \(Planner.duration(s.targetRPOSeconds)) with "
                + "\(Planner.duration(s.frequencySeconds)) cycles, \(s.threadsPerVM) threads per VM; churn at its "
                + "\(Int((s.churnPercentile * 100).rounded()))th percentile + \(Int((s.growth * 100).rounded())) % growth; "
                + "seeds \(seeds); each answer p50 (p5–p95 over the seeds).", "",
        ]
        if plan.status == .unreachable {
            lines += ["**Not every target can be met:**", ""] + plan.problems.map { "- \($0)" } + [""]
        }
        lines += [
            "## Minimum circuit bandwidth", "",
            "| cycles within target | simulated (p50, p5–p95) | formula (churn × growth) | ratio | what binds |",
            "|---|---|---|---|---|",
        ]
        for answer in plan.bandwidth {
            let simulated = answer.bitsPerSecond.map { "\(Planner.bits($0.p50)) (\(Planner.bits($0.p5))–\(Planner.bits($0.p95)))" }
                ?? "not met within \(Planner.bits(s.maximumBitsPerSecond))"
            let ratio = answer.ratioToFormula.map { String(format: "%.2f×", $0) } ?? "–"
            lines.append(
                "| \(Planner.percent(answer.targetShare)) | \(simulated) | \(Planner.bits(answer.formulaBitsPerSecond)) | "
                    + "\(ratio) | \(answer.binding) (\(Planner.percent(answer.bindingShare)) of the time) |")
        }
        lines.append("")
        lines += plan.bandwidth.map { "- \(Planner.percent($0.targetShare)): \($0.whyDifferent)" }
        lines += [
            "", "## Achievable RPO at \(Planner.bits(plan.achievable.bandwidthBitsPerSecond))", "",
            "- RPO met by every cycle: \(band(plan.achievable.rpo100Seconds, Planner.duration))",
            "- RPO met by 90 % of cycles: \(band(plan.achievable.rpo90Seconds, Planner.duration))",
            "- cycles within the target: \(band(plan.achievable.shareWithinTarget, Planner.percent))",
            "- what binds: \(plan.achievable.binding)",
        ]
        if let whatIf = plan.whatIf {
            lines += [
                "", "## What-if: RPO violations at the 90 % bandwidth (\(Planner.bits(whatIf.bandwidthBitsPerSecond)))", "",
                "- violations: \(band(whatIf.violations) { String(format: "%.0f", $0) })",
                "- longest: \(band(whatIf.longestSeconds, Planner.duration))",
                "- most in one day: \(band(whatIf.peakPerDay) { String(format: "%.0f", $0) })",
                "- worst RPO: \(band(whatIf.worstRPOSeconds, Planner.duration))",
            ]
        }
        lines += threadsSection(plan.threads)
        lines += [
            "", "## Assumptions", "",
            "- Delta replication only (disks seeded); every VM's churn × \(String(format: "%.2f", 1 + s.growth)); "
                + "\(Planner.duration(s.durationSeconds)) simulated per run, measured from \(Planner.duration(s.measurementStartSeconds)).",
            "- Searches bisect the circuit bandwidth in log space between \(Planner.bits(s.minimumBitsPerSecond)) (the sustained "
                + "load\(s.policer == "dual" ? " halved for the dual policer" : "")) and \(Planner.bits(s.maximumBitsPerSecond)), to a "
                + "relative tolerance of \(Planner.percent(s.tolerance)); circuit policer: \(s.policer).",
            "- The formula is the Deployment Planner's convention (percentile churn × growth); its exact internals are not published.",
            "", "\(plan.simulatedRuns) simulated runs.", "",
        ]
        return lines.joined(separator: "\n")
    }

    /// The UploadThreadsPerVM table: per host, the fewest threads within the share of the best IR throughput.
    static func threadsSection(_ threads: ThreadsPlan) -> [String] {
        var lines = [
            "", "## UploadThreadsPerVM per host", "",
            "The fewest threads per VM that reach \(Planner.percent(threads.shareOfBest)) of the host's best initial-replication "
                + "throughput over 1–\(threads.maxThreads), each host's VMs copying alone at \(Planner.bits(threads.bandwidthBitsPerSecond)) "
                + "(\(Planner.duration(threads.windowSeconds)) simulated per run, measured from \(Planner.duration(threads.measuredFromSeconds))).", "",
            "| host | VMs | threads (p50, p5–p95) | set | best IR throughput (at threads) | more threads hurt | what binds |",
            "|---|---|---|---|---|---|---|",
        ]
        func count(_ value: Double) -> String { String(format: "%.0f", value) }
        for host in threads.hosts {
            let hurt = host.moreThreadsHurt
                ? "yes: −\(Planner.percent(host.dropPastBest.p50)) past the best" : "no (−\(Planner.percent(host.dropPastBest.p50)))"
            lines.append(
                "| \(host.host) | \(host.vms) | \(band(host.threads, count)) | \(host.recommendedThreads) | "
                    + "\(Planner.bits(host.bestBitsPerSecond.p50)) (\(band(host.bestThreads, count))) | \(hurt) | "
                    + "\(host.binding) (\(Planner.percent(host.bindingShare)) of the time) |")
        }
        return lines
    }

    static func band(_ band: Band?, _ format: (Double) -> String) -> String {
        guard let band else { return "no cycles" }
        return "\(format(band.p50)) (\(format(band.p5))–\(format(band.p95)))"
    }
}
