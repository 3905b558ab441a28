import Results

/// Chart 2: threads × series (VM counts) grid; cell colour = throughput, cell text = bottleneck code.
enum Heatmap {
    /// - Complexity: O(series × thread values + runs).
    static func render(_ analysis: ReportAnalysis) -> String {
        let threads = analysis.threadValues
        let rows = analysis.series
        let left = 130.0, top = 30.0, width = 960.0
        let legendHeight = 70.0
        let cellWidth = (width - left - 20) / Double(Swift.max(threads.count, 1))
        let cellHeight = Swift.min(44, Swift.max(26, 360 / Double(Swift.max(rows.count, 1))))
        let plotBottom = top + cellHeight * Double(rows.count)
        let height = plotBottom + 40 + legendHeight
        var svg = SVG(width: width, height: height, title: "Throughput heatmap: threads per VM × VMs, with bottleneck")
        let values = rows.flatMap(\.runs).map(\.throughputBitsPerSecond).filter { $0.isFinite }
        let maxValue = values.max() ?? 0
        let unit = BitRateUnit.best(for: maxValue)
        let minValue = Swift.min(values.min() ?? 0, maxValue)
        func normalized(_ v: Double) -> Double { maxValue > minValue ? (v - minValue) / (maxValue - minValue) : 1 }
        var codesUsed: [String] = []
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
                if !codesUsed.contains(run.bottleneck) { codesUsed.append(run.bottleneck) }
                svg.rect(
                    x, y, cellWidth - 1, cellHeight - 1, fill: ChartStyle.sequential(t),
                    tip: "\(series.label), \(thread) threads: \(Format.bitsPerSecond(run.throughputBitsPerSecond)), "
                        + "bound by \(label.words) \(Format.percent(run.bottleneckShare)) of the time")
                // Two lines: the value (in the legend's unit) and the bottleneck code. Bold 10 px capitals are ~7 px
                // wide; shrink the text to fit narrow cells, omit below 6 px.
                let value = Format.trimmed(Format.fixed(run.throughputBitsPerSecond / unit.size, 2))
                let widest = Double(Swift.max(label.code.count, value.count, 1))
                let fontSize = Swift.min(10, (cellWidth - 4) / (widest * 0.72), (cellHeight - 4) / 2.2)
                if fontSize >= 6 {
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
        let stride = Swift.max(1, (threads.count + 15) / 16)
        for (columnIndex, thread) in threads.enumerated() where columnIndex % stride == 0 {
            svg.text(
                left + (Double(columnIndex) + 0.5) * cellWidth, top - 8, String(thread), anchor: .middle, cls: "tick")
        }
        svg.text(
            left + (width - left - 20) / 2, plotBottom + 22,
            "upload threads per VM (columns); cells: throughput in \(unit.symbol) and the bottleneck",
            anchor: .middle, cls: "axis-title")
        drawLegend(
            &svg, top: plotBottom + 36, minValue: minValue, maxValue: maxValue, codes: codesUsed,
            analysis: analysis)
        return svg.render()
    }

    private static func drawLegend(
        _ svg: inout SVG, top: Double, minValue: Double, maxValue: Double, codes: [String], analysis: ReportAnalysis
    ) {
        let barLeft = 130.0, barWidth = 220.0
        for step in 0..<44 {
            let t = Double(step) / 43
            svg.rect(barLeft + t * (barWidth - 5), top, 5.5, 12, fill: ChartStyle.sequential(t))
        }
        svg.text(barLeft, top + 28, Format.bitsPerSecond(minValue), cls: "tick")
        svg.text(barLeft + barWidth, top + 28, Format.bitsPerSecond(maxValue), anchor: .end, cls: "tick")
        var x = barLeft + barWidth + 30
        var y = top + 10
        for code in codes {
            let label = analysis.label(code)
            let entry = "\(label.code) = \(label.name)"
            let entryWidth = Double(entry.count) * 6.6 + 24
            if x + entryWidth > 950 {
                x = barLeft + barWidth + 30
                y += 18
            }
            svg.text(x, y, entry, cls: "legend")
            x += entryWidth
        }
    }
}
