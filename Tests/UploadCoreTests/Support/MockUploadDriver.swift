@testable import UploadCore

/// An illegal action (or driver call) caught by ``MockUploadDriver``.
struct MockDriverViolation: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A driver for tests that keeps its own model of threads, timers, chunks in flight, the journal, sealed and
/// committed cycles, and throws on any action the core must never emit (modelled on async-http-client's
/// `MockConnectionPool`): a chunk started on a busy thread, a chunk acknowledged twice, an acknowledgement not
/// journaled, a cycle committed out of order or before all its bytes are journaled, a disk completed out of
/// order or with bytes missing, a timer armed twice or cancelled while unarmed.
///
/// Time only moves when the test says so (`advance(to:)`) or when a timer fires (`fireNextTimer()`).
/// It never sleeps. Tests end with ``assertQuiescent(allowCycleTimer:)``.
struct MockUploadDriver {
    let configuration: UploadCoreConfiguration
    var core: UploadCore
    var now: Int64
    /// The model of each thread: the chunk it is sending.
    var threads: [ChunkRequest?]
    /// Armed timers and their deadlines (looked up, never iterated for order).
    var timers: [TimerID: Int64] = [:]
    /// The durable journal, as a live driver would keep it across restarts.
    var journal: [JournalRecord] = []

    var starts: [(at: Int64, request: ChunkRequest)] = []
    var commits: [CycleCommit] = []
    var initialReplicationOrder: [Int] = []
    var resyncsStarted: [Int] = []
    var resyncsCompleted: [Int] = []
    var finished = false
    var failed = false
    var restarts = 0
    /// Bytes in flight, summed over the restarts, at the moment of each restart.
    var bytesInFlightAtRestarts: Int64 = 0
    /// Bytes started again after a restart that had been in flight (unacknowledged) at a restart.
    var bytesResentAfterRestartsSeen: Int64 = 0
    /// Acknowledged chunk IDs (by the mock, over the whole run).
    var acknowledged = Set<ChunkID>()
    var maxConcurrentInFlight = 0

    var ackAwaitingJournal = Set<ChunkID>()
    var journaledAcks = Set<ChunkID>()
    var sealedCycles: [Int: CycleRecord] = [:]
    var lastSealed = 0
    var superseded = Set<Int>()
    var committedCycles = Set<Int>()
    var cycleAcked: [Int: [ByteRangeSet]] = [:]
    var initialAcked: [ByteRangeSet]
    var initialCompleted: [Bool]
    var pendingCommitRecord: Int?
    var pendingInitialRecord: Int?
    var abandoned: [ByteRangeSet]
    var startedSinceJournalRecord: ChunkID?

    /// A driver around a fresh core, not yet started.
    init(configuration: UploadCoreConfiguration, now: Int64 = 0) {
        self.configuration = configuration
        self.core = UploadCore(configuration: configuration)
        self.now = now
        self.threads = Array(repeating: nil, count: configuration.threadsPerVM)
        self.initialAcked = Array(repeating: ByteRangeSet(), count: configuration.disks.count)
        self.initialCompleted = Array(repeating: !configuration.initialReplication, count: configuration.disks.count)
        self.abandoned = Array(repeating: ByteRangeSet(), count: configuration.disks.count)
    }

    /// Chunks in flight, by thread.
    var inFlight: [ChunkRequest] { threads.compactMap { $0 } }

    /// The committed cycle numbers, in commit order.
    var committedOrder: [Int] { commits.map(\.cycle) }

    mutating func start() throws {
        try apply(core.start(now: now))
    }

    mutating func advance(to time: Int64) throws {
        guard time >= now else { throw MockDriverViolation("time went backwards: \(time) < \(now)") }
        now = time
    }

    mutating func advance(by nanos: Int64) throws {
        try advance(to: now + nanos)
    }

