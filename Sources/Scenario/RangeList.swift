/// The one range grammar of replsim, for every option that takes several values or an interval
/// (`sweep --threads`, `sweep --vms`, `--pcap-vms`, `--pcap-window`) and for a range in a scenario's `sweep`:
///
///     LIST  = ITEM { "," ITEM }
///     ITEM  = VALUE | VALUE "..." VALUE        closed range, both ends included, low ≤ high
///
/// `8`, `1...32`, `3,10,25`, `1...4,8,16`, `5m...5m20s`. Spaces around items are ignored. Two dots (`1..4`) and
/// a dash (`0-3`) are not ranges; they are refused with a message that names the canonical form.
///
/// ```swift
/// let threads = try RangeList.integers("1...4,8", least: 1)   // [1, 2, 3, 4, 8]
/// let window = try RangeList.single("5m...6m", Quantity.nanoseconds)   // 300_000_000_000...360_000_000_000
/// ```
public enum RangeList {
    /// The grammar in one line, for help texts and error messages.
    public static let grammar = "a value, a closed range A...B, or a comma-separated list of them (1...4,8,16)"

    /// Most values a list may expand to (a sweep axis or a VM selection); more is a typo, not a plan.
    public static let maxValues = 10_000

    /// Why a text is not in the grammar; `description` names the offending item, not the option
    /// (the caller knows which option or key it parsed).
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `text` into its items in order, each a closed range (a single value is `v...v`); `bound` parses
    /// one value. Throws for an empty text or item, a value `bound` rejects, `..` or `-` used as a range,
    /// more than one `...` in an item, or low > high.
    /// - Complexity: O(text length).
    public static func items<Bound: Comparable>(
        _ text: String, _ bound: (String) -> Bound?
    ) throws(Failure) -> [ClosedRange<Bound>] {
        let raw = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        var out: [ClosedRange<Bound>] = []
        for item in raw {
            guard !item.isEmpty else { throw Failure(description: "an empty item") }
            let ends = item.components(separatedBy: "...")
            guard ends.count <= 2 else { throw Failure(description: "'\(item)' has more than one '...'") }
            guard let low = bound(ends[0].trimmingWhitespace()), let high = bound(ends[ends.count - 1].trimmingWhitespace())
            else {
                if ends.count == 1, item.contains("..") {
                    throw Failure(description: "'\(item)' uses '..': write a range as A...B")
                }
                if ends.count == 1, item.dropFirst().contains("-") {
                    throw Failure(description: "'\(item)' uses '-': write a range as A...B")
                }
                throw Failure(description: "'\(item)' is not a value or a range A...B")
            }
            guard low <= high else { throw Failure(description: "'\(item)' starts above its end") }
            out.append(low...high)
        }
        return out
    }

    /// Whole numbers ≥ `least`, every range expanded, in the order written (duplicates kept: a sweep axis
    /// keeps what it is given). At most `maxValues` values.
    /// - Complexity: O(number of values).
    public static func integers(_ text: String, least: Int) throws(Failure) -> [Int] {
        var values: [Int] = []
        for range in try items(text, Quantity.integer) {
            guard range.lowerBound >= least else {
                throw Failure(description: "'\(range.lowerBound)' is below \(least)")
            }
            guard range.upperBound - range.lowerBound < maxValues - values.count else {
                throw Failure(description: "more than \(maxValues) values")
            }
            values.append(contentsOf: range)
        }
        return values
    }

    /// Exactly one item, which must be a range with start < end (an interval, not a point): `5m...6m`.
    public static func single<Bound: Comparable>(_ text: String, _ bound: (String) -> Bound?) throws(Failure)
        -> ClosedRange<Bound>
    {
        let all = try items(text, bound)
        guard all.count == 1, let range = all.first else {
            throw Failure(description: "expected one range START...END, found \(all.count) items")
        }
        guard range.lowerBound < range.upperBound else {
            throw Failure(description: "the range must start before it ends")
        }
        return range
    }
}
