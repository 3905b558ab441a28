import Foundation
import Testing

/// Runs the tests of a suite on a pool of their own threads, one per core, instead of Swift's cooperative pool.
///
/// swift-testing runs every test as a task on the cooperative pool, which has one thread per core (two on the
/// build machine), and a task that simulates for a minute keeps its thread for that minute. When the CPU-bound
/// suites (simulations, fuzz-like loops over thousands of inputs) held both threads, the tests that wait on
/// something — an in-process blob server, a `/metrics` poll during a live run, a subprocess — could not run for
/// minutes, and timed out or missed what they watched. With this trait the CPU-bound suites queue on a pool of
/// the same width that the kernel schedules beside the cooperative one, so waiting tests always get a thread;
/// the total work and the CPU-bound tests' throughput are unchanged.
///
///     @Suite(.cpuBound) struct SweepTests { … }
public struct CPUBoundTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(ThreadPoolExecutor.shared) { try await function() }
    }
}

extension Trait where Self == CPUBoundTrait {
    /// Run on the CPU-bound pool (see `CPUBoundTrait`).
    public static var cpuBound: Self { CPUBoundTrait() }
}

/// Runs each test of a suite on a thread of its own, for tests that watch something happen in real time (a
/// counter that moves during a run of a few seconds) and must not wait for a thread while it happens: whatever
/// the other tests do with the shared pools, the test's own code, and the continuations it awaits, run at once.
public struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        let executor = ThreadPoolExecutor(threads: 1)
        defer { executor.shutDown() }
        try await withTaskExecutorPreference(executor) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Run each test on a thread of its own (see `OwnThreadTrait`).
    public static var ownThread: Self { OwnThreadTrait() }
}

/// A task executor of a fixed number of threads that take jobs first in, first out, until it is shut down.
public final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = ThreadPoolExecutor(threads: ProcessInfo.processInfo.activeProcessorCount)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var next = 0  // index of the oldest job in `jobs`
    private var shuttingDown = false

    init(threads: Int) {
        for index in 0..<max(1, threads) {
            let thread = Thread { self.work() }
            thread.name = "test-pool-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the threads end once the jobs already enqueued have run.
    public func shutDown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while next == jobs.count && !shuttingDown { condition.wait() }
            if next == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[next]
            next += 1
            if next == jobs.count {  // drained: reuse the storage
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
