import Results

/// Chart 2: threads × series (VM counts) grid; cell colour = throughput, cell text = bottleneck code.
enum Heatmap {
    /// - Complexity: O(series × thread values + runs).
    static func render(_ analysis: ReportAnalysis, layout: ChartLayout = .wide) -> String {
        let threads = analysis.threadValues
        let rows = analysis.series
        let width = layout.width
        let left = layout.isNarrow ? 64.0 : 130.0, top = 30.0
        let right = width - (layout.isNarrow ? 8 : 20)
        let cellWidth = (right - left) / Double(Swift.max(threads.count, 1))
        let cellHeight = Swift.min(44, Swift.max(26, 360 / Double(Swift.max(rows.count, 1))))
        let plotBottom = top + cellHeight * Double(rows.count)
        var codes: [String] = []
        for run in rows.flatMap(\.runs) where !codes.contains(run.bottleneck) { codes.append(run.bottleneck) }
        let legend = ColorLegend(analysis: analysis, codes: codes, layout: layout)
        var svg = SVG(
            width: width, height: plotBottom + 36 + legend.height,
            title: "Throughput heatmap: threads per VM × VMs, with bottleneck")
        let values = rows.flatMap(\.runs).map(\.throughputBitsPerSecond).filter { $0.isFinite }
        let maxValue = values.max() ?? 0
        let unit = BitRateUnit.best(for: maxValue)
        let minValue = Swift.min(values.min() ?? 0, maxValue)
        func normalized(_ v: Double) -> Double { maxValue > minValue ? (v - minValue) / (maxValue - minValue) : 1 }
        for (rowIndex, series) in rows.enumerated() {
            let y = top + Double(rowIndex) * cellHeight
            svg.text(left - 8, y + cellHeight / 2 + 4, series.label, anchor: .end, cls: "tick")
            for (columnIndex, thread) in threads.enumerated() {
                let x = left + Double(columnIndex) * cellWidth
                guard let run = series.runs.first(where: { $0.threadsPerVM == thread }) else {
                    svg.rect(x, y, cellWidth - 1, cellHeight - 1, cls: "cell-empty")
                    continue
                }
                let t = normalized(run.throughputBitsPerSecond)
                let label = analysis.label(run.bottleneck, run: run)
                svg.rect(
                    x, y, cellWidth - 1, cellHeight - 1, fill: ChartStyle.sequential(t),
                    tip: "\(series.label), \(thread) threads: \(Format.bitsPerSecond(run.throughputBitsPerSecond)), "
                        + "bound by \(label.words) \(Format.percent(run.bottleneckShare)) of the time")
                // Two lines: the value (in the legend's unit) and the bottleneck code. Bold 10 px capitals are ~7 px
                // wide; shrink the text to fit narrow cells, omit below a readable size.
                let value = Format.trimmed(Format.fixed(run.throughputBitsPerSecond / unit.size, 2))
                let widest = Double(Swift.max(label.code.count, value.count, 1))
                let fontSize = Swift.min(10, (cellWidth - 4) / (widest * 0.72), (cellHeight - 4) / 2.2)
                // Narrow: at least 8.5 units, 8 px on a 400 px phone, or nothing.
                if fontSize >= (layout.isNarrow ? 8.5 : 6) {
                    let fill = ChartStyle.darkText(on: t) ? "#1b1b1b" : "#ffffff"
                    let middle = y + cellHeight / 2
                    svg.text(
                        x + cellWidth / 2, middle - fontSize * 0.2, value, anchor: .middle, cls: "cell", fill: fill,
                        size: fontSize < 10 ? fontSize : nil)
                    svg.text(
                        x + cellWidth / 2, middle + fontSize * 1.0, label.code, anchor: .middle, cls: "cell",
                        fill: fill, size: fontSize < 10 ? fontSize : nil)
                }
            }
        }
        // Column labels at least 22 units apart.
        let stride = Swift.max(1, Int((22 / cellWidth).rounded(.up)))
        for (columnIndex, thread) in threads.enumerated() where columnIndex % stride == 0 {
            svg.text(
                left + (Double(columnIndex) + 0.5) * cellWidth, top - 8, String(thread), anchor: .middle, cls: "tick")
        }
        let title =
            layout.isNarrow
            ? "threads per VM; cells: \(unit.symbol) and bottleneck"
            : "upload threads per VM (columns); cells: throughput in \(unit.symbol) and the bottleneck"
        svg.text((left + right) / 2, plotBottom + 22, title, anchor: .middle, cls: "axis-title")
        legend.draw(&svg, top: plotBottom + 36, minValue: minValue, maxValue: maxValue)
        return svg.render()
    }

    /// The colour bar with its end values, then the bottleneck codes used: beside the bar when wide, in rows
    /// under it when narrow.
    struct ColorLegend {
        let entries: [String]
        let layout: ChartLayout
        let barLeft: Double
        let barWidth = 220.0
        /// Where the code entries start, relative to the legend's top, and the width they wrap in.
        let codesLeft: Double, codesTop: Double, codesWidth: Double

        init(analysis: ReportAnalysis, codes: [String], layout: ChartLayout) {
            entries = codes.map { code in
                let label = analysis.label(code)
                return "\(label.code) = \(label.name)"
            }
            self.layout = layout
            barLeft = layout.isNarrow ? 10 : 130
            if layout.isNarrow {
                (codesLeft, codesTop, codesWidth) = (barLeft, 42, layout.width - 20)
            } else {
                (codesLeft, codesTop) = (barLeft + barWidth + 30, 0)
                codesWidth = layout.width - 10 - codesLeft
            }
        }

        var height: Double { Swift.max(34, codesTop + Legend.height(entries, width: codesWidth)) + 8 }

        func draw(_ svg: inout SVG, top: Double, minValue: Double, maxValue: Double) {
            for step in 0..<44 {
                let t = Double(step) / 43
                svg.rect(barLeft + t * (barWidth - 5), top, 5.5, 12, fill: ChartStyle.sequential(t))
            }
            svg.text(barLeft, top + 28, Format.bitsPerSecond(minValue), cls: "tick")
            svg.text(barLeft + barWidth, top + 28, Format.bitsPerSecond(maxValue), anchor: .end, cls: "tick")
            let places = Legend.positions(entries, width: codesWidth)
            for (entry, place) in zip(entries, places) {
                svg.text(
                    codesLeft + place.x, top + codesTop + 10 + Double(place.row) * Legend.rowHeight, entry,
                    cls: "legend")
            }
        }
    }
}
