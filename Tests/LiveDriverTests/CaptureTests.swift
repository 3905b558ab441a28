import Foundation
import Pcap
import TestHarness
import Testing

/// Whether this process may capture on `lo` (root or CAP_NET_RAW): probed once by opening a real capture.
let loopbackCaptureAllowed: Bool = {
    let path = NSTemporaryDirectory() + "replsim-capture-probe-\(UUID().uuidString).pcap"
    defer { try? FileManager.default.removeItem(atPath: path) }
    guard let capture = try? PcapCapture.start(interface: "lo", filter: "tcp port 9", path: path) else { return false }
    _ = try? capture.stop()
    return true
}()

/// `replsim live --capture`: real libpcap on the loopback interface during a real upload.
@Suite struct CaptureTests {
    /// A dense 24 MiB image with 3 threads, captured on `lo`: the pcap holds the run's 3 connections to the
    /// server's port, at least one request per 4 MiB chunk, and the bodies' bytes plus at most 2 KiB of headers per
    /// request toward the server.
    @Test(.enabled(if: loopbackCaptureAllowed, "capturing on lo needs root or CAP_NET_RAW here; test skipped"))
    func captureHoldsTheRunsConnectionsAndBodyBytes() async throws {
        try await withIngress { ingress, dir in
            let threads = 3
            let size: Int64 = 24 << 20
            let run = try await runReplsim([
                "live", "--target", ingress.url, "--threads", "\(threads)", "--generate", "24MiB",
                "--generate-path", dir.file("image.img"), "--generate-data-share", "1",
                "--capture", dir.file("run.pcap"), "--quiet", "--out", dir.file("out"),
            ])
            #expect(run.status == 0, "replsim live failed: \(run.stderr)")
            #expect(run.stdout.contains("capture: "), "no capture summary in: \(run.stdout)")
            let report = try Calibration.analyze(path: dir.file("run.pcap"))
            let toServer = report.destinations.filter { $0.server.port == UInt16(ingress.port) }
            #expect(toServer.count == 1, "destinations: \(report.destinations.map(\.server))")
            guard let server = toServer.first else { return }
            #expect(server.connections == threads, "one persistent connection per thread")
            let chunks = Int(size / (4 << 20))
            #expect(server.requests >= chunks, "\(server.requests) requests for \(chunks) chunks")
            // What the application sent: payload toward the server less TCP's retransmissions (FlowReport).
            let uploaded = server.flows.reduce(Int64(0)) { $0 + $1.uploadBytes - $1.retransmittedBytes }
            let resent = server.flows.reduce(Int64(0)) { $0 + $1.retransmittedBytes }
            // A capture starved of CPU loses packets in the kernel (libpcap's ps_drop, printed as "N dropped"); each
            // lost loopback packet hides at most one snaplen (65 535 bytes) of payload, so only that may be missing.
            // The summary line ends "…, N dropped".
            let summary = run.stdout.split(separator: "\n").first { $0.hasPrefix("capture: ") }
            let dropped = summary.flatMap { Int64($0.split(separator: " ").dropLast().last ?? "") } ?? 0
            #expect(
                uploaded >= size - dropped * 65_535,
                "captured \(uploaded) bytes toward the server, the bodies alone are \(size); \(dropped) packets dropped")
            #expect(
                uploaded <= size + Int64(server.requests) * 2048,
                """
                captured \(uploaded) bytes (\(resent) more retransmitted) toward the server for \(size) bytes of \
                bodies in \(server.requests) requests
                """
            )
        }
    }
}
