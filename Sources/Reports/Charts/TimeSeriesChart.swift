import Results

/// Chart 3: a run's aggregate throughput over time as a filled area (like a bandwidth graph), with the
/// measured mean as a dashed line and, for up to 10 VMs, thin per-VM lines.
enum TimeSeriesChart {
    /// At most this many points are drawn; longer series are averaged in buckets.
    static let maxPoints = 480

    /// - Complexity: O(samples × (1 + VMs drawn)).
    static func render(_ run: RunResult) -> String {
        var svg = SVG(width: 960, height: 380, title: "Throughput over time, run \(run.id)")
        let frame = PlotFrame(left: 80, top: 20, right: 940, bottom: 320)
        let series = run.timeSeries
        let interval = series.intervalSeconds.isFinite && series.intervalSeconds > 0 ? series.intervalSeconds : 1
        let (aggregate, factor) = downsample(series.aggregateBitsPerSecond)
        let step = interval * Double(factor)
        let start = series.startSeconds.isFinite ? series.startSeconds : 0
        let end = start + step * Double(aggregate.count)
        let x = Scale.linear(
            data: [start, Swift.max(end, start + 1)], pixels: frame.xPixels, zeroBased: start >= 0,
            tight: true
        ) {
            Format.trimmed(Format.fixed($0, 1))
        }
        let (y, unit) = bitRateScale(aggregate + [run.throughputBitsPerSecond], frame: frame)
        frame.drawAxes(&svg, x: x, y: y, xTitle: "time since start (s)", yTitle: "throughput (\(unit.symbol))")
        // Step-shaped area: each sample holds for its interval.
        var points: [(Double, Double)] = [(x(start), y(0))]
        for (index, value) in aggregate.enumerated() {
            let v = value.isFinite ? value : 0
            let t0 = start + Double(index) * step
            points.append((x(t0), y(v)))
            points.append((x(t0 + step), y(v)))
        }
        points.append((x(end), y(0)))
        if !aggregate.isEmpty {
            svg.path(points, stroke: "#2f6690", fill: "rgba(58,124,165,0.35)", cls: "area", close: true)
        }
        if let perVM = series.perVMBitsPerSecond, perVM.count <= 10 {
            for (vm, values) in perVM.enumerated() {
                let (samples, _) = downsample(values)
                let line = samples.enumerated().map { index, value in
                    (x(start + (Double(index) + 0.5) * step), y(value.isFinite ? value : 0))
                }
                svg.path(line, stroke: ChartStyle.color(vm + 1), fill: nil, cls: "thin")
            }
            // Legend: the area, then one swatch per VM, left to right inside the top of the plot.
            let entries = [("aggregate", "#3a7ca5")] + perVM.indices.map { ("VM \($0 + 1)", ChartStyle.color($0 + 1)) }
            for (index, entry) in entries.enumerated() {
                let ex = frame.left + 12 + Double(index) * 86
                svg.rect(ex, frame.top + 4, 14, 4, fill: entry.1)
                svg.text(ex + 18, frame.top + 10, entry.0, cls: "legend")
            }
        }
        let mean = run.throughputBitsPerSecond
        if mean.isFinite {
            let m0 = x(run.measuredInterval.startSeconds), m1 = x(run.measuredInterval.endSeconds)
            svg.line(m0, y(mean), m1, y(mean), cls: "mean")
            svg.text(m1 - 4, y(mean) - 6, "mean " + Format.bitsPerSecond(mean), anchor: .end, cls: "note")
        }
        if aggregate.isEmpty {
            svg.text(
                (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, "no time series recorded",
                anchor: .middle, cls: "note")
        }
        return svg.render()
    }

    /// `values` averaged in buckets of `factor` samples so that at most ``maxPoints`` remain.
    static func downsample(_ values: [Double]) -> ([Double], Int) {
        guard values.count > maxPoints else { return (values, 1) }
        let factor = (values.count + maxPoints - 1) / maxPoints
        var result: [Double] = []
        result.reserveCapacity(maxPoints)
        var index = 0
        while index < values.count {
            let bucket = values[index..<Swift.min(index + factor, values.count)].filter { $0.isFinite }
            result.append(bucket.isEmpty ? 0 : bucket.reduce(0, +) / Double(bucket.count))
            index += factor
        }
        return (result, factor)
    }
}
