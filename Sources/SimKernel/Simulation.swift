/// An event payload the kernel can trace: `traceCode` must be a deterministic function of the event's content
/// (never Swift's `hashValue`, which is seeded per process).
public protocol TraceableEvent {
    /// A code identifying what the event is (kind and arguments), independent of its sequence number.
    var traceCode: UInt64 { get }
}

/// Why `Simulation.run` returned.
public enum StopReason: String, Sendable, Equatable {
    /// No event was left.
    case queueEmpty
    /// The next event lies after the `until` time; `now` was moved to `until`.
    case reachedTime
    /// `maxEvents` events ran.
    case eventBudget
    /// The `stopWhen` predicate returned true after an event.
    case predicate
}

/// A discrete-event run loop over a payload type: a clock, an `EventQueue` and a trace.
///
/// ```swift
/// let sim = Simulation<MyEvent>()
/// sim.schedule(at: .seconds(1), .tick)
/// let reason = sim.run(until: .seconds(10)) { sim, event in /* handle; may schedule more */ }
/// ```
///
/// Determinism: events run in `(time, sequence)` order; `traceHash` folds `(time, traceCode)` of every event
/// that ran into a 64-bit rolling hash, so two runs that did the same things at the same instants have
/// equal hashes. The hash ignores sequence numbers, so scheduling-order changes that do not change what
/// happened when do not change it.
///
/// A reference type so the handler can schedule while the loop runs; not `Sendable` (one run, one thread).
public final class Simulation<Event: TraceableEvent> {
    /// The current virtual time: the time of the event being handled, or where the last run stopped.
    @inlinable public var now: SimTime { currentTime }
    /// Events handled so far.
    @inlinable public var eventCount: Int { handledCount }
    /// Rolling hash of `(time, traceCode)` of every handled event.
    @inlinable public var traceHash: UInt64 { rollingHash }
    /// Called before each event is handled (for logs and golden traces); nil costs nothing.
    public var traceHook: ((SimTime, Event) -> Void)?

    @usableFromInline var currentTime: SimTime = .zero
    @usableFromInline var handledCount: Int = 0
    @usableFromInline var rollingHash: UInt64 = TraceHash.seed
    @usableFromInline var queue = EventQueue<Event>()

    public init() {}

    /// Schedules an event; a time in the past is an error of the caller and runs at `now` instead (documented
    /// clamp, so time never goes backwards).
    /// - Complexity: O(log n).
    @inlinable @discardableResult
    public func schedule(at time: SimTime, _ event: Event) -> EventHandle {
        queue.push(event, at: Swift.max(time, now))
    }

    /// Schedules an event `delay` after `now`.
    /// - Complexity: O(log n).
    @inlinable @discardableResult
    public func schedule(after delay: SimDuration, _ event: Event) -> EventHandle {
        schedule(at: now + delay, event)
    }

    /// Cancels a scheduled event; a no-op if it already ran.
    /// - Complexity: O(1) amortised.
    @inlinable public func cancel(_ handle: EventHandle) { queue.cancel(handle) }

    /// The time of the next pending event, if any.
    @inlinable public func nextEventTime() -> SimTime? { queue.peekTime() }

    /// Runs events in order until a stop condition holds.
    /// - Parameters:
    ///   - until: events at times `<= until` run; then `now` becomes `until` (if the queue did not empty first).
    ///   - maxEvents: stop after this many events in this call.
    ///   - stopWhen: checked after every event.
    ///   - handler: handles one event; may schedule and cancel.
    /// - Complexity: O(k log n) for k events.
    @inlinable @discardableResult
    public func run(
        until: SimTime = .distantFuture,
        maxEvents: Int = .max,
        stopWhen: ((Simulation<Event>) -> Bool)? = nil,
        handler: (Simulation<Event>, Event) -> Void
    ) -> StopReason {
        var handled = 0
        while true {
            if handled >= maxEvents { return .eventBudget }
            guard let time = queue.peekTime() else { return .queueEmpty }
            if time > until {
                currentTime = Swift.max(currentTime, until)
                return .reachedTime
            }
            guard let (eventTime, _, event) = queue.popFirst() else { return .queueEmpty }
            currentTime = eventTime
            handledCount += 1
            handled += 1
            rollingHash = TraceHash.combine(rollingHash, time: eventTime, code: event.traceCode)
            traceHook?(eventTime, event)
            handler(self, event)
            if let stopWhen, stopWhen(self) { return .predicate }
        }
    }
}

/// The rolling trace hash: FNV-1a-style folding of 64-bit words, each word first mixed with the SplitMix64
/// finaliser so that nearby times and codes spread over all bits.
///
/// - Complexity: O(1) per event.
public enum TraceHash {
    /// The FNV-1a 64-bit offset basis.
    public static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Folds one `(time, code)` pair into `hash`.
    @inlinable public static func combine(_ hash: UInt64, time: SimTime, code: UInt64) -> UInt64 {
        var h = hash
        h = (h ^ SplitMix64.mix(UInt64(bitPattern: time.nanoseconds))) &* 0x0000_0100_0000_01b3
        h = (h ^ SplitMix64.mix(code)) &* 0x0000_0100_0000_01b3
        return h
    }
}
