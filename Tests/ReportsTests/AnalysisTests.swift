import Results
import TestHarness
import Testing

@testable import Reports

@Suite(.cpuBound) struct AnalysisTests {
    func series(_ pairs: [(Int, Double)], vms: Int = 25) -> [RunResult] {
        var file = Fixture.sweep(vms: [vms], threads: pairs.map(\.0))
        for (index, pair) in pairs.enumerated() { file.runs[index].throughputBitsPerSecond = pair.1 }
        return file.runs
    }

    @Test func recommendsSmallestThreadCountReaching95Percent() throws {
        let runs = series([(1, 100), (2, 200), (4, 400), (8, 480), (16, 500), (32, 505)])
        let rec = try #require(Recommendation.smallestThreads(runs, fraction: 0.95, label: "25 VMs"))
        #expect(rec.threadsPerVM == 8)  // 480 ≥ 0.95 × 505 = 479.75; 400 is not
        #expect(rec.bestThreadsPerVM == 32)
        #expect(rec.sentence == "For 25 VMs, 8 threads per VM reach 95 % of the best throughput (480 bps of 505 bps).")
    }

    @Test func recommendationIgnoresOrderAndNonFiniteValues() throws {
        let runs = series([(32, 1000), (1, .nan), (16, 960), (8, 949), (4, 10)])
        let rec = try #require(Recommendation.smallestThreads(runs, fraction: 0.95, label: "x"))
        #expect(rec.threadsPerVM == 16)  // 949 < 950
        #expect(Recommendation.smallestThreads([], fraction: 0.95, label: "x") == nil)
    }

    @Test func exactThresholdCountsAndFlatSeriesPicksOne() throws {
        let exact = series([(2, 95), (4, 100)])
        #expect(Recommendation.smallestThreads(exact, fraction: 0.95, label: "x")?.threadsPerVM == 2)
        let zero = series([(4, 0), (1, 0), (8, 0)])
        let rec = try #require(Recommendation.smallestThreads(zero, fraction: 0.95, label: "x"))
        #expect(rec.threadsPerVM == 1)
        #expect(rec.shareOfBest == 1)
    }

    @Test func analysisGroupsByVMCountAndOtherParameters() {
        var file = Fixture.sweep(vms: [25, 3], threads: [8, 1])
        file.runs.append(
            contentsOf: Fixture.sweep(vms: [3], threads: [4]).runs.map { run in
                var copy = run
                copy.parameters.append(.init(key: "chunkSize", value: "1MiB"))
                copy.id = RunResult.makeID(copy.parameters)
                return copy
            })
        let analysis = ReportAnalysis(file)
        #expect(analysis.series.map(\.label) == ["3 VMs", "3 VMs, chunkSize=1MiB", "25 VMs"])
        #expect(analysis.series[0].runs.map(\.threadsPerVM) == [1, 8])
        #expect(analysis.threadValues == [1, 4, 8])
        #expect(analysis.recommendations.count == 3)
    }

    /// The VM count is a given: the headline answers per VM count (threads needed and IR time), never "best".
    @Test func headlineNamesThreadsPerVMCountAndIRTimes() {
        let file = Fixture.sweep(vms: [3, 25], threads: [1, 32, 8])
        let analysis = ReportAnalysis(file)
        let headline = analysis.headline
        #expect(headline.hasPrefix("Initial replication (IR): 3 VMs need "), "\(headline)")
        #expect(headline.contains("; 25 VMs need "), "\(headline)")
        #expect(!headline.contains("Best") && !headline.contains("n/a"), "\(headline)")
        for answer in analysis.answers {
            let fastest = file.runs.filter { $0.vms == answer.run.vms }
                .compactMap { $0.initialReplication?.overallSeconds }.min() ?? 0
            #expect((answer.irSeconds ?? .infinity) <= fastest * 1.05)
            #expect(headline.contains("\(answer.run.vms) VMs need \(answer.run.threadsPerVM) thread"))
        }
        #expect(analysis.sweptAxes == "vms (3, 25; given) × threadsPerVM (1, 32, 8; the choice)")
    }

