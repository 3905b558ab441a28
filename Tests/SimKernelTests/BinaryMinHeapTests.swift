import SimKernel
import TestHarness
import Testing

private struct Key: HeapElement, Equatable {
    var value: Int
    func precedes(_ other: Key) -> Bool { value < other.value }
}

/// Pushes random keys, removes some with `removeAll(where:)` at random moments, and checks that pops come out
/// sorted and hold exactly the keys that were kept.
@Test(.cpuBound, arguments: 0..<40)
func heapPopsInOrderAfterRemovingSomeElements(seed: Int) {
    var random = RandomStreams(rootSeed: UInt64(seed)).stream("heap")
    var heap = BinaryMinHeap<Key>()
    var expected: [Int] = []
    let steps = random.uniformInt(in: 0...300)
    for _ in 0..<steps {
        let value = random.uniformInt(in: 0...1_000)
        heap.push(Key(value: value))
        expected.append(value)
        if random.uniform() < 0.05 {
            let modulus = random.uniformInt(in: 2...5)
            heap.removeAll { $0.value % modulus == 0 }
            expected.removeAll { $0 % modulus == 0 }
        }
    }
    var popped: [Int] = []
    while let top = heap.popTop() { popped.append(top.value) }
    #expect(popped == expected.sorted(), "reproduce with seed \(seed)")
}
