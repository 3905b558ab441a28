import Foundation

/// Progress for long runs on standard error: a bar with ETA on a terminal, one plain line per
/// completed item otherwise (CI logs), nothing with `--quiet`.
///
/// Thread-safe: `completed(_:)` may be called from any worker.
final class ProgressReporter: @unchecked Sendable {
    enum Style { case bar, lines, quiet }

    private let total: Int
    private let label: String
    private let style: Style
    private let start = Date()
    private var done = 0
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(total: Int, label: String, quiet: Bool) {
        self.total = total
        self.label = label
        if quiet {
            style = .quiet
        } else {
            style = isatty(STDERR_FILENO) == 1 ? .bar : .lines
        }
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
            let width = 30
            let filled = total == 0 ? width : width * done / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
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
