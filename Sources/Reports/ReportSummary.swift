import Results

/// The lines every report opens with and the terminal prints at the end of `run`/`sweep`: the headline, the
/// swept axes, which run the detailed view shows, and the assumptions and warnings. One place, so that the
/// Markdown, HTML and terminal say the same.
public enum ReportSummary {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case headline, swept, detail, warning, assumption
    }

    public struct Line: Sendable, Equatable {
        public var kind: Kind
        public var text: String

        /// The line as Markdown (the headline bold, warnings and assumptions as list items).
        public var markdown: String {
            switch kind {
            case .headline: return "**\(text)**\n"
            case .swept: return "Swept: \(text).\n"
            case .detail: return "\(text)\n"
            case .warning: return "- **Warning:** \(text)"
            case .assumption: return "- Assumption: \(text)"
            }
        }

        /// The line for a terminal.
        public var plain: String {
            switch kind {
            case .headline: return text
            case .swept: return "Swept: \(text)."
            case .detail: return text
            case .warning: return "  warning: \(text)"
            case .assumption: return "  assumption: \(text)"
            }
        }
    }

    /// The summary lines of `analysis`, warnings (then assumptions) last; Markdown gets a heading before them.
    public static func lines(_ analysis: ReportAnalysis) -> [Line] {
        var lines = [Line(kind: .headline, text: analysis.headline)]
        if let swept = analysis.sweptAxes { lines.append(Line(kind: .swept, text: swept)) }
        if let note = analysis.detailNote { lines.append(Line(kind: .detail, text: note)) }
        for warning in analysis.warnings {
            switch warning.level {
            case .warning: lines.append(Line(kind: .warning, text: warning.message))
            case .assumption: lines.append(Line(kind: .assumption, text: warning.message))
            }
        }
        return lines
    }

    /// The terminal text: headline, swept axes, detail note, then "Assumptions and warnings:" and its items.
    public static func terminal(_ analysis: ReportAnalysis) -> String {
        let lines = lines(analysis)
        let head = lines.filter { $0.kind == .headline || $0.kind == .swept || $0.kind == .detail }.map(\.plain)
        let notes = lines.filter { $0.kind == .warning || $0.kind == .assumption }.map(\.plain)
        return (head + (notes.isEmpty ? [] : ["Assumptions and warnings:"] + notes)).joined(separator: "\n") + "\n"
    }
}
