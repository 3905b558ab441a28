/// Number formatting with fixed rules, independent of locale and platform, so that reports are
/// byte-identical for the same input.
///
/// Rules: rounding is half away from zero at the stated number of decimals; non-finite values print as
/// `"n/a"`; negative zero prints as `0`.
public enum Format {
    /// `value` with exactly `decimals` digits after the point (0...9).
    /// - Complexity: O(1).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        let digits = Swift.min(Swift.max(decimals, 0), 9)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e17 else { return value.description }
        let integer = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = integer / divisor
        let sign = value < 0 && integer != 0 ? "-" : ""
        guard digits > 0 else { return sign + String(whole) }
        let fraction = String(integer % divisor)
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// A rate in bits per second with a unit: `"1.51 Gbps"`, `"503.3 Mbps"`, `"64.0 kbps"`, `"12 bps"`.
    /// `trim` drops trailing zeros, for capacities in prose: `"10 Gbps"`.
    /// As ``bitsPerSecond(_:trim:)``; `"n/a"` for `nil`.
    public static func bitsPerSecond(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return bitsPerSecond(value, trim: false)
    }

    public static func bitsPerSecond(_ value: Double, trim: Bool = false) -> String {
        let unit = BitRateUnit.best(for: value)
        let number = fixed(value / unit.size, unit.decimals)
        return (trim ? trimmed(number) : number) + " " + unit.symbol
    }

    /// A byte count with a binary unit: `"1.50 GiB"`, `"60 MiB"`, `"512 B"` (trailing `.0` dropped).
    public static func bytes(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let units: [(Double, String)] = [
            (1_099_511_627_776, "TiB"), (1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB"),
        ]
        for (size, symbol) in units where abs(value) >= size {
            return trimmed(fixed(value / size, 2)) + " " + symbol
        }
        return fixed(value, 0) + " B"
    }

    /// A duration in seconds as `"42.0 s"`, `"12.5 min"` or `"3.20 h"`.
    public static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        if abs(value) >= 7200 { return fixed(value / 3600, 2) + " h" }
        if abs(value) >= 120 { return fixed(value / 60, 1) + " min" }
        return fixed(value, 1) + " s"
    }

    /// A compact duration for axis labels: `"0 s"`, `"45 s"`, `"7.5 min"`, `"2 h"` (at most one decimal, trimmed).
    public static func duration(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if abs(value) >= 7200 { return trimmed(fixed(value / 3600, 1)) + " h" }
        if abs(value) >= 120 { return trimmed(fixed(value / 60, 1)) + " min" }
        return trimmed(fixed(value, 1)) + " s"
    }

    /// A share in 0...1 as a whole percentage: `"82 %"`.
    public static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "n/a" }
        return fixed(share * 100, 0) + " %"
    }

    /// A raw number for machine-readable output (CSV): the shortest round-tripping decimal; `""` if absent
    /// or not finite.
    public static func raw(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// `text` without trailing zeros after a decimal point (`"60.00"` → `"60"`, `"1.50"` → `"1.5"`).
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result = result.dropLast() }
        if result.last == "." { result = result.dropLast() }
        return String(result)
    }
}

/// Decimal units for bit rates.
public struct BitRateUnit: Sendable, Equatable {
    /// Bits per second in one unit.
    public var size: Double
    /// `"Gbps"` etc.
    public var symbol: String
    /// Decimals used for values of this unit.
    public var decimals: Int

    public static let bps = BitRateUnit(size: 1, symbol: "bps", decimals: 0)
    public static let kbps = BitRateUnit(size: 1e3, symbol: "kbps", decimals: 1)
    public static let mbps = BitRateUnit(size: 1e6, symbol: "Mbps", decimals: 1)
    public static let gbps = BitRateUnit(size: 1e9, symbol: "Gbps", decimals: 2)

    /// The largest unit not larger than `value` (for axes: pass the axis maximum).
    public static func best(for value: Double) -> BitRateUnit {
        let magnitude = value.isFinite ? abs(value) : 0
        if magnitude >= 1e9 { return .gbps }
        if magnitude >= 1e6 { return .mbps }
        if magnitude >= 1e3 { return .kbps }
        return .bps
    }
}
