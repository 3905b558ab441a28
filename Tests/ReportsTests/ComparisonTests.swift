import Foundation
import Results
import Testing

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct ComparisonTests {
    func scaled(_ file: ResultFile, throughput factor: Double) -> ResultFile {
        var copy = file
        for index in copy.runs.indices { copy.runs[index].throughputBitsPerSecond *= factor }
        return copy
    }

    @Test func tenPercentDropFailsAtFiveAndPassesAtFifteen() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [1, 8])
        let current = scaled(baseline, throughput: 0.9)
        let strict = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        #expect(strict.hasRegression)
        #expect(!strict.passed)
        #expect(strict.regressions.count == 2)
        #expect(strict.regressions.allSatisfy { $0.metric == .throughput })
        #expect(abs((strict.regressions[0].changePercent ?? 0) + 10) < 1e-9)
        let loose = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 15)
        #expect(!loose.hasRegression)
        #expect(loose.passed)
    }

    @Test func higherThroughputIsAnImprovementNotARegression() throws {
        let baseline = Fixture.sweep(vms: [3], threads: [8])
        let result = try Comparison.compare(
            current: scaled(baseline, throughput: 1.2), baseline: baseline,
            tolerancePercent: 5)
        #expect(result.passed)
        #expect(result.metrics.first { $0.metric == .throughput }?.status == .improved)
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
            current: scaled(baseline, throughput: 0.9), baseline: baseline,
            tolerancePercent: 5)
        let lines = result.table().split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("run "))
        #expect(lines[2].contains("throughput"))
        #expect(lines[2].contains("1.50 Gbps  1.35 Gbps"))
        #expect(lines[2].contains("-10.0 %"))
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
        let fromZero = MetricComparison.judge(runID: "r", metric: .throughput, baseline: 0, current: 5, tolerance: 5)
        #expect(fromZero.status == .improved)
        #expect(fromZero.changePercent == nil)
        let bothZero = MetricComparison.judge(runID: "r", metric: .throughput, baseline: 0, current: 0, tolerance: 5)
        #expect(bothZero.status == .unchanged)
        let nan = MetricComparison.judge(runID: "r", metric: .throughput, baseline: 10, current: .nan, tolerance: 5)
        #expect(nan.status == .regressed)
    }

    @Test func junitParsesAndCountsFailures() throws {
        var baseline = Fixture.sweep(vms: [3], threads: [1, 8], cycles: true)
        baseline.scenario = "odd <name> & \"quotes\""
        var current = scaled(baseline, throughput: 0.8)
        current.runs.removeLast()
        let result = try Comparison.compare(current: current, baseline: baseline, tolerancePercent: 5)
        let xml = JUnitWriter.render(result)
        let document = try XMLDocument(data: Data(xml.utf8))
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let cases = try document.nodes(forXPath: "//testcase")
        #expect(cases.count == 3 + 1)  // 3 metrics of the remaining run + 1 missing run
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
        #expect(try document.nodes(forXPath: "//testcase").count == 3)
    }
}
