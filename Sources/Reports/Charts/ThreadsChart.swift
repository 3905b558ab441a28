import Results

/// Chart 1: throughput against upload threads per VM, one line per series (VM count).
enum ThreadsChart {
    /// - Complexity: O(n) in the number of runs.
    static func render(_ analysis: ReportAnalysis) -> String {
        let legendWidth = 150.0
        var svg = SVG(width: 960, height: 420, title: "Throughput vs upload threads per VM")
        let frame = PlotFrame(left: 80, top: 20, right: 960 - legendWidth - 20, bottom: 360)
        let runs = analysis.series.flatMap(\.runs)
        let threads = analysis.threadValues
        let x =
            useLog(threads)
            ? Scale.log2(values: threads, pixels: frame.xPixels)
            : Scale.integers(values: threads, pixels: frame.xPixels)
        let (y, unit) = bitRateScale(runs.map(\.throughputBitsPerSecond), frame: frame)
        frame.drawAxes(
            &svg, x: x, y: y, xTitle: "upload threads per VM (UploadThreadsPerVM)",
            yTitle: "throughput (\(unit.symbol))")
        for (index, series) in analysis.series.enumerated() {
            let color = ChartStyle.color(index)
            let points = series.runs.filter { $0.throughputBitsPerSecond.isFinite }
                .map { (x(Double($0.threadsPerVM)), y($0.throughputBitsPerSecond)) }
            svg.path(points, stroke: color, fill: nil, cls: "series")
            for run in series.runs where run.throughputBitsPerSecond.isFinite && series.runs.count <= 40 {
                svg.circle(
                    x(Double(run.threadsPerVM)), y(run.throughputBitsPerSecond), r: 3, fill: color,
                    tip: "\(series.label), \(run.threadsPerVM) threads: "
                        + Format.bitsPerSecond(run.throughputBitsPerSecond))
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
