import Foundation

/// Runs `body` for every element on up to `jobs` threads and returns the results in input order,
/// so a sweep's output does not depend on which worker finished first.
///
/// Each job is independent (a simulated run owns its whole world), so plain threads are enough. Used by sweeps and
/// by the planner's per-seed searches.
/// - Complexity: O(n) scheduling overhead; the work itself is `body`'s.
public func parallelMap<Element: Sendable, Result: Sendable>(
    _ elements: [Element],
    jobs: Int,
    _ body: @escaping @Sendable (Element) throws -> Result
) throws -> [Result] {
    let box = ResultsBox<Result>(count: elements.count)
    let workers = max(1, min(jobs, elements.count))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let index = box.claim() {
            do {
                box.store(.success(try body(elements[index])), at: index)
            } catch {
                box.store(.failure(error), at: index)
            }
        }
    }
    return try box.results()
}

private final class ResultsBox<Result>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [Swift.Result<Result, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        defer { next += 1 }
        return next
    }

    func store(_ result: Swift.Result<Result, any Error>, at index: Int) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func results() throws -> [Result] {
        try slots.map { slot in
            guard let slot else { preconditionFailure("parallelMap: a job was never run") }
            return try slot.get()
        }
    }
}
