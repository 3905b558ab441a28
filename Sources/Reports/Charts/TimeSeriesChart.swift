import Results

/// Chart 3: a run's aggregate throughput over time as a filled area (like a bandwidth graph), with the
/// measured mean as a dashed line and, for up to 8 VMs, thin per-VM lines; the time axis in s, min or h.
enum TimeSeriesChart {
    /// At most this many points are drawn; longer series are averaged in buckets.
    static let maxPoints = 480
    /// Per-VM lines are drawn up to this many VMs (each its own colour and legend entry); more are aggregated.
    static let maxVMLines = 8

    /// - Complexity: O(samples × (1 + VMs drawn)).
    static func render(_ run: RunResult, layout: ChartLayout = .wide) -> String {
        let series = run.timeSeries
        // The legend (aggregate and one entry per VM line) in rows above the plot.
        let vmLines = (series.perVMBitsPerSecond?.count ?? 0) <= maxVMLines ? series.perVMBitsPerSecond : nil
        let entries = vmLines.map { perVM in
            [(label: "aggregate", color: "#3a7ca5")] + perVM.indices.map { (label: "VM \($0 + 1)", color: ChartStyle.color($0 + 1)) }
        } ?? []
        let legendHeight = Legend.height(entries.map(\.label), width: layout.plotRight - layout.plotLeft)
        let plotHeight = layout.isNarrow ? 220.0 : 300.0
        let top = 20 + (legendHeight > 0 ? legendHeight + 8 : 0)
        var svg = SVG(width: layout.width, height: top + plotHeight + 60, title: "Throughput over time, run \(run.id)")
        let frame = PlotFrame(left: layout.plotLeft, top: top, right: layout.plotRight, bottom: top + plotHeight)
        let interval = series.intervalSeconds.isFinite && series.intervalSeconds > 0 ? series.intervalSeconds : 1
        let (aggregate, factor) = downsample(series.aggregateBitsPerSecond)
        let step = interval * Double(factor)
        let start = series.startSeconds.isFinite ? series.startSeconds : 0
        let end = start + step * Double(aggregate.count)
        let time = TimeUnit.best(forSpan: end - start)
        let xScaled = Scale.linear(
            data: [start / time.seconds, Swift.max(end, start + 1) / time.seconds], pixels: frame.xPixels,
            zeroBased: start >= 0, tight: true
        ) {
            Format.trimmed(Format.fixed($0, 1))
        }
        let x = TimeScale(scale: xScaled, unit: time)
        let (y, unit) = bitRateScale(aggregate + [run.throughputBitsPerSecond], frame: frame)
        frame.drawAxes(
            &svg, x: xScaled, y: y, xTitle: "time since start (\(time.symbol))", yTitle: "throughput (\(unit.symbol))")
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
        if let perVM = series.perVMBitsPerSecond, perVM.count > maxVMLines {
            let note =
                layout.isNarrow
                ? "\(perVM.count) VMs: aggregate only"
                : "\(perVM.count) VMs: aggregate only (per-VM lines from \(maxVMLines + 1) VMs on are not drawn)"
            svg.text(frame.right - 4, frame.top + 12, note, anchor: .end, cls: "note")
        } else if let perVM = vmLines {
            for (vm, values) in perVM.enumerated() {
                let (samples, _) = downsample(values)
                let line = samples.enumerated().map { index, value in
                    (x(start + (Double(index) + 0.5) * step), y(value.isFinite ? value : 0))
                }
                svg.path(line, stroke: ChartStyle.color(vm + 1), fill: nil, cls: "thin")
            }
            Legend.draw(&svg, entries, left: frame.left, top: 12, width: frame.right - frame.left)
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

/// The unit of a time axis: seconds up to 2 minutes, minutes up to 2 hours, then hours.
struct TimeUnit {
    var seconds: Double
    var symbol: String

    static func best(forSpan span: Double) -> TimeUnit {
        if span >= 7200 { return TimeUnit(seconds: 3600, symbol: "h") }
        if span >= 120 { return TimeUnit(seconds: 60, symbol: "min") }
        return TimeUnit(seconds: 1, symbol: "s")
    }
}

/// A scale whose input is seconds and whose ticks are in a ``TimeUnit``.
struct TimeScale {
    var scale: Scale
    var unit: TimeUnit

    func callAsFunction(_ seconds: Double) -> Double { scale(seconds / unit.seconds) }
}
