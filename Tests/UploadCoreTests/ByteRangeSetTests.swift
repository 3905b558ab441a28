import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct ByteRangeSetTests {
    @Test func insertMergesOverlappingAndTouchingRanges() {
        var set = ByteRangeSet()
        #expect(set.insert(0..<10) == 10)
        #expect(set.insert(20..<30) == 10)
        #expect(set.insert(10..<20) == 10)
        #expect(set.ranges == [0..<30])
        #expect(set.insert(5..<40) == 10)
        #expect(set.ranges == [0..<40])
        #expect(set.insert(50..<60) == 10)
        #expect(set.totalBytes == 50)
    }

    @Test func subtractIntersectAndPieces() {
        let set = ByteRangeSet([0..<100, 200..<300])
        let other = ByteRangeSet([50..<250])
        #expect(set.subtracting(other).ranges == [0..<50, 250..<300])
        #expect(set.intersection(other).ranges == [50..<100, 200..<250])
        #expect(ByteRangeSet([0..<10]).pieces(ofAtMost: 4) == [0..<4, 4..<8, 8..<10])
    }

    @Test func agreesWithABitmapOnRandomOperations() {
        var generator = SplitMix64(seed: 7)
        for round in 0..<200 {
            var bits = Array(repeating: false, count: 256)
            var set = ByteRangeSet()
            for _ in 0..<8 {
                let lower = Int64.random(in: 0..<256, using: &generator)
                let upper = Int64.random(in: lower...256, using: &generator)
                let before = bits.filter { $0 }.count
                for i in lower..<upper { bits[Int(i)] = true }
                let added = set.insert(lower..<upper)
                #expect(added == Int64(bits.filter { $0 }.count - before), "reproduce with seed 7, round \(round)")
            }
            let cut = ByteRangeSet([64..<128, 200..<210])
            let expected = (0..<256).filter { bits[$0] && !((64..<128).contains($0) || (200..<210).contains($0)) }
            #expect(set.subtracting(cut).totalBytes == Int64(expected.count), "reproduce with seed 7, round \(round)")
            #expect(set.subtracting(cut).totalBytes + set.intersection(cut).totalBytes == set.totalBytes)
        }
    }
}