    /// Storage acknowledges `id` now.
    mutating func succeed(_ id: ChunkID) throws {
        let request = try takeInFlight(id)
        guard acknowledged.insert(id).inserted else { throw MockDriverViolation("\(id) acknowledged twice") }
        let stale = request.purpose.cycle.map { superseded.contains($0) } ?? false
        if !stale, !failed { ackAwaitingJournal.insert(id) }
        try apply(core.chunkSucceeded(id, now: now))
    }

    /// `id` fails now with `reason`.
    mutating func fail(_ id: ChunkID, _ reason: ChunkFailure) throws {
        _ = try takeInFlight(id)
        try apply(core.chunkFailed(id, reason: reason, now: now))
    }

    /// The VM writes `range` of `disk` now.
    mutating func write(disk: Int, _ range: Range<Int64>) throws {
        try apply(core.changesRecorded(disk: disk, range: range, now: now))
    }

    /// The earliest armed timer's deadline (ties: cycle, backoff, pacing).
    var nextTimer: (TimerID, Int64)? {
        var best: (TimerID, Int64)?
        for timer in [TimerID.cycle, .backoff, .pacing] {
            guard let at = timers[timer] else { continue }
            if let (_, bestAt) = best, bestAt <= at { continue }
            best = (timer, at)
        }
        return best
    }

    /// Moves time to the earliest armed timer and fires it; returns false if none is armed.
    @discardableResult
    mutating func fireNextTimer() throws -> Bool {
        guard let (timer, at) = nextTimer else { return false }
        timers[timer] = nil
        now = Swift.max(now, at)
        try apply(core.timerFired(timer, now: now))
        return true
    }

    /// Acknowledges every chunk in flight (lowest thread first) and fires timers, until `done` holds or nothing
    /// is left to do; throws after `maxSteps` steps.
    mutating func drain(maxSteps: Int = 1_000_000, until done: (MockUploadDriver) -> Bool = { _ in false }) throws {
        var steps = 0
        while !done(self) {
            steps += 1
            guard steps <= maxSteps else { throw MockDriverViolation("drain did not settle in \(maxSteps) steps") }
            if let first = inFlight.first {
                try succeed(first.id)
            } else if finished || failed {
                return
            } else if !(try fireNextTimer()) {
                return
            }
        }
    }

    /// The host restarts now: chunks in flight and timers are lost, the core is rebuilt from the journal.
    mutating func restart(openLog: [DiskRanges] = []) throws {
        guard ackAwaitingJournal.isEmpty else { throw MockDriverViolation("restart with unjournaled acks") }
        for request in inFlight {
            bytesInFlightAtRestarts += request.length
            abandoned[request.disk].insert(request.offset..<(request.offset + request.length))
        }
        threads = Array(repeating: nil, count: configuration.threadsPerVM)
        timers = [:]
        restarts += 1
        core = try UploadCore(configuration: configuration, recoveringFrom: journal, openLog: openLog)
        try apply(core.start(now: now))
    }

    /// Throws unless nothing is in flight, every acknowledgement is journaled, and no timer is armed (but the
    /// cycle timer, if allowed).
    func assertQuiescent(allowCycleTimer: Bool = false) throws {
        if let busy = inFlight.first { throw MockDriverViolation("left over in flight: \(busy)") }
        guard ackAwaitingJournal.isEmpty else { throw MockDriverViolation("left over unjournaled acks") }
        for timer in [TimerID.cycle, .backoff, .pacing] where timers[timer] != nil {
            if timer == .cycle, allowCycleTimer { continue }
            throw MockDriverViolation("left over timer \(timer)")
        }
        guard core.queueDepth == 0 else { throw MockDriverViolation("left over queue of \(core.queueDepth)") }
        guard core.stats.bytesAcknowledged <= core.stats.bytesPlanned else {
            throw MockDriverViolation(
                "acknowledged \(core.stats.bytesAcknowledged) > planned \(core.stats.bytesPlanned)")
        }
    }

    private mutating func takeInFlight(_ id: ChunkID) throws -> ChunkRequest {
        guard let thread = threads.firstIndex(where: { $0?.id == id }), let request = threads[thread] else {
            throw MockDriverViolation("\(id) is not in flight")
        }
        threads[thread] = nil
        return request
    }
}
