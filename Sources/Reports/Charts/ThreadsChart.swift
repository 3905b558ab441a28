import Results

/// What a per-run chart plots: mean throughput, or the initial-replication time (measured or estimated).
enum ChartMetric {
    case throughput, irTime

    func value(_ run: RunResult) -> Double? {
        switch self {
        case .throughput: return run.throughputBitsPerSecond.isFinite ? run.throughputBitsPerSecond : nil
        case .irTime: return run.initialReplication?.reportedSeconds.flatMap { $0.isFinite ? $0 : nil }
        }
    }

    /// A y (or x) scale over `values` with its axis title: bit rates in one unit, times in s, min or h.
    func scale(_ values: [Double], pixels: ClosedRange<Double>, reversed: Bool) -> (Scale, String, (Double) -> Double) {
        switch self {
        case .throughput:
            let unit = BitRateUnit.best(for: values.max() ?? 0)
            let scale = Scale.linear(data: values, pixels: pixels, reversed: reversed) {
                Format.trimmed(Format.fixed($0 / unit.size, 2))
            }
            return (scale, "throughput (\(unit.symbol))", { $0 })
        case .irTime:
            let unit = TimeUnit.best(forSpan: values.max() ?? 0)
            let scale = Scale.linear(data: values.map { $0 / unit.seconds }, pixels: pixels, reversed: reversed) {
                Format.trimmed(Format.fixed($0, 1))
            }
            return (scale, "initial-replication time (\(unit.symbol))", { $0 / unit.seconds })
        }
    }

    func text(_ value: Double) -> String {
        switch self {
        case .throughput: return Format.bitsPerSecond(value)
        case .irTime: return Format.duration(value)
        }
    }
}

/// Chart 1: throughput (or IR time) against upload threads per VM, one line per series (VM count). Lines that
/// coincide stay visible: earlier series are drawn wider and later ones dashed on top.
enum ThreadsChart {
    /// - Complexity: O(n) in the number of runs.
    static func render(_ analysis: ReportAnalysis, metric: ChartMetric = .throughput, layout: ChartLayout = .wide)
        -> String
    {
        let what = metric == .throughput ? "Throughput" : "Initial-replication time"
        let labels = legendLabels(analysis)
        // Wide: the legend beside the plot; narrow: in rows under the axis title.
        let legendWidth = layout.isNarrow ? 0.0 : 170.0
        let plotBottom = layout.isNarrow ? 250.0 : 360.0
        let legendTop = plotBottom + 52
        let height = layout.isNarrow ? legendTop + Legend.height(labels, width: layout.width - 20) + 6 : 420
        var svg = SVG(width: layout.width, height: height, title: "\(what) vs upload threads per VM")
        let frame = PlotFrame(
            left: layout.plotLeft, top: 20, right: layout.plotRight - legendWidth, bottom: plotBottom)
        let runs = analysis.series.flatMap(\.runs)
        let threads = analysis.threadValues
        let x =
            useLog(threads)
            ? Scale.log2(values: threads, pixels: frame.xPixels)
            : Scale.integers(values: threads, pixels: frame.xPixels)
        let (y, yTitle, toAxis) = metric.scale(runs.compactMap(metric.value), pixels: frame.yPixels, reversed: true)
        let xTitle = layout.isNarrow ? "upload threads per VM" : "upload threads per VM (UploadThreadsPerVM)"
        frame.drawAxes(&svg, x: x, y: y, xTitle: xTitle, yTitle: yTitle)
        let count = analysis.series.count
        for (index, series) in analysis.series.enumerated() {
            let color = ChartStyle.color(index)
            let valued = series.runs.compactMap { run in metric.value(run).map { (run, $0) } }
            let points = valued.map { (x(Double($0.0.threadsPerVM)), y(toAxis($0.1))) }
            // Up to 4 series: each earlier one 1.6 units wider, so a line hidden under a later one shows as a rim.
            let widen = count <= 4 ? Double(count - 1 - index) * 1.6 : 0
            svg.path(
                points, stroke: color, fill: nil, cls: "series",
                style: "stroke-width:\(SVG.num(2.2 + widen))" + (index > 0 && count <= 4 ? ";stroke-dasharray:7 4" : ""))
            for (run, value) in valued where series.runs.count <= 40 {
                let estimate = metric == .irTime && (run.initialReplication?.reportedIsEstimate ?? false)
                svg.circle(
                    x(Double(run.threadsPerVM)), y(toAxis(value)), r: 3 + widen / 2, fill: estimate ? "#ffffff" : color,
                    stroke: color,
                    tip: "\(series.label), \(run.threadsPerVM) threads: \(estimate ? "≈ " : "")\(metric.text(value))")
            }
        }
        let entries = labels.enumerated().map { (label: $0.element, color: ChartStyle.color($0.offset)) }
        if layout.isNarrow {
            Legend.draw(&svg, entries, left: 10, top: legendTop, width: layout.width - 20)
        } else {
            for (index, entry) in entries.enumerated() {
                let ly = 30 + Double(index) * 20
                if !entry.label.hasPrefix("…") { svg.rect(frame.right + 20, ly - 6, 24, 4, fill: entry.color) }
                svg.text(frame.right + 50, ly, entry.label, cls: "legend")
            }
        }
        return svg.render()
    }

    /// One legend label per series, at most ``maxLegendRows``: colours repeat after 10 series anyway, so the
    /// last row counts the rest.
    static func legendLabels(_ analysis: ReportAnalysis) -> [String] {
        let labels = analysis.series.map(\.label)
        guard labels.count > maxLegendRows else { return labels }
        return Array(labels.prefix(maxLegendRows - 1)) + ["… \(labels.count - maxLegendRows + 1) more series"]
    }

    static let maxLegendRows = 16

    /// Log scale when the thread values span at least a factor of 8 (1...32 → the low end, where throughput
    /// changes most, gets most of the width).
    static func useLog(_ threads: [Int]) -> Bool {
        guard let low = threads.first, let high = threads.last, low > 0 else { return false }
        return high / low >= 8
    }
}
