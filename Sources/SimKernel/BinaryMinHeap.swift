/// An element of a `BinaryMinHeap`: a strict weak order by `precedes`.
public protocol HeapElement {
    /// True if `self` must come out of the heap before `other`.
    func precedes(_ other: Self) -> Bool
}

/// A binary min-heap over a contiguous array, with sift loops inside `withUnsafeMutableBufferPointer`.
/// Shared by `EventQueue` and NetModel's per-class finish points. docs/sources.md §B.5 has this layout
/// 1.4-1.5x faster than `HeapModule.Heap` (a min-max heap) for pop + push at a steady size.
///
/// Not stable by itself: elements that must keep insertion order carry a sequence number in `precedes`.
public struct BinaryMinHeap<Element: HeapElement> {
    @usableFromInline var storage: [Element] = []

    @inlinable public init() {}

    /// - Complexity: O(1).
    @inlinable public var count: Int { storage.count }
    /// - Complexity: O(1).
    @inlinable public var isEmpty: Bool { storage.isEmpty }
    /// The first element out. - Complexity: O(1).
    @inlinable public var top: Element? { storage.first }

    /// - Complexity: O(log n).
    @inlinable public mutating func push(_ element: Element) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if !element.precedes(heap[parent]) { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = element
        }
    }

    /// Removes and returns the first element. - Complexity: O(log n).
    @inlinable @discardableResult public mutating func popTop() -> Element? {
        guard let last = storage.popLast() else { return nil }
        if storage.isEmpty { return last }
        let top = storage[0]
        storage.withUnsafeMutableBufferPointer { heap in Self.siftDown(last, from: 0, in: heap) }
        return top
    }

    /// Places `element` at `start` or below it, moving smaller children up. - Complexity: O(log n).
    @inlinable @inline(__always) static func siftDown(
        _ element: Element, from start: Int, in heap: UnsafeMutableBufferPointer<Element>
    ) {
        let count = heap.count
        var parent = start
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1].precedes(heap[child]) { child += 1 }
            if !heap[child].precedes(element) { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = element
    }

    /// - Complexity: O(n); keeps capacity.
    @inlinable public mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    /// Removes the elements for which `shouldBeRemoved` is true (e.g. stale lazy-deletion entries) and restores
    /// the heap order.
    /// - Complexity: O(n).
    @inlinable public mutating func removeAll(where shouldBeRemoved: (Element) throws -> Bool) rethrows {
        try storage.removeAll(where: shouldBeRemoved)
        storage.withUnsafeMutableBufferPointer { heap in
            let count = heap.count
            guard count > 1 else { return }
            for start in stride(from: count / 2 - 1, through: 0, by: -1) {
                Self.siftDown(heap[start], from: start, in: heap)
            }
        }
    }
}
