import Foundation
import Results
import TestHarness
import Testing

@testable import Reports

@Suite(.cpuBound) struct SVGTests {
    /// Every numeric attribute of every SVG element parses as a finite number; no "nan"/"inf" anywhere.
    static func expectFiniteCoordinates(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lower = svg.lowercased()
        #expect(!lower.contains("nan"), "NaN in SVG", sourceLocation: sourceLocation)
        #expect(!lower.contains("inf\""), "infinity in SVG", sourceLocation: sourceLocation)
        for match in svg.matches(of: /\s(x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]*)"/) {
            #expect(
                Double(String(match.output.2))?.isFinite == true, "attribute \(match.output.1)=\(match.output.2)",
                sourceLocation: sourceLocation)
        }
        for match in svg.matches(of: /\sd="([^"]*)"/) {
            let numbers = String(match.output.1).split(whereSeparator: { "MLZ ".contains($0) })
            #expect(!numbers.isEmpty, sourceLocation: sourceLocation)
            for number in numbers {
                #expect(
                    Double(String(number))?.isFinite == true, "path number \(number)", sourceLocation: sourceLocation)
            }
        }
    }

    func degenerateFiles() -> [ResultFile] {
        var zero = Fixture.sweep(vms: [3, 10], threads: [1, 2], cycles: true)
        for index in zero.runs.indices {
            zero.runs[index].throughputBitsPerSecond = 0
            zero.runs[index].peakThroughputBitsPerSecond = 0
            zero.runs[index].timeSeries = .init(intervalSeconds: 0, aggregateBitsPerSecond: [])
            zero.runs[index].bottleneckShares = [:]
            zero.runs[index].cycles?.rpoHistogram = []
            zero.runs[index].cycles?.targetRPOSeconds = .infinity
        }
        var nan = Fixture.sweep(vms: [3], threads: [1, 4], cycles: true)
        nan.runs[0].throughputBitsPerSecond = .nan
        nan.runs[1].timeSeries.aggregateBitsPerSecond = [.nan, .infinity, 5, -3]
        nan.runs[1].timeSeries.startSeconds = .nan
        nan.runs[1].cycles?.rpoHistogram = [.init(lowerSeconds: 0, upperSeconds: nil, count: 0)]
        var holes = Fixture.sweep(vms: [3, 10], threads: [1, 32])
        holes.runs.remove(at: 1)  // a missing heatmap cell
        var oneThread = Fixture.sweep(vms: [3, 10, 25], threads: [4])
        oneThread.runs[2].bottleneck = "brandNewKind"
        return [zero, nan, holes, oneThread, Fixture.single()]
    }

    @Test func chartsStayFiniteOnZeroMissingAndNonFiniteData() {
        for file in degenerateFiles() {
            let html = HTMLReport.render(file)
            Self.expectFiniteCoordinates(html)
            #expect(html.ranges(of: "<svg").count == 2 * HTMLReport.charts(ReportAnalysis(file)).count)
        }
    }

    @Test func heatmapMarksEachCellWithItsBottleneckCode() {
        let file = Fixture.sweep(vms: [3, 25], threads: [1, 4, 32])
        let svg = Heatmap.render(ReportAnalysis(file))
        for run in file.runs {
            #expect(svg.contains(">\(BottleneckLabel.of(run.bottleneck).code)</text>"))
        }
        #expect(svg.contains("BLOB = page-blob cap"))
        #expect(svg.contains("CKT = circuit"))
    }

    @Test func threadsChartHasOneLinePerVMCountAndAxisUnits() {
        let file = Fixture.sweep(vms: [3, 10, 25], threads: [1, 2, 4, 8, 16, 32])
        let svg = ThreadsChart.render(ReportAnalysis(file))
        #expect(svg.ranges(of: "class=\"series\"").count == 3)
        #expect(svg.contains("throughput (Gbps)"))
        #expect(svg.contains("upload threads per VM"))
        for label in ["3 VMs", "10 VMs", "25 VMs"] { #expect(svg.contains(">\(label)</text>")) }
    }

    @Test func niceTicksAndScales() {
        #expect(Scale.niceStep(0.3) == 0.5)
        #expect(Scale.niceStep(1.7e9) == 2e9)
        #expect(Scale.niceStep(0) == 1)
        let linear = Scale.linear(data: [0, 1.51e9], pixels: 0...100) { String($0) }
        #expect(linear.ticks.first?.0 == 0)
        #expect((linear.ticks.last?.0 ?? 0) >= 1.51e9)
        #expect(linear(0) == 0 && linear(linear.domain.upperBound) == 100)
        let log = Scale.log2(values: [1, 2, 4, 8, 16, 32], pixels: 0...500)
        #expect(log.ticks.map(\.1) == ["1", "2", "4", "8", "16", "32"])
        #expect(abs(log(4) - 200) < 1e-9)
        #expect(log(.nan).isFinite)
    }

    @Test func rpoMarkerInterpolatesInsideItsBucket() {
        let buckets = [
            HistogramBucket(lowerSeconds: 0, upperSeconds: 300, count: 1),
            HistogramBucket(lowerSeconds: 300, upperSeconds: 900, count: 1),
            HistogramBucket(lowerSeconds: 900, upperSeconds: nil, count: 1),
        ]
        #expect(RPOChart.markerPosition(target: 600, buckets: buckets) == 1.5)
        #expect(RPOChart.markerPosition(target: 900, buckets: buckets) == 2)
        #expect(RPOChart.markerPosition(target: 5000, buckets: buckets) == 2)
        #expect(RPOChart.markerPosition(target: .nan, buckets: buckets) == nil)
    }
}

@Suite(.cpuBound) struct ThreadsChartLegendTests {
    @Test func manySeriesCollapseTheLegend() {
        let file = Fixture.sweep(vms: Array(1...20), threads: [1, 8])
        let svg = ThreadsChart.render(ReportAnalysis(file))
        #expect(svg.contains("… 5 more series"))
        #expect(svg.ranges(of: "class=\"series\"").count == 20)
        #expect(!svg.contains(">20 VMs</text>"))
        let exact = ThreadsChart.render(ReportAnalysis(Fixture.sweep(vms: Array(1...16), threads: [1, 8])))
        #expect(exact.contains(">16 VMs</text>"))
        #expect(!exact.contains("more series"))
    }
}
