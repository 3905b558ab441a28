/// A tiny append-only SVG writer: elements as text, coordinates with one decimal, every number finite.
///
/// Non-finite coordinates (from zero or missing data upstream) are written as `0`, so that an SVG is
/// always well-formed; the chart code avoids producing them in the first place.
struct SVG {
    private(set) var body: [String] = []
    let width: Double
    let height: Double
    let title: String

    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    /// A coordinate or length: one decimal, trailing `.0` dropped, non-finite as `0`.
    static func num(_ value: Double) -> String {
        Format.trimmed(Format.fixed(value.isFinite ? value : 0, 1))
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) {
        body.append(#"<line class="\#(cls)" x1="\#(Self.num(x1))" y1="\#(Self.num(y1))" x2="\#(Self.num(x2))" y2="\#(Self.num(y2))"/>"#)
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String? = nil, cls: String? = nil, tip: String? = nil
    ) {
        let fillAttr = fill.map { #" fill="\#($0)""# } ?? ""
        let clsAttr = cls.map { #" class="\#($0)""# } ?? ""
        let open = #"<rect\#(clsAttr) x="\#(Self.num(x))" y="\#(Self.num(y))" width="\#(Self.num(Swift.max(0, w)))" height="\#(Self.num(Swift.max(0, h)))"\#(fillAttr)"#
        if let tip {
            body.append(open + "><title>" + HTML.escape(tip) + "</title></rect>")
        } else {
            body.append(open + "/>")
        }
    }

    mutating func circle(_ cx: Double, _ cy: Double, r: Double, fill: String, tip: String? = nil) {
        let open = #"<circle cx="\#(Self.num(cx))" cy="\#(Self.num(cy))" r="\#(Self.num(r))" fill="\#(fill)""#
        if let tip {
            body.append(open + "><title>" + HTML.escape(tip) + "</title></circle>")
        } else {
            body.append(open + "/>")
        }
    }

    /// A polyline (or a closed, filled polygon) through `points`; skips empty input.
    mutating func path(_ points: [(Double, Double)], stroke: String?, fill: String?, cls: String? = nil, close: Bool = false) {
        guard let first = points.first else { return }
        var d = "M" + Self.num(first.0) + " " + Self.num(first.1)
        for point in points.dropFirst() { d += "L" + Self.num(point.0) + " " + Self.num(point.1) }
        if close { d += "Z" }
        let clsAttr = cls.map { #" class="\#($0)""# } ?? ""
        body.append(#"<path\#(clsAttr) d="\#(d)" stroke="\#(stroke ?? "none")" fill="\#(fill ?? "none")"/>"#)
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(
        _ x: Double, _ y: Double, _ content: String, anchor: Anchor = .start, cls: String = "lbl",
        fill: String? = nil, rotate: Bool = false, size: Double? = nil
    ) {
        let fillAttr = (fill.map { #" fill="\#($0)""# } ?? "") + (size.map { #" style="font-size:\#(Self.num($0))px""# } ?? "")
        let transform = rotate ? #" transform="rotate(-90 \#(Self.num(x)) \#(Self.num(y)))""# : ""
        body.append(#"<text class="\#(cls)" x="\#(Self.num(x))" y="\#(Self.num(y))" text-anchor="\#(anchor.rawValue)"\#(fillAttr)\#(transform)>"#
            + HTML.escape(content) + "</text>")
    }

    /// The finished `<svg>` element, sized by its viewBox, with an accessible title.
    func render() -> String {
        let open = #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \#(Self.num(width)) \#(Self.num(height))" role="img" aria-label="\#(HTML.escape(title))">"#
        return ([open, "<title>" + HTML.escape(title) + "</title>"] + body + ["</svg>"]).joined(separator: "\n")
    }
}

/// Escaping for HTML and XML text and quoted attribute values.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, tab/CR/LF as character references (so attribute values
    /// keep them), and characters XML 1.0 cannot hold dropped.
    /// - Complexity: O(n) in the text's scalars.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result += "&#\(scalar.value);"
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
