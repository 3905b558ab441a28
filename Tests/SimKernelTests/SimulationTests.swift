import TestHarness
import Testing

@testable import SimKernel

struct Tick: TraceableEvent, Equatable {
    var id: UInt64
    var traceCode: UInt64 { id }
}

@Test(.cpuBound) func timeConversionsRoundAndSaturate() {
    #expect(SimTime.seconds(1.5).nanoseconds == 1_500_000_000)
    #expect(SimTime.milliseconds(10).nanoseconds == 10_000_000)
    #expect(SimDuration.seconds(0.9).nanoseconds == 900_000_000)
    #expect(SimTime.seconds(1e300) == .distantFuture)
    #expect((SimTime.distantFuture + .seconds(1)) == .distantFuture)
    #expect(SimTime.seconds(2) - SimTime.seconds(0.5) == .milliseconds(1500))
}

@Test(.cpuBound) func queueOrdersByTimeThenInsertion() {
    var queue = EventQueue<Int>()
    queue.push(3, at: .seconds(2))
    queue.push(1, at: .seconds(1))
    queue.push(2, at: .seconds(1))
    queue.push(0, at: .zero)
    var order: [Int] = []
    while let (_, _, payload) = queue.popFirst() { order.append(payload) }
    #expect(order == [0, 1, 2, 3])
}

@Test(.cpuBound) func queueMatchesSortedOrderOnRandomInput() {
    let seed: UInt64 = 42
    var random = RandomStream(seed: seed)
    var queue = EventQueue<Int>()
    var expected: [(Int64, Int)] = []
    for index in 0..<5_000 {
        let time = Int64(random.uniform(below: 100))
        queue.push(index, at: .nanoseconds(time))
        expected.append((time, index))
    }
    expected.sort { ($0.0, $0.1) < ($1.0, $1.1) }
    var popped: [(Int64, Int)] = []
    while let (time, _, payload) = queue.popFirst() { popped.append((time.nanoseconds, payload)) }
    #expect(popped.map(\.1) == expected.map(\.1), "reproduce with seed \(seed)")
}

@Test(.cpuBound) func cancelledEventsDoNotRun() {
    let sim = Simulation<Tick>()
    sim.schedule(at: .seconds(1), Tick(id: 1))
    let handle = sim.schedule(at: .seconds(2), Tick(id: 2))
    sim.schedule(at: .seconds(3), Tick(id: 3))
    sim.cancel(handle)
    var seen: [UInt64] = []
    let reason = sim.run { _, event in seen.append(event.id) }
    #expect(seen == [1, 3])
    #expect(reason == .queueEmpty)
    sim.cancel(handle)  // cancelling again, after the run: a no-op
}

@Test(.cpuBound) func runStopsAtTimeBudgetAndPredicate() {
    let sim = Simulation<Tick>()
    for second in 1...10 { sim.schedule(at: .seconds(Double(second)), Tick(id: UInt64(second))) }
    #expect(sim.run(until: .seconds(3.5)) { _, _ in } == .reachedTime)
    #expect(sim.now == .seconds(3.5))
    #expect(sim.eventCount == 3)
    #expect(sim.run(maxEvents: 2) { _, _ in } == .eventBudget)
    #expect(sim.eventCount == 5)
    #expect(sim.run(stopWhen: { $0.now >= .seconds(7) }) { _, _ in } == .predicate)
    #expect(sim.now == .seconds(7))
}

@Test(.cpuBound) func handlerCanScheduleAndPastTimesClampToNow() {
    let sim = Simulation<Tick>()
    sim.schedule(at: .seconds(1), Tick(id: 1))
    var times: [SimTime] = []
    sim.run { sim, event in
        times.append(sim.now)
        if event.id < 3 { sim.schedule(at: .zero, Tick(id: event.id + 1)) }
    }
    #expect(times == [.seconds(1), .seconds(1), .seconds(1)])
}

@Test(.cpuBound) func traceHashDependsOnTimesAndCodesNotSequence() {
    func hash(_ events: [(Double, UInt64)]) -> UInt64 {
        let sim = Simulation<Tick>()
        for (time, id) in events { sim.schedule(at: .seconds(time), Tick(id: id)) }
        sim.run { _, _ in }
        return sim.traceHash
    }
    let base = hash([(1, 1), (2, 2), (3, 3)])
    #expect(base == hash([(3, 3), (1, 1), (2, 2)]))  // same happenings, other scheduling order
    #expect(base != hash([(1, 1), (2, 2), (3, 4)]))
    #expect(base != hash([(1, 1), (2.000000001, 2), (3, 3)]))
    var hooked: [UInt64] = []
    let sim = Simulation<Tick>()
    sim.traceHook = { _, event in hooked.append(event.id) }
    sim.schedule(at: .seconds(1), Tick(id: 9))
    sim.run { _, _ in }
    #expect(hooked == [9])
}
