import Results

/// For sweeps that do not vary the thread count (VM counts only, circuit sizes, faults …): one horizontal bar
/// per run, length = throughput, colour = its bottleneck, with the value at the bar's end.
enum RunBarsChart {
    /// - Complexity: O(runs).
    static func render(_ analysis: ReportAnalysis) -> String {
        let runs = analysis.file.runs
        let rowHeight = 24.0, top = 20.0, left = 230.0, right = 860.0
        let plotBottom = top + rowHeight * Double(runs.count)
        var svg = SVG(width: 960, height: plotBottom + 90, title: "Throughput of each run")
        let frame = PlotFrame(left: left, top: top, right: right, bottom: plotBottom)
        let values = runs.map(\.throughputBitsPerSecond)
        let unit = BitRateUnit.best(for: values.filter { $0.isFinite }.max() ?? 0)
        let x = Scale.linear(data: values, pixels: frame.xPixels) { Format.trimmed(Format.fixed($0 / unit.size, 2)) }
        for (value, _) in x.ticks { svg.line(x(value), top, x(value), plotBottom, cls: "grid") }
        var kinds: [String] = []
        for (index, run) in runs.enumerated() {
            if !kinds.contains(run.bottleneck) { kinds.append(run.bottleneck) }
            let color = ChartStyle.color(kinds.firstIndex(of: run.bottleneck) ?? 0)
            let y = top + Double(index) * rowHeight
            let value = run.throughputBitsPerSecond.isFinite ? run.throughputBitsPerSecond : 0
            svg.text(left - 8, y + rowHeight / 2 + 4, run.id, anchor: .end, cls: "tick")
            svg.rect(
                left, y + 4, x(value) - left, rowHeight - 8, fill: color,
                tip: "\(run.id): \(Format.bitsPerSecond(value)), bound by \(analysis.label(run.bottleneck).words)")
            svg.text(x(value) + 6, y + rowHeight / 2 + 4, Format.bitsPerSecond(value), cls: "tick")
        }
        let xAxis = Scale(kind: x.kind, domain: x.domain, range: x.range, ticks: x.ticks, reversed: false)
        let noY = Scale(kind: .linear, domain: 0...1, range: frame.yPixels, ticks: [], reversed: true)
        frame.drawAxes(&svg, x: xAxis, y: noY, xTitle: "throughput (\(unit.symbol))", yTitle: "")
        for (index, kind) in kinds.enumerated() {
            let lx = left + Double(index % 3) * 230, ly = plotBottom + 62 + Double(index / 3) * 18
            svg.rect(lx, ly - 9, 12, 10, fill: ChartStyle.color(index))
            svg.text(lx + 18, ly, analysis.label(kind).words, cls: "legend")
        }
        return svg.render()
    }
}
