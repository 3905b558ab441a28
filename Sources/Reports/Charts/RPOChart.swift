import Results

/// Chart 4: the RPO histogram of a run's cycles, bars within the target in green, above in orange, the
/// target marked with a vertical line.
enum RPOChart {
    /// - Complexity: O(buckets).
    static func render(_ run: RunResult, cycles: CycleStats, layout: ChartLayout = .wide) -> String {
        var svg = SVG(width: layout.width, height: layout.isNarrow ? 300 : 360, title: "RPO distribution, run \(run.id)")
        let frame = PlotFrame(
            left: layout.plotLeft, top: 30, right: layout.plotRight, bottom: layout.isNarrow ? 230 : 290)
        let buckets = cycles.rpoHistogram
        let counts = buckets.map { Double($0.count) }
        let y = Scale.linear(data: counts, pixels: frame.yPixels, reversed: true, integers: true) { Format.fixed($0, 0) }
        let width = (frame.right - frame.left) / Double(Swift.max(buckets.count, 1))
        let x = Scale(
            kind: .linear, domain: 0...Double(Swift.max(buckets.count, 1)), range: frame.xPixels, ticks: [],
            reversed: false)
        frame.drawAxes(
            &svg, x: x, y: y, xTitle: layout.isNarrow ? "RPO (age of the newest recovery point)" : "RPO (time since the newest recovery point)",
            yTitle: "cycle boundaries (count)")
        let target = cycles.targetRPOSeconds
        // Bucket labels ("5 min–7.5 min") need about 80 units each.
        let labelStride = Swift.max(1, Int((80 / width).rounded(.up)))
        for (index, bucket) in buckets.enumerated() {
            let left = frame.left + Double(index) * width
            let within = (bucket.upperSeconds ?? .infinity) <= target
            svg.rect(
                left + 2, y(Double(bucket.count)), width - 4, frame.bottom - y(Double(bucket.count)),
                fill: within ? "#59a14f" : "#f28e2b", tip: "\(rangeLabel(bucket)): \(bucket.count)")
            if index % labelStride == 0 {
                svg.text(left + width / 2, frame.bottom + 20, rangeLabel(bucket), anchor: .middle, cls: "tick")
            }
        }
        if let position = markerPosition(target: target, buckets: buckets) {
            let px = frame.left + position * width
            svg.line(px, frame.top - 10, px, frame.bottom, cls: "target")
            // The label on the side of the line with more room.
            let right = px < (frame.left + frame.right) / 2
            svg.text(
                px + (right ? 6 : -6), frame.top - 2, "target RPO " + Format.duration(target),
                anchor: right ? .start : .end, cls: "note")
        }
        if buckets.isEmpty {
            svg.text(
                (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, "no RPO samples",
                anchor: .middle, cls: "note")
        }
        return svg.render()
    }

    /// "0 s–5 min", "5 min–7.5 min", "> 20 min".
    static func rangeLabel(_ bucket: HistogramBucket) -> String {
        guard let upper = bucket.upperSeconds else { return "> " + Format.duration(bucket.lowerSeconds) }
        return Format.duration(bucket.lowerSeconds) + "–" + Format.duration(upper)
    }

    /// Where the target falls, in bucket units (bucket i spans i...i+1), interpolated inside its bucket;
    /// `nil` when there are no buckets or the target is not finite.
    static func markerPosition(target: Double, buckets: [HistogramBucket]) -> Double? {
        guard target.isFinite, !buckets.isEmpty else { return nil }
        for (index, bucket) in buckets.enumerated() {
            guard let upper = bucket.upperSeconds else { return Double(index) }
            if target <= upper {
                let span = upper - bucket.lowerSeconds
                let fraction = span > 0 ? (target - bucket.lowerSeconds) / span : 1
                return Double(index) + Swift.min(Swift.max(fraction, 0), 1)
            }
        }
        return Double(buckets.count)
    }
}
