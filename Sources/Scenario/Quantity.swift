/// Parsers for the quantities written in scenario files: `10Gbps`, `60MiB/s`, `4MiB`, `180s`, `30%`, `1e-4`,
/// `500/s`. Every parser returns the value in base units (bits per second, bytes, nanoseconds, ratio,
/// requests per second) or `nil` when the text is not such a quantity. Sign and range are *not* checked here:
/// `-1Gbps` parses to `-1e9` so that the caller can say "must be > 0" instead of "not a bandwidth".
///
/// Units (case-sensitive where SI makes it matter, `k`/`K` both accepted):
/// - bandwidth: `bps`, `Kbps`, `Mbps`, `Gbps`, `Tbps` (also `bit/s`, `Kbit/s`, …) are decimal bits;
///   `B/s`, `KB/s`, `MB/s`, `GB/s` are decimal bytes (× 8); `KiB/s`, `MiB/s`, `GiB/s` binary bytes (× 8).
/// - size: `B`, `KB`, `MB`, `GB`, `TB` (decimal), `KiB`, `MiB`, `GiB`, `TiB` (binary); a bare integer is bytes.
/// - duration: `ns`, `us`, `µs`, `ms`, `s`, `m`/`min`, `h`, `d`; a bare `0` is zero.
/// - ratio / probability: `30%` or `0.3`; scientific notation `1e-4`.
/// - request rate: `500/s`, `20k/s`, `40000 req/s`, or a bare number.
///
/// - Complexity: O(n) in the length of the text.
public enum Quantity {
    /// Splits `"10.5 Gbps"` into `(10.5, "Gbps")`. The number part accepts an optional sign, digits with an
    /// optional fraction, and an exponent (`1e-4`); the unit is the trimmed rest. `nil` when there is no number.
    static func split(_ text: String) -> (value: Double, unit: String)? {
        let scalars = Array(text.trimmingWhitespace().unicodeScalars)
        var index = 0
        func isDigit(_ i: Int) -> Bool { i < scalars.count && ("0"..."9").contains(scalars[i]) }
        if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
        let digitsStart = index
        while isDigit(index) || (index < scalars.count && scalars[index] == "_") { index += 1 }
        if index < scalars.count, scalars[index] == "." {
            index += 1
            while isDigit(index) { index += 1 }
        }
        guard index > digitsStart, scalars[digitsStart..<index].contains(where: { ("0"..."9").contains($0) }) else {
            return nil
        }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            var exponentEnd = index + 1
            if exponentEnd < scalars.count, scalars[exponentEnd] == "+" || scalars[exponentEnd] == "-" {
                exponentEnd += 1
            }
            if isDigit(exponentEnd) {
                index = exponentEnd
                while isDigit(index) { index += 1 }
            }
        }
        var numberText = String(String.UnicodeScalarView(scalars[0..<index]))
        numberText.removeAll { $0 == "_" }
        guard let value = Double(numberText), value.isFinite else { return nil }
        let unit = String(String.UnicodeScalarView(scalars[index...])).trimmingWhitespace()
        return (value, unit)
    }

    /// Parses a bandwidth into bits per second. A unit is required (`10` alone is ambiguous).
    public static func bitsPerSecond(_ text: String) -> Double? {
        guard let (value, unit) = split(text), let factor = bandwidthFactors[normalizedUnit(unit)] else { return nil }
        return finite(value * factor)
    }

    /// Parses a size into bytes. A bare integer is bytes. Fractions are allowed if the result is whole bytes.
    public static func bytes(_ text: String) -> Int64? {
        guard let (value, unit) = split(text), let factor = sizeFactors[normalizedUnit(unit)] else { return nil }
        return exactInt64(value * factor)
    }

    /// Parses a duration into nanoseconds (rounded to the nearest nanosecond). A unit is required except for 0.
    public static func nanoseconds(_ text: String) -> Int64? {
        guard let (value, unit) = split(text) else { return nil }
        if unit.isEmpty { return value == 0 ? 0 : nil }
        guard let factor = durationFactors[unit] else { return nil }
        return roundedInt64(value * factor)
    }

    /// Parses a ratio: `30%` → 0.3, `0.3` → 0.3, `1e-4` → 0.0001.
    public static func ratio(_ text: String) -> Double? {
        guard let (value, unit) = split(text) else { return nil }
        switch unit {
        case "": return value
        case "%": return value / 100
        default: return nil
        }
    }

    /// Parses a request rate into requests per second: `500/s`, `20k/s`, `40000 req/s`, `20000`.
    public static func perSecond(_ text: String) -> Double? {
        guard let (value, unit) = split(text) else { return nil }
        var rest = unit
        for suffix in ["/s", "req/s", "/sec", "ops/s"] where rest.hasSuffix(suffix) {
            rest = String(rest.dropLast(suffix.count)).trimmingWhitespace()
            break
        }
        switch rest {
        case "", "req": return value
        case "k", "K": return value * 1e3
        case "M": return value * 1e6
        default: return nil
        }
    }

    /// Parses a whole number (`25`, `1_000`). Fractions and units are rejected.
    public static func integer(_ text: String) -> Int? {
        var digits = text.trimmingWhitespace()
        digits.removeAll { $0 == "_" }
        return Int(digits)
    }

    /// Formats nanoseconds for messages: `300000000000` → `5m`, `2000000` → `2ms`.
    public static func formatDuration(_ nanoseconds: Int64) -> String {
        let units: [(String, Int64)] = [
            ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000),
        ]
        for (name, size) in units where nanoseconds != 0 && nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(name)"
        }
        return "\(nanoseconds)ns"
    }

    // MARK: - Tables

    private static func normalizedUnit(_ unit: String) -> String {
        // Accept `kbps`/`Kbps`, `kB`/`KB`, `kiB`/`KiB` alike.
        guard let first = unit.first, first == "k" else { return unit }
        return "K" + unit.dropFirst()
    }

    private static let bandwidthFactors: [String: Double] = {
        var table: [String: Double] = [:]
        let prefixes: [(String, Double)] = [("", 1), ("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)]
        for (prefix, scale) in prefixes {
            table[prefix + "bps"] = scale
            table[prefix + "bit/s"] = scale
            table[prefix + "b/s"] = scale
            table[prefix + "B/s"] = scale * 8
        }
        let binary: [(String, Double)] = [("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824)]
        for (prefix, scale) in binary {
            table[prefix + "B/s"] = scale * 8
            table[prefix + "bps"] = scale
        }
        return table
    }()

    private static let sizeFactors: [String: Double] = [
        "": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
    ]

    private static let durationFactors: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "min": 60e9, "h": 3_600e9, "d": 86_400e9,
    ]

    private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    /// `Int64(exactly:)` that never traps: nil for fractions, NaN, infinities and out-of-range values.
    private static func exactInt64(_ value: Double) -> Int64? {
        guard value.isFinite, abs(value) < 9.2e18 else { return nil }
        return Int64(exactly: value)
    }

    private static func roundedInt64(_ value: Double) -> Int64? {
        guard value.isFinite, abs(value) < 9.2e18 else { return nil }
        return Int64(value.rounded())
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
