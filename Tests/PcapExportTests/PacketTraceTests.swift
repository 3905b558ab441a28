import Foundation
import Results
import Scenario
import SimDriver
import TestHarness
import Testing

/// The driver's packet trace without a capture file: order, per-connection life cycle, byte conservation.
@Suite(.cpuBound) struct PacketTraceTests {
    final class Collector {
        var events: [PacketTraceEvent] = []
    }

    struct SinkFailure: Error {}

    static func document(_ yaml: String = ExportSupport.scenarioYAML(duration: "6s")) throws -> ScenarioDocument {
        try ScenarioLoader.parse(yaml: yaml, file: "trace.yaml").document
    }

    static func trace(_ document: ScenarioDocument, selection: PacketTrace.Selection = .init()) throws
        -> (RunResult, PacketTrace, [PacketTraceEvent])
    {
        let collector = Collector()
        let trace = PacketTrace(selection: selection) { collector.events.append($0) }
        let result = try SimDriver.run(document, packetTrace: trace)
        return (result, trace, collector.events)
    }

    /// Checks the exporter's contract on the events: time order, open before use, nothing after reset or close.
    static func checkLifeCycle(_ events: [PacketTraceEvent]) {
        var last = Int64.min
        var state: [Int: Bool] = [:]  // connection → open
        for event in events {
            #expect(event.at >= last, "\(event) is earlier than \(last)")
            last = event.at
            switch event {
            case .connectionOpened(let id, _, _, _, _, _):
                #expect(state[id] == nil, "connection \(id) opened twice")
                state[id] = true
            case .requestSent(let id, _, _, _, _, _, _), .responseReceived(let id, _, _):
                #expect(state[id] == true, "\(event) on a connection that is not open")
            case .connectionReset(let id, _), .connectionClosed(let id, _):
                #expect(state[id] == true, "\(event) on a connection that is not open")
                state[id] = false
            }
        }
        #expect(state.values.allSatisfy { !$0 }, "connections left open at the end")
    }

    @Test func eventsAreOrderedAndCarryExactlyTheDeliveredBytes() throws {
        let (result, trace, events) = try Self.trace(try Self.document())
        Self.checkLifeCycle(events)
        #expect(trace.failure == nil)
        #expect(trace.summary.connections == 12 && trace.summary.resets == 0)
        #expect(trace.summary.events == events.count)
        var bytes: Int64 = 0
        var requests = 0
        for case .requestSent(_, _, let at, let path, let header, let body, let rates) in events {
            requests += 1
            bytes += Int64(header) + body
            #expect(path.hasPrefix("/replica/vm") && path.hasSuffix(".vhd?comp=page"))
            let bits = rates.reduce(0.0) { $0 + $1.bitsPerSecond * Double($1.endNanos - $1.startNanos) / 1e9 }
            #expect(abs(bits - Double(body) * 8) <= 1e-6 * Double(body) * 8 + 64, "rates carry \(bits) of \(body * 8)")
            #expect(rates.allSatisfy { $0.startNanos >= at && $0.endNanos > $0.startNanos && $0.bitsPerSecond > 0 })
            #expect(zip(rates, rates.dropFirst()).allSatisfy { $0.endNanos <= $1.startNanos })
        }
        #expect(bytes == result.bytesOnWire)
        #expect(requests == trace.summary.requests && requests > 12)
        let rateChanges = events.reduce(0) {
            if case .requestSent(_, _, _, _, _, _, let rates) = $1 { return $0 + rates.count }
            return $0
        }
        #expect(rateChanges > requests, "rates never changed within a transfer")
    }

    /// A host restart resets its VM's connections, a throttling storm answers 503 to header-only requests.
    @Test func hostRestartAndThrottlingKeepTheLifeCycle() throws {
        let faults = """
            faults:
              - hostRestart: {host: h1, at: 2s, downFor: 1s}
              - throttlingStorm: {at: 1s, for: 2s, forced503: 50%}
            """
        let document = try Self.document(ExportSupport.scenarioYAML(duration: "6s", faults: faults))
        let (result, trace, events) = try Self.trace(document)
        Self.checkLifeCycle(events)
        #expect(result.throttledRequests > 0)
        var busy = 0
        var bytes: Int64 = 0
        for event in events {
            switch event {
            case .responseReceived(_, _, let status): busy += status == 503 ? 1 : 0
            case .requestSent(_, _, _, _, let header, let body, _): bytes += Int64(header) + body
            case .connectionOpened, .connectionReset, .connectionClosed: break
            }
        }
        #expect(busy == result.throttledRequests)
        #expect(trace.summary.resets >= 4, "VM 0's four connections reset when its host went down")
        #expect(bytes - 500 * Int64(busy) == result.bytesOnWire, "503 requests carry only their 500-byte header")
    }

    @Test func tracingDoesNotChangeTheRunAndSinkErrorsAreKept() throws {
        let document = try Self.document()
        let plain = try SimDriver.run(document)
        var calls = 0
        let trace = PacketTrace { _ in
            calls += 1
            if calls == 5 { throw SinkFailure() }
        }
        let traced = try SimDriver.run(document, packetTrace: trace)
        #expect(traced == plain)
        #expect(trace.failure is SinkFailure)
        #expect(calls == 5 && trace.summary.events == 4, "the trace stops at the first sink error")
    }

    @Test func selectionKeepsTheChosenVMsAndTheWindow() throws {
        let window: ClosedRange<Int64> = 2_000_000_000...3_000_000_000
        let (_, _, events) = try Self.trace(try Self.document(), selection: .init(window: window, vms: [0, 2]))
        Self.checkLifeCycle(events)
        var requests = 0
        for event in events {
            switch event {
            case .connectionOpened(_, let vm, let client, let server, _, _):
                #expect(vm == 0 || vm == 2)
                #expect(client.description.hasPrefix(vm == 0 ? "10.0.0.1:" : "10.0.0.3:"))
                #expect(server.description == "203.0.113.10:80")
            case .requestSent(_, let vm, let at, _, _, _, let rates):
                requests += 1
                #expect(vm == 0 || vm == 2)
                #expect(at <= window.upperBound && (rates.last?.endNanos ?? at) >= window.lowerBound)
            case .responseReceived(_, let at, _):
                #expect(window.contains(at))
            case .connectionReset, .connectionClosed:
                break
            }
        }
        #expect(requests > 0)
    }
}
