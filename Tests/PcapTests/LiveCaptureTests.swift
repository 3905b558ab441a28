import Foundation
import Testing
@testable import Pcap

/// Captures a real loopback transfer with libpcap and calibrates on it. Needs capture rights (root here):
/// without them the test fails with `PcapError.permissionDenied`, it does not skip.
@Suite struct LiveCaptureTests {
    static let connections = 3
    static let requestsPerConnection = 2
    static let bodyBytes = 2 << 20
    /// Each client paces its bodies at this rate, so the throughput calibration must find is known.
    static let pacedRate = 80e6

    @Test func loopbackTransferIsCapturedAndCalibrated() throws {
        let (listener, port) = try Loopback.listen()
        defer { close(listener) }
        let path = TestSupport.temporaryPath("live.pcap")
        let capture = try PcapCapture.start(interface: "lo", filter: "tcp port \(port)", path: path, snaplen: 256)
        let written = Locked(0)
        let received = Locked(0)
        let failures = Locked<[String]>([])
        let group = DispatchGroup()
        let connected = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        for _ in 0..<Self.connections {
            connected.enter()
            Self.onThread(group) {
                do {
                    let n = try Loopback.upload(port: port, requests: Self.requestsPerConnection,
                                                bodyBytes: Self.bodyBytes, bitsPerSecond: Self.pacedRate,
                                                connected: connected, go: go)
                    written.withLock { $0 += n }
                } catch {
                    failures.withLock { $0.append("client: \(error)") }
                }
            }
        }
        for _ in 0..<Self.connections {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                failures.withLock { $0.append("accept failed") }
                break
            }
            Self.onThread(group) {
                do {
                    let n = try Loopback.serve(fd)
                    received.withLock { $0 += n }
                } catch {
                    failures.withLock { $0.append("server: \(error)") }
                }
            }
        }
        connected.wait()
        for _ in 0..<Self.connections { go.signal() }
        group.wait()
        let stats = try capture.stop()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let totalBody = Self.connections * Self.requestsPerConnection * Self.bodyBytes
        #expect(received.withLock { $0 } == totalBody)
        #expect(stats.dropped == 0, "the capture dropped \(stats.dropped) packets; results below are incomplete")

        let report = try Calibration.analyze(path: path)
        let d = try #require(report.primary)
        #expect(d.server.description == "127.0.0.1:\(port)")
        #expect(d.connections == Self.connections)
        #expect((1...Self.connections).contains(d.maxConcurrentConnections))
        let uniqueUpload = d.flows.reduce(0) { $0 + $1.uploadBytes - $1.retransmittedBytes }
        #expect(uniqueUpload == Int64(written.withLock { $0 }),
                "captured upload payload (without retransmissions) must equal what the clients wrote")
        #expect(d.requests == Self.connections * Self.requestsPerConnection)
        #expect(d.typicalRequestBytes == Int64(Self.bodyBytes))
        #expect(d.handshakeRTTNanos != nil)
        // The clients pace at 80 Mbit/s each; over a flow's active time the capture must show that rate
        // (15 %: the shaper's schedule is N-1 intervals for N writes, and a loaded machine sends late).
        for flow in d.flows {
            let rate = try #require(flow.bitsPerSecond)
            #expect(abs(rate - Self.pacedRate) <= 0.15 * Self.pacedRate, "flow \(flow.client): \(rate) bit/s")
        }
        let aggregate = try #require(d.aggregateBitsPerSecond)
        let expected = Self.pacedRate * Double(d.maxConcurrentConnections)
        #expect(abs(aggregate - expected) <= 0.15 * expected, "aggregate \(aggregate) bit/s vs \(expected)")
        print(report.summaryText())
    }

    /// Runs blocking socket work on its own thread (GCD's pool would starve the servers behind the clients).
    static func onThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }

    @Test func missingInterfaceAndBadFilterGiveClearErrors() throws {
        let path = TestSupport.temporaryPath("never.pcap")
        #expect { try PcapCapture.start(interface: "nosuch0", filter: "tcp", path: path) } throws: { error in
            guard case PcapError.noSuchInterface(let name, _) = error else { return false }
            return name == "nosuch0"
        }
        #expect { try PcapCapture.start(interface: "lo", filter: "tcp port banana", path: path) } throws: { error in
            guard case PcapError.captureFailed(_, let reason) = error else { return false }
            return reason.contains("banana")
        }
    }
}
