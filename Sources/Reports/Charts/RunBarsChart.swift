import Results

/// For sweeps that do not vary the thread count (VM counts only, circuit sizes, faults …): one horizontal bar
/// per run, length = throughput, colour = its bottleneck, with the value at the bar's end.
enum RunBarsChart {
    /// - Complexity: O(runs).
    static func render(_ analysis: ReportAnalysis, metric: ChartMetric = .throughput) -> String {
        let runs = analysis.file.runs
        let rowHeight = 24.0, top = 20.0, left = 230.0, right = 820.0
        let plotBottom = top + rowHeight * Double(runs.count)
        let what = metric == .throughput ? "Throughput" : "Initial-replication time"
        var svg = SVG(width: 960, height: plotBottom + 90, title: "\(what) of each run")
        let frame = PlotFrame(left: left, top: top, right: right, bottom: plotBottom)
        let values = runs.map { metric.value($0) ?? 0 }
        let (x, xTitle, toAxis) = metric.scale(values, pixels: frame.xPixels, reversed: false)
        for (value, _) in x.ticks { svg.line(x(value), top, x(value), plotBottom, cls: "grid") }
        var kinds: [String] = []
        for (index, run) in runs.enumerated() {
            if !kinds.contains(run.bottleneck) { kinds.append(run.bottleneck) }
            let color = ChartStyle.color(kinds.firstIndex(of: run.bottleneck) ?? 0)
            let y = top + Double(index) * rowHeight
            let value = metric.value(run)
            let estimate = metric == .irTime && (run.initialReplication?.reportedIsEstimate ?? false)
            let text = value.map { (estimate ? "≈ " : "") + metric.text($0) } ?? "n/a"
            svg.text(left - 8, y + rowHeight / 2 + 4, label(run, maxCharacters: 32), anchor: .end, cls: "tick")
            svg.rect(
                left, y + 4, x(toAxis(value ?? 0)) - left, rowHeight - 8, fill: color,
                tip: "\(run.id): \(text), bound by \(analysis.label(run.bottleneck, run: run).words)")
            svg.text(x(toAxis(value ?? 0)) + 6, y + rowHeight / 2 + 4, text, cls: "tick")
        }
        let noY = Scale(kind: .linear, domain: 0...1, range: frame.yPixels, ticks: [], reversed: true)
        frame.drawAxes(&svg, x: x, y: noY, xTitle: xTitle, yTitle: "")
        for (index, kind) in kinds.enumerated() {
            let lx = left + Double(index % 3) * 230, ly = plotBottom + 62 + Double(index / 3) * 18
            svg.rect(lx, ly - 9, 12, 10, fill: ChartStyle.color(index))
            svg.text(lx + 18, ly, analysis.label(kind).name, cls: "legend")
        }
        return svg.render()
    }

    /// A run's row label: its sweep values (`"500Mbps"`, `"3, bgp"`), or its id without axes; shortened with
    /// "…" to `maxCharacters` so it is not clipped at the chart's left edge.
    static func label(_ run: RunResult, maxCharacters: Int) -> String {
        let text = run.parameters.isEmpty ? run.id : run.parameters.map(\.value).joined(separator: ", ")
        return text.count <= maxCharacters ? text : String(text.prefix(maxCharacters - 1)) + "…"
    }
}
