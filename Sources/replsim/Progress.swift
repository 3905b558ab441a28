import Foundation

/// How progress is shown on standard error: a bar on a terminal, plain lines otherwise (CI logs), nothing with
/// `--quiet`.
enum ProgressStyle {
    case bar, lines, quiet

    init(quiet: Bool) {
        self = quiet ? .quiet : isatty(STDERR_FILENO) == 1 ? .bar : .lines
    }

    /// A 30-character bar, `done` of `total` filled (full when `total` is 0).
    static func bar(_ done: Int64, of total: Int64) -> String {
        let width: Int64 = 30
        let filled = Int(total > 0 ? Swift.min(width, width * done / total) : width)
        return String(repeating: "█", count: filled) + String(repeating: "░", count: Int(width) - filled)
    }
}

/// Progress for long runs on standard error: a bar with ETA on a terminal, one plain line per
/// completed item otherwise (CI logs), nothing with `--quiet`.
///
/// Thread-safe: `completed(_:)` may be called from any worker.
final class ProgressReporter: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let style: ProgressStyle
    private let start = Date()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(total: Int, label: String, quiet: Bool) {
        self.total = total
        self.label = label
        style = ProgressStyle(quiet: quiet)
    }

    /// Records one finished item (`detail` is shown in plain-line mode, e.g. "vms=3,threadsPerVM=8 1.51 Gbps").
    func completed(_ detail: String) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        switch style {
        case .quiet:
            return
        case .lines:
            FileHandle.standardError.write(Data("[\(done)/\(total)] \(detail) (ETA \(eta()))\n".utf8))
        case .bar:
            let now = Date()
            guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let bar = ProgressStyle.bar(Int64(done), of: Int64(total))
            let line = "\r\(label) \(bar) \(done)/\(total)  elapsed \(format(now.timeIntervalSince(start)))  ETA \(eta())"
            FileHandle.standardError.write(Data(line.utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }

    /// A one-off message that does not disturb the bar.
    func note(_ message: String) {
        guard style != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let prefix = style == .bar ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(prefix)\(message)\n".utf8))
    }

    private func eta() -> String {
        guard done > 0 else { return "--" }
        let elapsed = Date().timeIntervalSince(start)
        return format(elapsed / Double(done) * Double(total - done))
    }

    private func format(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
