import Yams

extension DocumentDecoder {
    static let churnKinds = ["none", "constant", "diurnal", "bursty", "trace"]

    /// `churn: 2MB/s`, `churn: none`, or a one-key mapping naming the profile.
    func readChurn(_ node: Node, path: String) -> Churn {
        let rate = ValueKind<Double>(expected: "a rate like '2MB/s'", parse: Quantity.bitsPerSecond)
        if case .scalar(let scalar) = node {
            if scalar.string == "none" { return .none }
            return context.value(node, path, rate, [Check.nonNegative]).map { .constant(bytesPerSecond: $0 / 8) }
                ?? .none
        }
        guard let (name, value) = context.variant(node, path, Self.churnKinds) else { return .none }
        let path = Fields.join(path, name)
        switch name {
        case "constant":
            return context.value(value, path, rate, [Check.nonNegative]).map { .constant(bytesPerSecond: $0 / 8) }
                ?? .none
        case "diurnal":
            guard let f = Fields(value, path: path, context: context, known: ["mean", "peak", "peakHour"]),
                let mean = f.required("mean", rate, [Check.positive]),
                let peak = f.required("peak", rate, [Check.positive]),
                let hour = f.required("peakHour", .number, [Check.within(0...23.999, "[0, 24)")])
            else { return .none }
            guard peak >= mean, peak <= 2 * mean else {
                context.fail(
                    f.mark(of: "peak"),
                    f.path("peak"),
                    "expected a peak between the mean and twice the mean "
                        + "(so the trough stays ≥ 0), found \(DecodeContext.describe(f["peak"] ?? value))"
                )
                return .none
            }
            return .diurnal(.init(meanBytesPerSecond: mean / 8, peakBytesPerSecond: peak / 8, peakHour: hour))
        case "bursty":
            let keys = ["base", "burstRate", "burstLength", "period"]
            guard let f = Fields(value, path: path, context: context, known: keys),
                let base = f.required("base", rate, [Check.nonNegative]),
                let burst = f.required("burstRate", rate, [Check.positive]),
                let length = f.required("burstLength", .duration, [Check.positive]),
                let period = f.required("period", .duration, [Check.positive])
            else { return .none }
            guard burst >= base else {
                context.fail(
                    f.mark(of: "burstRate"),
                    f.path("burstRate"),
                    "expected a burst rate ≥ the base rate, found \(DecodeContext.describe(f["burstRate"] ?? value))"
                )
                return .none
            }
            guard length < period else {
                context.fail(
                    f.mark(of: "burstLength"),
                    f.path("burstLength"),
                    "expected a burst shorter than the period (\(Quantity.formatDuration(period))), "
                        + "found '\(Quantity.formatDuration(length))'"
                )
                return .none
            }
            return .bursty(
                .init(
                    baseBytesPerSecond: base / 8,
                    burstBytesPerSecond: burst / 8,
                    burstLengthNanoseconds: length,
                    periodNanoseconds: period
                )
            )
        case "trace":
            guard let file = context.value(value, path, .string) else { return .none }
            return readTrace(file, node: value, path: path).map(Churn.trace) ?? .none
        default:
            return .none
        }
    }

    /// Loads and validates a churn CSV: `time,bytesPerSecond` per line; `#` comments and one header line allowed.
    private func readTrace(_ file: String, node: Node, path: String) -> ChurnTrace? {
        guard let text = readRelativeFile(file) else {
            context.fail(node.mark, path, "expected a readable CSV file (relative to the scenario), found '\(file)'")
            return nil
        }
        switch Self.parseTrace(text, file: file) {
        case .success(let trace): return trace
        case .failure(let problem):
            context.fail(node.mark, path, problem.message)
            return nil
        }
    }

    /// A problem in a churn trace file, its message naming the file and line (`day.csv:3: expected …`).
    struct TraceProblem: Error {
        var message: String
    }

