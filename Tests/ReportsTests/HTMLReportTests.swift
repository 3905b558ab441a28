import Foundation
import Results
import TestHarness
import Testing

@testable import Reports

@Suite(.cpuBound) struct HTMLReportTests {
    /// Self-contained: no external src/href, no scripts, no CSS imports or url(...) fetches.
    func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lower = html.lowercased()
        let external = lower.ranges(of: /(src|href)\s*=\s*["']?\s*(https?:|\/\/)/)
        #expect(external.isEmpty, "external reference in report.html", sourceLocation: sourceLocation)
        #expect(!lower.contains("<script"), sourceLocation: sourceLocation)
        #expect(!lower.contains("@import"), sourceLocation: sourceLocation)
        #expect(!lower.contains("url("), sourceLocation: sourceLocation)
        #expect(!lower.contains("<link"), sourceLocation: sourceLocation)
    }

    /// Charts on the page: each is drawn twice, wide (desktop) and narrow (phone), and the stylesheet shows one.
    func svgCount(_ html: String) -> Int {
        let wide = html.ranges(of: #"<div class="wide"><svg"#).count
        #expect(html.ranges(of: #"<div class="narrow"><svg"#).count == wide)
        #expect(html.ranges(of: "<svg").count == 2 * wide)
        return wide
    }

    @Test func sweepReportIsSelfContainedWithOneSVGPerChart() {
        let file = Fixture.sweep(vms: [3, 10, 25], threads: [1, 2, 4, 8, 16, 32], cycles: true)
        let html = HTMLReport.render(file)
        expectSelfContained(html)
        let charts = HTMLReport.charts(ReportAnalysis(file))
        #expect(charts == [.irTimeVsThreads, .throughputVsThreads, .heatmap, .timeSeries, .rpoDistribution])
        #expect(svgCount(html) == charts.count)
        #expect(html.ranges(of: "</svg>").count == 2 * charts.count)
        #expect(html.contains("Answers per series"))
        #expect(html.contains("25 VMs need "))
        #expect(html.contains("<h2>Assumptions and warnings</h2>"))
    }

    @Test func singleRunRendersWithoutSweepCharts() {
        let file = Fixture.single(cycles: true)
        let html = HTMLReport.render(file)
        expectSelfContained(html)
        #expect(HTMLReport.charts(ReportAnalysis(file)) == [.timeSeries, .rpoDistribution])
        #expect(svgCount(html) == 2)
        #expect(!html.contains("Recommendation"))
        let noCycles = HTMLReport.render(Fixture.single(cycles: false))
        #expect(svgCount(noCycles) == 1)
    }

    @Test func largeSweepOf160Runs() {
        let threads = Array(1...32)
        let file = Fixture.sweep(vms: [3, 10, 25, 50, 100], threads: threads, samples: 600)
        #expect(file.runs.count == 160)
        let html = HTMLReport.render(file)
        expectSelfContained(html)
        #expect(svgCount(html) == 4)
        #expect(html.ranges(of: "<tr>").count >= 160)
        SVGTests.expectFiniteCoordinates(html)
    }

    @Test func sweepWithoutThreadAxisGetsOneBarPerRun() {
        let file = Fixture.sweep(vms: [3, 10, 25, 50], threads: [8])
        let html = HTMLReport.render(file)
        expectSelfContained(html)
        #expect(HTMLReport.charts(ReportAnalysis(file)) == [.irTimeBars, .runBars, .timeSeries])
        #expect(svgCount(html) == 3)
        #expect(html.contains("Initial-replication time of each run"))
        #expect(html.contains("Throughput of each run"))
        #expect(html.contains(">circuit</text>"))
        SVGTests.expectFiniteCoordinates(html)
    }

    @Test func liveRunShowsWallTime() {
        var file = Fixture.single(cycles: false)
        file.mode = .live
        file.runs[0].live = .init(wallSeconds: 93.5, endpoint: "127.0.0.1:8089")
        let html = HTMLReport.render(file)
        expectSelfContained(html)
        #expect(html.contains("wall time"))
        #expect(html.contains("93.5 s"))
        #expect(html.contains("live · 1 run"))
        #expect(MarkdownReport.render(file).contains("Wall time of `run`: 93.5 s."))
    }

    @Test func emptyFileRendersAMessage() {
        var file = Fixture.single()
        file.runs = []
        let html = HTMLReport.render(file)
        #expect(html.contains("holds no runs"))
        #expect(svgCount(html) == 0)
        #expect(MarkdownReport.render(file).contains("holds no runs"))
    }

    @Test func textIsEscaped() {
        var file = Fixture.single()
        file.scenario = "<b>&\"x\"</b>"
        let html = HTMLReport.render(file)
        #expect(!html.contains("<b>&"))
        #expect(html.contains("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"))
    }

    @Test func renderingIsDeterministic() {
        let file = Fixture.sweep(vms: [3, 10], threads: [1, 4, 16], cycles: true)
        #expect(HTMLReport.render(file) == HTMLReport.render(file))
        #expect(MarkdownReport.render(file) == MarkdownReport.render(file))
    }

    @Test func markdownHasTablesAndRecommendation() {
        let md = MarkdownReport.render(Fixture.sweep(vms: [3, 25], threads: [1, 8, 32], cycles: true))
        #expect(md.hasPrefix("# reference-3vm-expressroute\n"))
        #expect(md.contains("## Answers per series"))
        #expect(md.contains("## Assumptions and warnings"))
        #expect(md.contains("| 3 VMs | initial replication | 32 |"))
        #expect(md.contains("| 25 VMs | delta |"))
        #expect(md.contains("## Initial-replication time by threads per VM"))
        #expect(md.contains("| series \\ threads/VM | 1 | 8 | 32 |"))
        #expect(md.contains("## All runs"))
        #expect(md.contains("## RPO distribution"))
    }
}
