import Results

/// For sweeps that do not vary the thread count (VM counts only, circuit sizes, faults …): one horizontal bar
/// per run, length = throughput, colour = its bottleneck, with the value at the bar's end.
enum RunBarsChart {
    /// - Complexity: O(runs).
    static func render(_ analysis: ReportAnalysis, metric: ChartMetric = .throughput, layout: ChartLayout = .wide)
        -> String
    {
        let runs = analysis.file.runs
        // Room for the row labels on the left and the value after the longest bar on the right.
        let rowHeight = 24.0, top = 20.0
        let left = layout.isNarrow ? 104.0 : 230.0, right = layout.width - (layout.isNarrow ? 84 : 140)
        let plotBottom = top + rowHeight * Double(runs.count)
        let what = metric == .throughput ? "Throughput" : "Initial-replication time"
        var kinds: [String] = []
        for run in runs where !kinds.contains(run.bottleneck) { kinds.append(run.bottleneck) }
        let legendLeft = layout.isNarrow ? 10 : left
        let legendWidth = layout.width - 10 - legendLeft
        let names = kinds.map { analysis.label($0).name }
        var svg = SVG(
            width: layout.width, height: plotBottom + 56 + Legend.height(names, width: legendWidth) + 6,
            title: "\(what) of each run")
        let frame = PlotFrame(left: left, top: top, right: right, bottom: plotBottom)
        let values = runs.map { metric.value($0) ?? 0 }
        let (x, xTitle, toAxis) = metric.scale(values, pixels: frame.xPixels, reversed: false)
        for (value, _) in x.ticks { svg.line(x(value), top, x(value), plotBottom, cls: "grid") }
        for (index, run) in runs.enumerated() {
            let color = ChartStyle.color(kinds.firstIndex(of: run.bottleneck) ?? 0)
            let y = top + Double(index) * rowHeight
            let value = metric.value(run)
            let estimate = metric == .irTime && (run.initialReplication?.reportedIsEstimate ?? false)
            let text = value.map { (estimate ? "≈ " : "") + metric.text($0) } ?? "n/a"
            svg.text(left - 8, y + rowHeight / 2 + 4, label(run, maxCharacters: layout.isNarrow ? 14 : 32), anchor: .end, cls: "tick")
            svg.rect(
                left, y + 4, x(toAxis(value ?? 0)) - left, rowHeight - 8, fill: color,
                tip: "\(run.id): \(text), bound by \(analysis.label(run.bottleneck, run: run).words)")
            svg.text(x(toAxis(value ?? 0)) + 6, y + rowHeight / 2 + 4, text, cls: "tick")
        }
        let noY = Scale(kind: .linear, domain: 0...1, range: frame.yPixels, ticks: [], reversed: true)
        frame.drawAxes(&svg, x: x, y: noY, xTitle: xTitle, yTitle: "")
        let entries = names.enumerated().map { (label: $0.element, color: ChartStyle.color($0.offset)) }
        Legend.draw(&svg, entries, left: legendLeft, top: plotBottom + 50, width: legendWidth)
        return svg.render()
    }

    /// A run's row label: its sweep values (`"500Mbps"`, `"3, bgp"`), or its id without axes; shortened with
    /// "…" to `maxCharacters` so it is not clipped at the chart's left edge.
    static func label(_ run: RunResult, maxCharacters: Int) -> String {
        let text = run.parameters.isEmpty ? run.id : run.parameters.map(\.value).joined(separator: ", ")
        return text.count <= maxCharacters ? text : String(text.prefix(maxCharacters - 1)) + "…"
    }
}
