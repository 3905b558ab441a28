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

/// Chart 1: throughput (or IR time) against upload threads per VM, one line per series (VM count).
enum ThreadsChart {
    /// - Complexity: O(n) in the number of runs.
    static func render(_ analysis: ReportAnalysis, metric: ChartMetric = .throughput) -> String {
        let legendWidth = 170.0
        let what = metric == .throughput ? "Throughput" : "Initial-replication time"
        var svg = SVG(width: 960, height: 420, title: "\(what) vs upload threads per VM")
        let frame = PlotFrame(left: 80, top: 20, right: 960 - legendWidth - 20, bottom: 360)
        let runs = analysis.series.flatMap(\.runs)
        let threads = analysis.threadValues
        let x =
            useLog(threads)
            ? Scale.log2(values: threads, pixels: frame.xPixels)
            : Scale.integers(values: threads, pixels: frame.xPixels)
        let (y, yTitle, toAxis) = metric.scale(runs.compactMap(metric.value), pixels: frame.yPixels, reversed: true)
        frame.drawAxes(&svg, x: x, y: y, xTitle: "upload threads per VM (UploadThreadsPerVM)", yTitle: yTitle)
        for (index, series) in analysis.series.enumerated() {
            let color = ChartStyle.color(index)
            let valued = series.runs.compactMap { run in metric.value(run).map { (run, $0) } }
            let points = valued.map { (x(Double($0.0.threadsPerVM)), y(toAxis($0.1))) }
            svg.path(points, stroke: color, fill: nil, cls: "series")
            for (run, value) in valued where series.runs.count <= 40 {
                let estimate = metric == .irTime && (run.initialReplication?.reportedIsEstimate ?? false)
                svg.circle(
                    x(Double(run.threadsPerVM)), y(toAxis(value)), r: 3, fill: estimate ? "#ffffff" : color,
                    stroke: color,
                    tip: "\(series.label), \(run.threadsPerVM) threads: \(estimate ? "≈ " : "")\(metric.text(value))")
            }
            // The legend holds 16 rows; colours repeat after 10 series anyway, so more get a count.
            let ly = 30 + Double(index) * 20
            if index < maxLegendRows - 1 || analysis.series.count == maxLegendRows {
                svg.rect(frame.right + 20, ly - 6, 24, 4, fill: color)
                svg.text(frame.right + 50, ly, series.label, cls: "legend")
            } else if index == maxLegendRows - 1 {
                svg.text(frame.right + 20, ly, "… \(analysis.series.count - index) more series", cls: "legend")
            }
        }
        return svg.render()
    }

    static let maxLegendRows = 16

    /// Log scale when the thread values span at least a factor of 8 (1...32 → the low end, where throughput
    /// changes most, gets most of the width).
    static func useLog(_ threads: [Int]) -> Bool {
        guard let low = threads.first, let high = threads.last, low > 0 else { return false }
        return high / low >= 8
    }
}
