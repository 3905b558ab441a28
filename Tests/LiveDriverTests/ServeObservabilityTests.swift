import AsyncHTTPClient
import Foundation
import TestHarness
import Testing

/// A real `replsim serve` and a real `replsim live` against it, both as processes: `GET /metrics` shows the
/// counters moving while the run goes on and adds up to what the client acknowledged; `--log-level info` writes one
/// line per request.
@Suite("replsim serve observability", .serialized, .ownThread)
struct ServeObservabilityTests {
    @Test func metricsMoveDuringALiveRun() async throws {
        let dir = try TempDirectory("serve-observability")
        defer { dir.cleanUp() }
        let (serve, ready) = try await startServe(
            ["--data", dir.file("blobs"), "--log-level", "info"], output: dir.file("serve.out"),
            errors: dir.file("serve.err"))
        let serveExit = serve.exit
        defer { serve.kill() }
        let http = HTTPClient.shared

        let base = try #require(URL(string: ready)).deletingLastPathComponent().absoluteString.dropLast()
        let health = try await fetch(http, "\(base)/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        #expect(putPage(try await fetch(http, "\(base)/metrics").body) == (0, 0))

        // Initial replication of 16 MiB in 1 MiB Put Pages, then three delta cycles 2 s apart.
        let arguments = [
            "live", "--target", ready, "--threads", "4", "--generate", "16MiB", "--generate-path", dir.file("image"),
            "--generate-data-share", "1", "--chunk-size", "1MiB", "--cycles", "3", "--delta-every", "2s",
            "--churn", "4MiB/s", "--out", dir.file("out"), "--quiet",
        ]
        // As soon as the first Put Page shows, freeze the client (SIGSTOP) so that /metrics is read while the run
        // is certainly still going, however slowly this machine runs the poll; then let it go on.
        let live = try await withReplsim(arguments) { pid in
            _ = try await poll("the first Put Page to show in /metrics") {
                putPage(try await fetch(http, "\(base)/metrics").body).requests > 0 ? true : nil
            }
            kill(pid, SIGSTOP)
            let state = try await poll("the live client to stop or end") {
                let state = processState(pid) ?? "X"
                return "TtZX".contains(state) ? state : nil
            }
            #expect(state == "T" || state == "t", "the live run ended before /metrics was read (state \(state))")
            let during = putPage(try await fetch(http, "\(base)/metrics").body)
            kill(pid, SIGCONT)
            return during
        }
        let during = live.value
        let stdout = live.result.stdout
        #expect(live.result.status == 0, "\(stdout)\(live.result.stderr)")

        let after = try await fetch(http, "\(base)/metrics").body
        let final = putPage(after)
        #expect(final.requests > during.requests, "the delta cycles' Put Pages must add to the counters: \(after)")
        let acknowledged = stdout.split(separator: "\n").first { $0.hasPrefix("uploaded ") }
            .flatMap { Double($0.dropFirst(9).prefix { $0.isNumber }) }
        #expect(final.bytes == acknowledged, "received bytes \(final.bytes) vs 'uploaded' in: \(stdout)")

        // Every log line is written before its response goes out (standard error is unbuffered), so a hard stop
        // loses none.
        serve.kill()
        _ = await serveExit.value
        let log = try String(contentsOfFile: dir.file("serve.err"), encoding: .utf8)
        let requestLines = log.split(separator: "\n").filter { $0.contains(" info ") && $0.contains("operation=") }
        let total = after.split(separator: "\n").filter { $0.hasPrefix("replsim_blob_requests_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(Double(requestLines.count) == total, "one info line per request: \(requestLines.count) vs \(total)")
        #expect(!log.contains("/healthz") && !log.contains("/metrics"), "the routes are not Blob requests")
    }

    /// `replsim_blob_requests_total` of Put Pages answered 201 and their received bytes.
    func putPage(_ exposition: String) -> (requests: Double, bytes: Double) {
        func value(_ prefix: String) -> Double {
            exposition.split(separator: "\n").first { $0.hasPrefix(prefix) }
                .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
        }
        return (
            value(#"replsim_blob_requests_total{operation="PutPage",status="201"}"#),
            value(#"replsim_blob_received_bytes_total{operation="PutPage"}"#)
        )
    }

    func fetch(_ http: HTTPClient, _ url: String) async throws -> (status: Int, body: String) {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 24)
        return (Int(response.status.code), String(buffer: body))
    }
}
