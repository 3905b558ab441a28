@testable import Scenario
import TestHarness
import Testing

/// The one range grammar: values, `A...B` closed ranges and comma lists of them; everything else refused with
/// a message that names the item.
@Suite(.cpuBound) struct RangeListTests {
    @Test func integersExpandRangesAndListsInOrder() throws {
        #expect(try RangeList.integers("8", least: 1) == [8])
        #expect(try RangeList.integers("1...4", least: 1) == [1, 2, 3, 4])
        #expect(try RangeList.integers("3,10,25", least: 1) == [3, 10, 25])
        #expect(try RangeList.integers(" 1...3 , 8,16", least: 1) == [1, 2, 3, 8, 16])
        #expect(try RangeList.integers("5...5", least: 0) == [5])
    }

    @Test(arguments: [
        ("1..4", "'1..4' uses '..': write a range as A...B"),
        ("0-3", "'0-3' uses '-': write a range as A...B"),
        ("1,0-3", "'0-3' uses '-': write a range as A...B"),
        ("3,,25", "an empty item"),
        ("", "an empty item"),
        ("9...8", "'9...8' starts above its end"),
        ("1...2...3", "'1...2...3' has more than one '...'"),
        ("x", "'x' is not a value or a range A...B"),
        ("1.5", "'1.5' is not a value or a range A...B"),
        ("0...4", "'0' is below 1"),
        ("1...20000", "more than 10000 values"),
    ])
    func refusedTextsSayWhy(text: String, message: String) {
        #expect(throws: RangeList.Failure(description: message)) { try RangeList.integers(text, least: 1) }
    }

    @Test func singleIsOneIntervalOfDurations() throws {
        #expect(try RangeList.single("5m...6m", Quantity.nanoseconds) == 300_000_000_000...360_000_000_000)
        #expect(throws: RangeList.Failure(description: "'5m..6m' uses '..': write a range as A...B")) {
            try RangeList.single("5m..6m", Quantity.nanoseconds)
        }
        #expect(throws: RangeList.Failure(description: "expected one range START...END, found 2 items")) {
            try RangeList.single("1s...2s,3s...4s", Quantity.nanoseconds)
        }
        #expect(throws: RangeList.Failure(description: "the range must start before it ends")) {
            try RangeList.single("5s", Quantity.nanoseconds)
        }
    }
}
