import Foundation
import TestHarness
import Testing

@testable import Scenario

@Suite(.cpuBound) struct QuantityTests {
    @Test(
        arguments: [
            ("10Gbps", 10e9), ("500Mbps", 500e6), ("512Kbps", 512e3), ("512kbps", 512e3), ("1.5 Gbps", 1.5e9),
            ("60MiB/s", 60 * 1_048_576 * 8), ("2MB/s", 16e6), ("1Gbit/s", 1e9), ("100bps", 100), ("-1Gbps", -1e9),
        ] as [(String, Double)]
    )
    func bandwidths(text: String, bits: Double) {
        #expect(Quantity.bitsPerSecond(text) == bits)
    }

    @Test(arguments: ["10", "fast", "10Gbs", "10 GBps", "", "Gbps", "1e400Gbps", "nanGbps"])
    func bandwidthRejections(text: String) {
        #expect(Quantity.bitsPerSecond(text) == nil)
    }

    @Test(
        arguments: [
            ("4MiB", Int64(4_194_304)), ("127GiB", 136_365_211_648), ("512", 512), ("512B", 512), ("64MB", 64_000_000),
            ("1.5KiB", 1536), ("4_096", 4096), ("1TiB", 1_099_511_627_776),
        ] as [(String, Int64)]
    )
    func sizes(text: String, bytes: Int64) {
        #expect(Quantity.bytes(text) == bytes)
    }

    @Test(arguments: ["0.5B", "4 MiBs", "1e30TiB", "x", "4Mib"])
    func sizeRejections(text: String) {
        #expect(Quantity.bytes(text) == nil)
    }

    @Test(
        arguments: [
            ("2ms", Int64(2_000_000)), ("5m", 300_000_000_000), ("180s", 180_000_000_000), ("1h", 3_600_000_000_000),
            ("0.9s", 900_000_000), ("300us", 300_000), ("15min", 900_000_000_000), ("0", 0), ("1d", 86_400_000_000_000),
        ] as [(String, Int64)]
    )
    func durations(text: String, nanoseconds: Int64) {
        #expect(Quantity.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["5", "5 minutes", "1e20h", "s"])
    func durationRejections(text: String) {
        #expect(Quantity.nanoseconds(text) == nil)
    }

    @Test func ratiosAndRates() {
        #expect(Quantity.ratio("30%") == 0.3)
        #expect(Quantity.ratio("0.3") == 0.3)
        #expect(Quantity.ratio("1e-4") == 1e-4)
        #expect(Quantity.ratio("30 percent") == nil)
        #expect(Quantity.perSecond("500/s") == 500)
        #expect(Quantity.perSecond("20k/s") == 20_000)
        #expect(Quantity.perSecond("40000 req/s") == 40_000)
        #expect(Quantity.perSecond("20000") == 20_000)
        #expect(Quantity.perSecond("20 apples") == nil)
        #expect(Quantity.integer("1_000") == 1000)
        #expect(Quantity.integer("2.5") == nil)
    }

    /// Formatting then parsing gives the value back.
    @Test(arguments: [Int64(1), 1_000, 2_000_000, 900_000_000, 180_000_000_000, 300_000_000_000, 3_600_000_000_000])
    func durationRoundTrip(nanoseconds: Int64) {
        #expect(Quantity.nanoseconds(Quantity.formatDuration(nanoseconds)) == nanoseconds)
    }

    @Test func spellingSuggestions() {
        #expect(Spelling.distance("bandwidht", "bandwidth") == 2)
        #expect(Spelling.suggestion(for: "bandwidht", among: ["bandwidth", "rtt", "loss"]) == "bandwidth")
        #expect(Spelling.suggestion(for: "colour", among: ["bandwidth", "rtt", "loss"]) == nil)
    }
}
