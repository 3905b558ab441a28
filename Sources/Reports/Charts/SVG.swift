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

    /// ` name="value"` for each pair, numbers through ``num(_:)``.
    static func attrs(_ pairs: KeyValuePairs<String, Double>) -> String {
        pairs.map { " \($0.key)=\"\(num($0.value))\"" }.joined()
    }

    /// ` name="value"` for each present text attribute (values escaped).
    static func attrs(_ pairs: KeyValuePairs<String, String?>) -> String {
        pairs.compactMap { key, value in value.map { " \(key)=\"\(HTML.escape($0))\"" } }.joined()
    }

    /// `<name attributes/>`, or with a `<title>` child (a tooltip) when `tip` is given.
    mutating func element(_ name: String, _ attributes: String, tip: String?) {
        if let tip {
            body.append("<\(name)\(attributes)><title>\(HTML.escape(tip))</title></\(name)>")
        } else {
            body.append("<\(name)\(attributes)/>")
        }
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) {
        element("line", Self.attrs(["class": cls]) + Self.attrs(["x1": x1, "y1": y1, "x2": x2, "y2": y2]), tip: nil)
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String? = nil, cls: String? = nil, tip: String? = nil
    ) {
        let geometry = Self.attrs(["x": x, "y": y, "width": Swift.max(0, w), "height": Swift.max(0, h)])
        element("rect", Self.attrs(["class": cls]) + geometry + Self.attrs(["fill": fill]), tip: tip)
    }

    mutating func circle(
        _ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String? = nil, tip: String? = nil
    ) {
        let colors = stroke.map { Self.attrs(["fill": fill, "stroke": $0]) } ?? Self.attrs(["fill": fill])
        element("circle", Self.attrs(["cx": cx, "cy": cy, "r": r]) + colors, tip: tip)
    }

    /// A polyline (or a closed, filled polygon) through `points`; skips empty input.
    mutating func path(
        _ points: [(Double, Double)], stroke: String?, fill: String?, cls: String? = nil, close: Bool = false,
        style: String? = nil
    ) {
        guard let first = points.first else { return }
        var d = "M" + Self.num(first.0) + " " + Self.num(first.1)
        for point in points.dropFirst() { d += "L" + Self.num(point.0) + " " + Self.num(point.1) }
        if close { d += "Z" }
        let clsAttr = cls.map { #" class="\#($0)""# } ?? ""
        let styleAttr = style.map { #" style="\#(HTML.escape($0))""# } ?? ""
        body.append(
            #"<path\#(clsAttr) d="\#(d)" stroke="\#(stroke ?? "none")" fill="\#(fill ?? "none")"\#(styleAttr)/>"#)
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(
        _ x: Double, _ y: Double, _ content: String, anchor: Anchor = .start, cls: String = "lbl",
        fill: String? = nil, rotate: Bool = false, size: Double? = nil
    ) {
        let transform = rotate ? "rotate(-90 \(Self.num(x)) \(Self.num(y)))" : nil
        let style = size.map { "font-size:\(Self.num($0))px" }
        let attributes =
            Self.attrs(["class": cls]) + Self.attrs(["x": x, "y": y])
            + Self.attrs(["text-anchor": anchor.rawValue, "fill": fill, "style": style, "transform": transform])
        body.append("<text\(attributes)>\(HTML.escape(content))</text>")
    }

    /// The finished `<svg>` element, sized by its viewBox, with an accessible title.
    func render() -> String {
        let viewBox = "0 0 \(Self.num(width)) \(Self.num(height))"
        let open =
            "<svg" + Self.attrs(["xmlns": "http://www.w3.org/2000/svg", "class": "chart", "viewBox": viewBox])
            + Self.attrs(["role": "img", "aria-label": title]) + ">"
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
