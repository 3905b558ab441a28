/// Shared look of the charts: plot area, palette, axes.
enum ChartStyle {
    /// Line colours (Tableau 10), cycled when there are more series.
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    /// Viridis, sampled at 9 stops; `value` in 0...1 (clamped; non-finite → 0).
    static func sequential(_ value: Double) -> String {
        let stops: [(Double, Double, Double)] = [
            (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
            (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
        ]
        let t = value.isFinite ? Swift.min(Swift.max(value, 0), 1) : 0
        let position = t * Double(stops.count - 1)
        let index = Swift.min(Int(position), stops.count - 2)
        let f = position - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return hex(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// Whether text on the colour `sequential(value)` should be dark (light background).
    static func darkText(on value: Double) -> Bool { value.isFinite && value > 0.55 }

    static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789abcdef")
        func two(_ v: Int) -> String {
            let c = Swift.min(Swift.max(v, 0), 255)
            return String([digits[c / 16], digits[c % 16]])
        }
        return "#" + two(r) + two(g) + two(b)
    }
}

/// A plot area inside an SVG, with axes drawn from two scales.
struct PlotFrame {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double

    var xPixels: ClosedRange<Double> { left...right }
    /// Pixel range for y scales (top of the plot is the largest value; use `reversed: true`).
    var yPixels: ClosedRange<Double> { top...bottom }

    /// Grid lines and tick labels for `x` and `y`, plus axis titles.
    func drawAxes(_ svg: inout SVG, x: Scale, y: Scale, xTitle: String, yTitle: String) {
        // The plot area itself, unpainted: what legends must stay off (scripts/browser-check.sh looks for it).
        svg.rect(left, top, right - left, bottom - top, fill: "none", cls: "plot")
        for (value, label) in y.ticks {
            let py = y(value)
            svg.line(left, py, right, py, cls: "grid")
            svg.text(left - 8, py + 4, label, anchor: .end, cls: "tick")
        }
        for (value, label) in x.ticks {
            let px = x(value)
            svg.line(px, bottom, px, bottom + 5, cls: "axis")
            svg.text(px, bottom + 20, label, anchor: .middle, cls: "tick")
        }
        svg.line(left, bottom, right, bottom, cls: "axis")
        svg.line(left, top, left, bottom, cls: "axis")
        svg.text((left + right) / 2, bottom + 42, xTitle, anchor: .middle, cls: "axis-title")
        svg.text(18, (top + bottom) / 2, yTitle, anchor: .middle, cls: "axis-title", rotate: true)
    }
}

/// A y scale for bit rates: ticks labelled in one unit chosen from the largest value.
func bitRateScale(_ values: [Double], frame: PlotFrame) -> (Scale, BitRateUnit) {
    let finite = values.filter { $0.isFinite }
    let unit = BitRateUnit.best(for: finite.max() ?? 0)
    let scale = Scale.linear(data: finite, pixels: frame.yPixels, reversed: true) { value in
        Format.trimmed(Format.fixed(value / unit.size, 2))
    }
    return (scale, unit)
}

/// The two drawings of every chart. The page holds both and its stylesheet shows one: `wide` (960 units) on a
/// desktop, `narrow` (380 units, about 1:1 on a 400 px phone, so 11-unit text stays 11 px) below 600 px, with
/// legends in rows under the plot and shorter axis titles, so nothing needs a sideways scroll.
struct ChartLayout {
    let width: Double
    let isNarrow: Bool

    static let wide = ChartLayout(width: 960, isNarrow: false)
    static let narrow = ChartLayout(width: 380, isNarrow: true)

    /// Left edge of a plot (room for the y tick labels and the rotated y title).
    var plotLeft: Double { isNarrow ? 54 : 80 }
    /// Right edge of a plot that has nothing beside it.
    var plotRight: Double { width - (isNarrow ? 12 : 20) }
    /// Estimated width of `text` at the legend's 12-unit font (system sans-serif averages about 0.58 em, rounded up).
    static func textWidth(_ text: String, fontSize: Double = 12) -> Double { Double(text.count) * fontSize * 0.62 }
}

/// A legend of colour swatches and labels, left to right, wrapped into rows of a given width.
enum Legend {
    static let rowHeight = 18.0

    /// Each entry's offset from the legend's left edge and its row, wrapping within `width`.
    static func positions(_ labels: [String], width: Double) -> [(x: Double, row: Int)] {
        var x = 0.0
        var row = 0
        var out: [(x: Double, row: Int)] = []
        for label in labels {
            let entryWidth = 20 + ChartLayout.textWidth(label) + 16
            if x > 0, x + entryWidth > width {
                x = 0
                row += 1
            }
            out.append((x, row))
            x += entryWidth
        }
        return out
    }

    /// The height `draw` uses for `labels` within `width` (0 for none).
    static func height(_ labels: [String], width: Double) -> Double {
        Double((positions(labels, width: width).last?.row ?? -1) + 1) * rowHeight
    }

    /// Draws `entries` from (`left`, `top`) within `width`.
    static func draw(
        _ svg: inout SVG, _ entries: [(label: String, color: String)], left: Double, top: Double, width: Double
    ) {
        for (entry, place) in zip(entries, positions(entries.map(\.label), width: width)) {
            let x = left + place.x, y = top + Double(place.row) * rowHeight
            svg.rect(x, y + 5, 14, 4, fill: entry.color)
            svg.text(x + 19, y + 11, entry.label, cls: "legend")
        }
    }
}