    /// Parses a churn trace CSV (`time,rate` lines, `#` comments, one optional header line, increasing times).
    /// - Complexity: O(lines).
    static func parseTrace(_ text: String, file: String) -> Result<ChurnTrace, TraceProblem> {
        var samples: [ChurnSample] = []
        var seenHeader = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",").map { String($0).trimmingWhitespace() }
            if samples.isEmpty, !seenHeader, cells.first?.first?.isLetter == true {
                seenHeader = true
                continue  // one header line, e.g. "time,bytesPerSecond"
            }
            guard cells.count == 2, let time = Self.traceTime(cells[0]), time >= 0,
                let rate = Quantity.bitsPerSecond(cells[1]).map({ $0 / 8 }) ?? Double(cells[1]), rate >= 0,
                rate.isFinite
            else {
                return .failure(
                    TraceProblem(
                        message: "\(file):\(index + 1): expected 'time,bytesPerSecond' with time ≥ 0 "
                            + "and rate ≥ 0, found '\(line)'"))
            }
            if let last = samples.last, time <= last.timeNanoseconds {
                return .failure(
                    TraceProblem(message: "\(file):\(index + 1): expected times in increasing order, found '\(line)'"))
            }
            samples.append(ChurnSample(timeNanoseconds: time, bytesPerSecond: rate))
        }
        guard !samples.isEmpty else {
            return .failure(TraceProblem(message: "expected at least one sample in '\(file)', found none"))
        }
        return .success(ChurnTrace(path: file, samples: samples))
    }

    /// A trace time: a duration (`90s`) or plain seconds (`90`, `1.5`).
    private static func traceTime(_ text: String) -> Int64? {
        if let ns = Quantity.nanoseconds(text) { return ns }
        guard let seconds = Double(text), seconds.isFinite, abs(seconds) < 9e9 else { return nil }
        return Int64((seconds * 1e9).rounded())
    }

    static let replicationKeys = [
        "frequency", "targetRPO", "uploadThreadsPerVM", "chunkSize", "compressibility", "compressionCost",
        "resyncThreshold", "retry", "throttle",
    ]

    func readReplication(_ root: Fields) -> Replication {
        let minute: Int64 = 60_000_000_000
        var replication = Replication(
            frequencyNanoseconds: 5 * minute,
            targetRPONanoseconds: 15 * minute,
            uploadThreadsPerVM: 4,
            chunkSizeBytes: 4 * 1_048_576,
            compressibility: 1,
            compressionBytesPerSecondPerCore: nil,
            resyncThreshold: 0.5,
            retry: .asrOutage,
            throttle: nil
        )
        guard let node = root["replication"],
            let f = Fields(node, path: "replication", context: context, known: Self.replicationKeys)
        else { return replication }
        let allowed: [Int64] = [30_000_000_000, 5 * minute, 15 * minute]
        replication.frequencyNanoseconds = f.read(
            "frequency",
            .duration,
            default: 5 * minute,
            [
                { allowed.contains($0) ? nil : "must be 30s, 5m or 15m, ASR's replication frequencies" }
            ]
        )
        replication.targetRPONanoseconds = f.read("targetRPO", .duration, default: 15 * minute, [Check.positive])
        replication.uploadThreadsPerVM = f.read(
            "uploadThreadsPerVM",
            .integer,
            default: 4,
            [
                Check.within(1...32, "1...32, ASR's UploadThreadsPerVM range")
            ]
        )
        replication.chunkSizeBytes = f.read(
            "chunkSize",
            .size,
            default: 4 * 1_048_576,
            [
                Check.positive,
                { $0 % 512 == 0 ? nil : "must be a multiple of 512 bytes, the page size" },
                { $0 <= 4 * 1_048_576 ? nil : "must be ≤ 4MiB, the Put Page maximum" },
            ]
        )
        replication.compressibility = f.read("compressibility", .ratio, default: 1, [Check.openClosedUnit])
        replication.compressionBytesPerSecondPerCore = f.optional("compressionCost", .bandwidth, [Check.positive])
            .map { $0 / 8 }
        replication.resyncThreshold = f.read("resyncThreshold", .ratio, default: 0.5, [Check.openClosedUnit])
        if let retry = f["retry"] { replication.retry = readRetry(retry, path: f.path("retry")) }
        if let throttle = f["throttle"] { replication.throttle = readThrottle(throttle, path: f.path("throttle")) }
        return replication
    }

    private func readRetry(_ node: Node, path: String) -> RetryPolicy {
        if case .scalar(let scalar) = node {
            if scalar.string == "asr-outage" { return .asrOutage }
            context.fail(
                node.mark,
                path,
                "expected 'asr-outage' or a mapping with 'base', 'cap', 'jitter', "
                    + "found \(DecodeContext.describe(node))"
            )
            return .asrOutage
        }
        guard let f = Fields(node, path: path, context: context, known: ["base", "cap", "jitter"]) else {
            return .asrOutage
        }
        let base = f.read("base", .duration, default: 2_000_000_000, [Check.positive])
        let cap = f.read("cap", .duration, default: 30_000_000_000, [Check.positive])
        if cap < base {
            context.fail(
                f.mark(of: "cap"),
                f.path("cap"),
                "expected a cap ≥ base (\(Quantity.formatDuration(base))), found '\(Quantity.formatDuration(cap))'"
            )
        }
        let jitter = f.read("jitter", .ratio, default: 0.2, [Check.halfOpenUnit])
        return .exponential(.init(baseNanoseconds: base, capNanoseconds: cap, jitter: jitter))
    }

    private func readThrottle(_ node: Node, path: String) -> BandwidthThrottle? {
        let keys = ["workDays", "workHours", "workHourCap", "nonWorkHourCap", "utcOffset"]
        guard let f = Fields(node, path: path, context: context, known: keys) else { return nil }
        let capRange = [Check.within(512e3...1_023e6, "512Kbps...1023Mbps, the MARS agent's range")]
        let work = f.required("workHourCap", .bandwidth, capRange)
        let nonWork = f.required("nonWorkHourCap", .bandwidth, capRange)
        let hoursKind = ValueKind<(Int64, Int64)>(expected: "work hours like '09:00-18:00'") { text in
            let parts = text.split(separator: "-").map { String($0).trimmingWhitespace() }
            guard parts.count == 2, let start = Self.clockTime(parts[0]), let end = Self.clockTime(parts[1]),
                start < end
            else { return nil }
            return (start, end)
        }
        let hours = f.read("workHours", hoursKind, default: (9 * 3_600_000_000_000, 18 * 3_600_000_000_000))
        let offsetKind = ValueKind<Int64>(expected: "a UTC offset like '+01:00'") { text in
            let trimmed = text.trimmingWhitespace()
            guard let sign = trimmed.first, sign == "+" || sign == "-",
                let time = Self.clockTime(String(trimmed.dropFirst())), time <= 14 * 3_600_000_000_000
            else { return nil }
            return sign == "-" ? -time : time
        }
        let offset = f.read("utcOffset", offsetKind, default: 0)
        var days: [Weekday] = [.mon, .tue, .wed, .thu, .fri]
        if let daysNode = f["workDays"] {
            let dayKind = ValueKind<Weekday>.choice
            if let elements = daysNode.sequenceElements {
                let parsed = elements.enumerated().compactMap { i, n in
                    context.value(n, "\(f.path("workDays"))[\(i)]", dayKind)
                }
                days = Weekday.allCases.filter(parsed.contains)
            } else {
                context.fail(
                    daysNode.mark,
                    f.path("workDays"),
                    "expected a list of weekdays like [mon, tue], found \(DecodeContext.describe(daysNode))"
                )
            }
        }
        guard let work, let nonWork else { return nil }
        return BandwidthThrottle(
            workDays: days,
            workStartNanoseconds: hours.0,
            workEndNanoseconds: hours.1,
            workHourBitsPerSecond: work,
            nonWorkHourBitsPerSecond: nonWork,
            utcOffsetNanoseconds: offset
        )
    }
}
