/// A set of byte offsets stored as sorted, disjoint, non-adjacent half-open ranges.
///
/// Used for a disk's change log (writes coalesce), a cycle's sealed ranges, and what recovery still has to send.
/// Ranges that touch or overlap are merged on insertion, so `ranges` is canonical: two sets with the same bytes
/// have equal `ranges`.
///
/// ```swift
/// var log = ByteRangeSet()
/// log.insert(0..<4096)
/// log.insert(4096..<8192)      // merged: [0..<8192]
/// log.subtracting(ByteRangeSet([1024..<2048])).ranges  // [0..<1024, 2048..<8192]
/// ```
public struct ByteRangeSet: Hashable, Sendable, Codable {
    /// The ranges, sorted by lower bound, disjoint, never empty, never touching.
    public private(set) var ranges: [Range<Int64>]

    /// An empty set.
    public init() {
        self.ranges = []
    }

    /// The union of `ranges`, in any order.
    ///
    /// - Complexity: O(n²) worst case for n ranges given out of order; O(n) when sorted.
    public init<S: Sequence>(_ ranges: S) where S.Element == Range<Int64> {
        self.ranges = []
        for range in ranges { insert(range) }
    }

    /// Whether no byte is in the set.
    public var isEmpty: Bool { ranges.isEmpty }

    /// The number of bytes in the set.
    ///
    /// - Complexity: O(n) for n ranges.
    public var totalBytes: Int64 {
        ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) }
    }

    /// Adds `range`, merging it with the ranges it overlaps or touches, and returns how many bytes were new.
    ///
    /// - Complexity: O(log n) to find the place, O(n) worst case to merge and move.
    @discardableResult
    public mutating func insert(_ range: Range<Int64>) -> Int64 {
        guard !range.isEmpty else { return 0 }
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < range.lowerBound { low = mid + 1 } else { high = mid }
        }
        var end = low
        var lower = range.lowerBound
        var upper = range.upperBound
        var alreadyCovered: Int64 = 0
        while end < ranges.count, ranges[end].lowerBound <= range.upperBound {
            alreadyCovered += Self.overlap(ranges[end], range)
            lower = Swift.min(lower, ranges[end].lowerBound)
            upper = Swift.max(upper, ranges[end].upperBound)
            end += 1
        }
        ranges.replaceSubrange(low..<end, with: CollectionOfOne(lower..<upper))
        return (range.upperBound - range.lowerBound) - alreadyCovered
    }

    /// Adds every range of `other`.
    ///
    /// - Complexity: O(m · n) worst case.
    public mutating func formUnion(_ other: ByteRangeSet) {
        for range in other.ranges { insert(range) }
    }

    /// The bytes of `self` that are not in `other`.
    ///
    /// - Complexity: O(n + m).
    public func subtracting(_ other: ByteRangeSet) -> ByteRangeSet {
        var result: [Range<Int64>] = []
        var j = 0
        for range in ranges {
            var cursor = range.lowerBound
            while j < other.ranges.count, other.ranges[j].upperBound <= cursor { j += 1 }
            var k = j
            while k < other.ranges.count, other.ranges[k].lowerBound < range.upperBound {
                if other.ranges[k].lowerBound > cursor { result.append(cursor..<other.ranges[k].lowerBound) }
                cursor = Swift.max(cursor, other.ranges[k].upperBound)
                k += 1
            }
            if cursor < range.upperBound { result.append(cursor..<range.upperBound) }
        }
        return ByteRangeSet(sortedDisjoint: result)
    }

    /// The bytes in both `self` and `other`.
    ///
    /// - Complexity: O(n + m).
    public func intersection(_ other: ByteRangeSet) -> ByteRangeSet {
        var result: [Range<Int64>] = []
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            let lower = Swift.max(a.lowerBound, b.lowerBound)
            let upper = Swift.min(a.upperBound, b.upperBound)
            if lower < upper { result.append(lower..<upper) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return ByteRangeSet(sortedDisjoint: result)
    }

    /// Splits every range into pieces of at most `maximum` bytes, from each range's lower bound.
    ///
    /// - Complexity: O(n + pieces).
    public func pieces(ofAtMost maximum: Int64) -> [Range<Int64>] {
        precondition(maximum > 0, "piece size must be positive")
        var result: [Range<Int64>] = []
        for range in ranges {
            var offset = range.lowerBound
            while offset < range.upperBound {
                let end = Swift.min(offset + maximum, range.upperBound)
                result.append(offset..<end)
                offset = end
            }
        }
        return result
    }

    private init(sortedDisjoint: [Range<Int64>]) {
        self.ranges = []
        for range in sortedDisjoint { insert(range) }
    }

    private static func overlap(_ a: Range<Int64>, _ b: Range<Int64>) -> Int64 {
        Swift.max(0, Swift.min(a.upperBound, b.upperBound) - Swift.max(a.lowerBound, b.lowerBound))
    }
}
