import Foundation

/// How progress is shown: a bar on a terminal (standard error), plain lines otherwise (CI logs), JSON Lines on
/// standard output with `--json`, nothing with `--quiet`.
enum ProgressStyle {
    case bar, lines, json, quiet

    init(quiet: Bool, json: Bool = false) {
        self = json ? .json : quiet ? .quiet : isatty(STDERR_FILENO) == 1 ? .bar : .lines
    }

    /// A 30-character bar, `done` of `total` filled (full when `total` is 0).
    static func bar(_ done: Int64, of total: Int64) -> String {
        let width: Int64 = 30
        let filled = Int(total > 0 ? Swift.min(width, width * done / total) : width)
        return String(repeating: "█", count: filled) + String(repeating: "░", count: Int(width) - filled)
    }
}

/// Progress for long runs: a bar with ETA on a terminal, redrawn twice a second by a timer (so the elapsed time
/// and ETA move while a long run is busy), one plain line per completed item otherwise, one JSON object per
/// completed item with `--json`, nothing with `--quiet`.
///
/// The ETA is weighted by cost: each item has an estimated cost (for simulated runs, VMs × simulated seconds ×
/// √threads, a proxy for its events), and the remaining time is the elapsed time per unit of finished cost times
/// the cost left, so a sweep that ends with its 100-VM runs does not promise to finish early.
///
/// Thread-safe: `completed(_:cost:)` may be called from any worker. Call `finish()` once at the end.
final class ProgressReporter: @unchecked Sendable {
    private let total: Int
    private let totalCost: Double
    private let label: String
    private let style: ProgressStyle
    private let start = Date()
    private var done = 0
    private var doneCost = 0.0
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?

    /// `costs`: the estimated cost of each item (any positive unit); empty means every item costs the same.
    init(total: Int, label: String, quiet: Bool, json: Bool = false, costs: [Double] = []) {
        self.total = total
        self.label = label
        style = ProgressStyle(quiet: quiet, json: json)
        totalCost = costs.count == total && costs.allSatisfy({ $0 > 0 }) ? costs.reduce(0, +) : Double(total)
        if style == .bar {
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
            timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
            timer.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                defer { self.lock.unlock() }
                self.drawBar()
            }
            timer.resume()
            self.timer = timer
        }
    }

    deinit { timer?.cancel() }

    /// Records one finished item of cost `cost` (the unit of the `costs` given at init; 1 when unweighted);
    /// `detail` is shown in plain-line mode, e.g. "vms=3,threadsPerVM=8 1.51 Gbps".
    func completed(_ detail: String, id: String = "", cost: Double = 1) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        doneCost += totalCost == Double(total) ? 1 : cost
        switch style {
        case .quiet:
            return
        case .lines:
            FileHandle.standardError.write(Data("[\(done)/\(total)] \(detail) (ETA \(format(eta())))\n".utf8))
        case .json:
            var object: [String: Any] = [
                "type": "progress", "done": done, "total": total, "run": id, "detail": detail,
                "elapsedSeconds": (Date().timeIntervalSince(start) * 10).rounded() / 10,
            ]
            if let eta = eta() { object["etaSeconds"] = (eta * 10).rounded() / 10 }
            JSONLines.write(object)
        case .bar:
            drawBar()
        }
    }

    /// Stops the redraw timer and ends the bar's line.
    func finish() {
        timer?.cancel()
        timer = nil
        lock.lock()
        defer { lock.unlock() }
        if style == .bar {
            drawBar()
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    /// A one-off message that does not disturb the bar.
    func note(_ message: String) {
        guard style != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        if style == .json {
            JSONLines.write(["type": "note", "message": message])
            return
        }
        let prefix = style == .bar ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(prefix)\(message)\n".utf8))
    }

    /// Caller holds the lock.
    private func drawBar() {
        let share = totalCost > 0 ? doneCost / totalCost : 1
        let bar = ProgressStyle.bar(Int64((share * 1000).rounded()), of: 1000)
        let elapsed = format(Date().timeIntervalSince(start))
        let line = "\r\u{1B}[K\(label) \(bar) \(done)/\(total)  elapsed \(elapsed)  ETA \(format(eta()))"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Seconds left: elapsed per unit of finished cost × cost left; `nil` before the first item finishes.
    private func eta() -> Double? {
        guard doneCost > 0 else { return nil }
        let elapsed = Date().timeIntervalSince(start)
        return Swift.max(0, elapsed / doneCost * (totalCost - doneCost))
    }

    private func format(_ seconds: Double?) -> String {
        guard let seconds else { return "--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}

/// `--json` output: one JSON object per line on standard output, keys sorted.
enum JSONLines {
    private static let lock = NSLock()

    static func write(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
