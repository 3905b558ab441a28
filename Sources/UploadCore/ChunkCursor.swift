/// Sorted, disjoint ranges of one disk, cut into pieces of at most `pieceBytes` on demand, in the order
/// ``ByteRangeSet/pieces(ofAtMost:)`` gives them, without holding the pieces.
struct ChunkCursor: Hashable, Sendable {
    private(set) var disk = 0
    private var ranges: [Range<Int64>] = []
    private var pieceBytes: Int64 = 1
    private var index = 0
    private var offset: Int64 = 0
    /// Pieces not cut yet.
    private(set) var remainingPieces = 0

    init() {}

    init(disk: Int, ranges: [Range<Int64>], pieceBytes: Int64) {
        precondition(pieceBytes > 0, "piece size must be positive")
        self.disk = disk
        self.ranges = ranges
        self.pieceBytes = pieceBytes
        offset = ranges.first?.lowerBound ?? 0
        remainingPieces = ranges.reduce(0) { count, range in
            let length = range.upperBound - range.lowerBound
            return count + Int((length + pieceBytes - 1) / pieceBytes)
        }
    }

    /// The next piece, or `nil` when all are cut.
    /// - Complexity: O(1) amortised.
    mutating func next() -> Range<Int64>? {
        while index < ranges.count, offset >= ranges[index].upperBound {
            index += 1
            if index < ranges.count { offset = ranges[index].lowerBound }
        }
        guard index < ranges.count else { return nil }
        let end = Swift.min(offset + pieceBytes, ranges[index].upperBound)
        defer { offset = end }
        remainingPieces -= 1
        return offset..<end
    }
}

/// Chunks of one disk for one purpose that are not cut yet, with the IDs reserved for them: chunk `k` of the cursor
/// gets `nextID + k`, so cutting late gives the IDs cutting everything at once would have.
struct UncutChunks: Hashable, Sendable {
    var cursor: ChunkCursor
    let purpose: ChunkPurpose
    var nextID: UInt64
}