    /// A delta run's headline is about RPO: the share within target and the worst RPO.
    @Test func deltaHeadlineIsAboutRPO() {
        var file = Fixture.sweep(vms: [100], threads: [2, 8], cycles: true)
        for index in file.runs.indices { file.runs[index].initialReplication = nil }
        let headline = ReportAnalysis(file).headline
        #expect(headline.hasPrefix("RPO: 100 VMs: "), "\(headline)")
        #expect(headline.contains("of cycles within the"), "\(headline)")
        #expect(headline.contains("worst RPO"), "\(headline)")
        #expect(!headline.contains("Gbps"), "\(headline)")
    }

    /// A bandwidth sweep: each run is labelled with its own circuit, not the base file's.
    @Test func eachRunIsLabelledWithItsOwnLimits() {
        var file = Fixture.sweep(vms: [3], threads: [8])
        file.runs = [500e6, 1e9].enumerated().map { index, bandwidth in
            var run = file.runs[0]
            run.id = "circuit.bandwidth=\(index)"
            run.parameters = [.init(key: "circuit.bandwidth", value: index == 0 ? "500Mbps" : "1Gbps")]
            run.bottleneck = "circuit"
            run.limits = [.init(kind: "circuit", bitsPerSecond: bandwidth)]
            return run
        }
        let analysis = ReportAnalysis(file)
        #expect(analysis.label("circuit", run: file.runs[0]).words == "the 500 Mbps circuit")
        #expect(analysis.label("circuit", run: file.runs[1]).words == "the 1 Gbps circuit")
        let md = MarkdownReport.render(file)
        #expect(md.contains("the 500 Mbps circuit") && md.contains("the 1 Gbps circuit"), "\(md)")
        #expect(!md.contains("10 Gbps circuit"), "\(md)")
    }

    @Test func referenceRunIsChosenWhenPresent() {
        var file = Fixture.sweep(vms: [3], threads: [1, 8])
        #expect(ReportAnalysis(file).chosen?.threadsPerVM == 8)
        file.referenceRunID = "vms=3,threadsPerVM=1"
        #expect(ReportAnalysis(file).chosen?.threadsPerVM == 1)
        file.referenceRunID = "no-such-run"
        #expect(ReportAnalysis(file).chosen?.threadsPerVM == 8)
    }

    @Test func formatRules() {
        #expect(Format.fixed(1.005, 2) == "1.01" || Format.fixed(1.005, 2) == "1.00")  // binary 1.005 < 1.005
        #expect(Format.fixed(2.5, 0) == "3")
        #expect(Format.fixed(-2.5, 0) == "-3")
        #expect(Format.fixed(-0.0001, 2) == "0.00")
        #expect(Format.fixed(.nan, 2) == "n/a")
        #expect(Format.bitsPerSecond(1.5099e9) == "1.51 Gbps")
        #expect(Format.bitsPerSecond(503_316_480) == "503.3 Mbps")
        #expect(Format.bytes(60 * 1_048_576) == "60 MiB")
        #expect(Format.seconds(90) == "90.0 s")
        #expect(Format.seconds(900) == "15.0 min")
        #expect(Format.percent(0.824) == "82 %")
        #expect(Format.raw(3.0) == "3")
        #expect(Format.raw(0.1) == "0.1")
        #expect(Format.raw(nil) == "")
    }

    @Test func unknownBottleneckKindGetsACode() {
        #expect(
            BottleneckLabel.of("quantumFoam")
                == BottleneckLabel(code: "QUAN", name: "quantumFoam", words: "quantumFoam"))
        #expect(BottleneckLabel.of("blobThroughput").words == "the page-blob cap")
    }
}
