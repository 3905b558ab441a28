import Foundation
import Results
import TestHarness
import Testing

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite(.cpuBound) struct ComparisonTests {
    /// `file` with every run's initial-replication time multiplied by `factor`.
    func scaled(_ file: ResultFile, irTime factor: Double) -> ResultFile {
        var copy = file
        for index in copy.runs.indices {
            let seconds = copy.runs[index].initialReplication?.overallSeconds
            copy.runs[index].initialReplication?.overallSeconds = seconds.map { $0 * factor }
        }
        return copy
    }

    static func threshold(_ metric: ComparedMetric, _ tolerance: Double = 5) -> Thresholds.Metric {
        Thresholds(tolerancePercent: tolerance)[metric]
    }

    @Test func tenPercentSlowerInitialReplicationFailsAtFiveAndPassesAtFifteen() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [1, 8])
        let current = scaled(baseline, irTime: 1.1)
        let strict = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        #expect(strict.hasRegression)
        #expect(!strict.passed)
        #expect(strict.exitCode == 1)
        #expect(strict.regressions.count == 2)
        #expect(strict.regressions.allSatisfy { $0.metric == .initialReplicationSeconds })
        #expect(abs((strict.regressions[0].changePercent ?? 0) - 10) < 1e-9)
        let loose = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 15)
        #expect(!loose.hasRegression)
        #expect(loose.passed)
    }

    @Test func fasterInitialReplicationIsAnImprovementWithItsOwnExitCode() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [8])
        let result = try Comparison.compare(
            current: scaled(baseline, irTime: 0.5), baseline: baseline,
            tolerancePercent: 5)
        #expect(result.passed)
        #expect(result.metrics.first { $0.metric == .initialReplicationSeconds }?.status == .improved)
        #expect(result.exitCode == 3)
        #expect(result.table().hasSuffix("IMPROVED: 1 metric(s) better than the baseline (update it)\n"))
        let same = try Comparison.compare(current: baseline, baseline: baseline, tolerancePercent: 5)
        #expect(same.exitCode == 0)
    }

    /// Mean throughput mixes initial replication with the idle time after it: it is compared only for runs that
    /// have neither phase, so a run that copies faster (and then idles) is not a throughput regression.
    @Test func throughputIsComparedOnlyWithoutPhases() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [8])
        var current = scaled(baseline, irTime: 0.5)
        current.runs[0].throughputBitsPerSecond *= 0.7
        let result = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        #expect(!result.metrics.contains { $0.metric == .throughput })
        var bare = baseline
        bare.runs[0].initialReplication = nil
        var slower = bare
        slower.runs[0].throughputBitsPerSecond *= 0.7
        let plain = try Comparison.compare(current: slower, baseline: bare, tolerancePercent: 5)
        #expect(plain.regressions.map(\.metric) == [.throughput])
    }

    @Test func perMetricThresholdsAndDirections() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [8])
        let current = scaled(baseline, irTime: 1.1)
        var thresholds = Thresholds(tolerancePercent: 5)
        thresholds.metrics = thresholds.metrics.map { metric in
            var copy = metric
            if copy.metric == .initialReplicationSeconds { copy.tolerancePercent = 20 }
            return copy
        }
        #expect(try Comparison.compare(current: current, baseline: baseline, thresholds: thresholds).exitCode == 0)
        thresholds.metrics = thresholds.metrics.map { metric in
            var copy = metric
            if copy.metric == .initialReplicationSeconds { (copy.tolerancePercent, copy.better) = (5, .higher) }
            return copy
        }
        #expect(try Comparison.compare(current: current, baseline: baseline, thresholds: thresholds).exitCode == 3)
    }

    @Test func changedScenarioIsNamedKeyByKey() throws {
        var baseline = Fixture.sweep(vms: [3], threads: [8])
        var current = scaled(baseline, irTime: 0.5)
        func inputs(_ bandwidth: Double, hash: String) -> ResultInputs {
            ResultInputs(
                scenario: .object(["network": .object(["circuit": .object(["bandwidthBitsPerSecond": .number(bandwidth)])])]),
                sweep: [], scenarioSHA256: hash, replsimVersion: "0.1.0", replsimCommit: nil)
        }
        baseline.inputs = inputs(1e9, hash: "a")
        current.inputs = inputs(2e9, hash: "b")
        let result = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        #expect(result.changedInputs == ["network.circuit.bandwidthBitsPerSecond: 1000000000 → 2000000000"])
        #expect(result.table().contains("SCENARIO CHANGED since the baseline"))
        current.inputs = baseline.inputs
        #expect(try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5).changedInputs == [])
    }

    @Test func slowerInitialReplicationAndWorseRPOAreRegressions() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [8], cycles: true)
        var current = baseline
        current.runs[0].initialReplication?.overallSeconds =
            (baseline.runs[0].initialReplication?.overallSeconds ?? 0) * 1.1
        current.runs[0].cycles?.shareWithinTargetRPO = (baseline.runs[0].cycles?.shareWithinTargetRPO ?? 0) - 0.08
        let result = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        #expect(Set(result.regressions.map(\.metric)) == [.initialReplicationSeconds, .rpoWithinTargetShare])
        let unfinished = {
            var copy = baseline
            copy.runs[0].initialReplication?.overallSeconds = nil
            return copy
        }()
        let notDone = try Comparison.compare(current: unfinished, baseline: baseline, tolerancePercent: 50)
        #expect(notDone.regressions.map(\.metric) == [.initialReplicationSeconds])
    }

    @Test func missingAndNewRunsAreReported() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [1, 8])
        var current = Fixture.sweep(vms: [3], threads: [8, 16])
        current.seed = 7
        let result = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        #expect(result.missingInCurrent == ["vms=3,threadsPerVM=1"])
        #expect(result.newInCurrent == ["vms=3,threadsPerVM=16"])
        #expect(!result.hasRegression)
        #expect(!result.passed)
        let table = result.table()
        #expect(table.contains("missing in current result: vms=3,threadsPerVM=1"))
        #expect(table.contains("new run (no baseline): vms=3,threadsPerVM=16"))
        #expect(table.contains("note: seed differs"))
        #expect(table.hasSuffix("FAIL: 0 regression(s), 1 missing run(s)\n"))
    }

    @Test func tableListsWhatMoved() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [32])
        let result = try Comparison.compare(
            current: scaled(baseline, irTime: 1.1), baseline: baseline,
            tolerancePercent: 5)
        let lines = result.table().split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("run "))
        #expect(lines[2].contains("initialReplicationSeconds"))
        #expect(lines[2].contains("+10.0 %"))
        #expect(lines[2].hasSuffix("regressed"))
    }

    @Test func invalidToleranceIsBadInput() {
        let file = Fixture.single()
        #expect(throws: ComparisonError.invalidTolerance(-1)) {
            try Comparison.compare(current: file, baseline: file, tolerancePercent: -1)
        }
        #expect(throws: ComparisonError.self) {
            try Comparison.compare(current: file, baseline: file, tolerancePercent: .nan)
        }
    }

    @Test func zeroBaselineAndNonFiniteCurrent() {
        let fromZero = MetricComparison.judge(runID: "r", threshold: Self.threshold(.throughput), baseline: 0, current: 5)
        #expect(fromZero.status == .improved)
        #expect(fromZero.changePercent == nil)
        let bothZero = MetricComparison.judge(runID: "r", threshold: Self.threshold(.throughput), baseline: 0, current: 0)
        #expect(bothZero.status == .unchanged)
        let nan = MetricComparison.judge(runID: "r", threshold: Self.threshold(.throughput), baseline: 10, current: .nan)
        #expect(nan.status == .regressed)
    }

    @Test func junitParsesAndCountsFailures() throws {
        var baseline = Fixture.sweep(vms: [3], threads: [1, 8], cycles: true)
        baseline.scenario = "odd <name> & \"quotes\""
        var current = scaled(baseline, irTime: 1.25)
        current.runs.removeLast()
        let result = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        let xml = JUnitWriter.render(result)
        let document = try XMLDocument(data: Data(xml.utf8))
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let cases = try document.nodes(forXPath: "//testcase")
        #expect(cases.count == 4 + 1)  // 4 metrics (IR time and throughput, RPO share and p99) + 1 missing run
        let failures = try document.nodes(forXPath: "//testcase/failure")
        #expect(failures.count == result.regressions.count + 1)
        #expect(root.attribute(forName: "failures")?.stringValue == String(failures.count))
        let suite = try #require(try document.nodes(forXPath: "//testsuite").first as? XMLElement)
        #expect(suite.attribute(forName: "name")?.stringValue == baseline.scenario)
    }

    @Test func junitForAPassingCheckHasNoFailures() throws {
        let file = Fixture.sweep(vms: [3], threads: [8], cycles: true)
        let xml = JUnitWriter.render(try Comparison.compare(current: file, baseline: file, tolerancePercent: 0))
        let document = try XMLDocument(data: Data(xml.utf8))
        #expect(try document.nodes(forXPath: "//failure").isEmpty)
        #expect(try document.nodes(forXPath: "//testcase").count == 4)
    }
}
