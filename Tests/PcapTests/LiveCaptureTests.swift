import Foundation
import TestHarness
import Testing
@testable import Pcap

/// Captures a real loopback transfer with libpcap and calibrates on it. Needs capture rights (root here):
/// without them the test fails with `PcapError.permissionDenied`, it does not skip.
@Suite(.cpuBound) struct LiveCaptureTests {
    static let connections = 3
    static let requestsPerConnection = 2
    static let bodyBytes = 2 << 20
    /// Each client paces its bodies at this rate, so the throughput calibration must find is known.
    static let pacedRate = 80e6

    @Test func loopbackTransferIsCapturedAndCalibrated() async throws {
        let (listener, port) = try Loopback.listen()
        defer { close(listener) }
        let path = TestSupport.temporaryPath("live.pcap")
        let capture = try PcapCapture.start(interface: "lo", filter: "tcp port \(port)", path: path, snaplen: 256)
        let uploads = Locked<[Loopback.Upload]>([])
        let received = Locked(0)
        let failures = Locked<[String]>([])
        let group = DispatchGroup()
        let connected = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        for _ in 0..<Self.connections {
            connected.enter()
            Self.onThread(group) {
                do {
                    let upload = try Loopback.upload(port: port, requests: Self.requestsPerConnection,
                                                bodyBytes: Self.bodyBytes, bitsPerSecond: Self.pacedRate,
                                                connected: connected, go: go)
                    uploads.withLock { $0.append(upload) }
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
        await onOwnThread { connected.wait() }
        for _ in 0..<Self.connections { go.signal() }
        await onOwnThread { group.wait() }
        let stats = try capture.stop()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let totalBody = Self.connections * Self.requestsPerConnection * Self.bodyBytes
        #expect(received.withLock { $0 } == totalBody)
        #expect(stats.dropped == 0, "the capture dropped \(stats.dropped) packets; results below are incomplete")

        // Pauses are not left out (idle gap 60 s): the clients' own timing includes any stall a loaded
        // machine causes, and so must the capture's.
        let report = try Calibration.analyze(path: path, options: .init(idleGapNanos: 60_000_000_000))
        let d = try #require(report.primary)
        let clients = uploads.withLock { $0 }
        #expect(d.server.description == "127.0.0.1:\(port)")
        #expect(d.connections == Self.connections)
        #expect((1...Self.connections).contains(d.maxConcurrentConnections))
        let uniqueUpload = d.flows.reduce(0) { $0 + $1.uploadBytes - $1.retransmittedBytes }
        #expect(uniqueUpload == Int64(clients.reduce(0) { $0 + $1.written }),
                "captured upload payload (without retransmissions) must equal what the clients wrote")
        #expect(d.requests == Self.connections * Self.requestsPerConnection)
        #expect(d.typicalRequestBytes == Int64(Self.bodyBytes))
        #expect(d.handshakeRTTNanos != nil)
        // Each client paces at 80 Mbit/s and times its writes; the capture must show the rate it achieved
        // (15 %: the writes' clock and the capture's timestamps differ by scheduling delays).
        for client in clients {
            let flow = try #require(d.flows.first { $0.client.port == client.localPort })
            let achieved = Double(client.written * 8) / Self.seconds(client.lastWrite - client.firstWrite)
            let rate = try #require(flow.bitsPerSecond)
            #expect(abs(rate - achieved) <= 0.15 * achieved, "flow \(flow.client): \(rate) vs client \(achieved) bit/s")
        }
        let first = try #require(clients.map(\.firstWrite).min())
        let last = try #require(clients.map(\.lastWrite).max())
        let achieved = Double(clients.reduce(0) { $0 + $1.written } * 8) / Self.seconds(last - first)
        let aggregate = try #require(d.aggregateBitsPerSecond)
        #expect(abs(aggregate - achieved) <= 0.15 * achieved, "aggregate \(aggregate) vs clients \(achieved) bit/s")
        print(report.summaryText())
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Runs blocking socket work on its own thread (GCD's pool would starve the servers behind the clients).
    static func onThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        Thread {
            body()
            group.leave()
        }.start()
    }

    @Test func missingInterfaceAndBadFilterGiveClearErrors() async throws {
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
