import ArgumentParser
import BlobIngress
import Dispatch
import Foundation
import Logging

/// `replsim serve`: the Azure Blob REST subset on loopback, durable under `--data`.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the blob ingress server (Azure Blob REST subset: containers, page and block blobs).",
        discussion: """
            Prints 'replsim serve: listening on http://HOST:PORT/ACCOUNT account=ACCOUNT' once ready (with the real \
            port when --port 0), then the SDK connection string. Stop it with Ctrl-C; acknowledged writes are on disk.

            Besides the Blob API, without authentication: GET /healthz answers 200 'ok', GET /metrics the Prometheus \
            metrics (requests by operation and status, bytes, throttled requests, latency histogram). Log lines go to \
            standard error; at --log-level info one line per request. Routes and metric names: docs/live.md.
            """
    )

    @Option(help: "Address to bind (loopback by default).")
    var host = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free one and prints it.")
    var port = 10000

    @Option(help: "Directory holding containers and blobs (created if missing).")
    var data = "./blob-data"

    @Option(help: "Storage account name.")
    var account = "replsim"

    @Option(help: "Account key, base64 (default: the well-known development key).")
    var key = SharedKeyRequest.developmentKey

    @Option(help: "JSON ingress profile: throttling rates, size limits, fault injection, syncWrites.")
    var profile: String?

    @Option(help: "Seconds from a request's first byte to the end of its headers before the connection is closed.")
    var headerTimeout = Double(ConnectionLimits.defaultHeaderTimeout.components.seconds)

    @Option(help: "Seconds a connection may stay idle (no request in progress, or a stalled body) before it is closed.")
    var idleTimeout = Double(ConnectionLimits.defaultIdleTimeout.components.seconds)

    @Option(help: "Connections served at once; more wait in the accept queue until one closes.")
    var maxConnections = ConnectionLimits.defaultMaxConnections

    @Option(help: "Largest request head (request line and headers) in bytes; larger is refused with 400.")
    var maxHeaderBytes = ConnectionLimits.defaultMaxHeaderBytes

    @Option(help: "Log level on standard error: trace, debug, info (one line per request), notice, warning, error.")
    var logLevel: Logger.Level = .notice

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is outside 0...65535") }
        for (flag, seconds) in [("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout)]
        where !(seconds >= 0.001 && seconds <= 86400) {
            throw ValidationError("\(flag) \(seconds) must be a number of seconds from 0.001 to 86400")
        }
        guard maxConnections > 0 else { throw ValidationError("--max-connections \(maxConnections) must be positive") }
        guard maxHeaderBytes >= 1024 else {
            throw ValidationError("--max-header-bytes \(maxHeaderBytes) must be at least 1024")
        }
    }

    func run() throws {
        let ingressProfile = try profile.map { try IngressProfile.load(path: $0) } ?? IngressProfile()
        let server = try BlobIngressServer(
            configuration: .init(
                host: host,
                port: port,
                dataDirectory: data,
                account: account,
                accountKeyBase64: key,
                profile: ingressProfile,
                limits: ConnectionLimits(
                    headerTimeout: .milliseconds(Int64(headerTimeout * 1000)),
                    idleTimeout: .milliseconds(Int64(idleTimeout * 1000)),
                    maxConnections: maxConnections,
                    maxHeaderBytes: maxHeaderBytes
                )
            )
        )
        BlobIngressServer.retainFreedMemoryForServing()
        var logger = Logger(label: "replsim.serve", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = logLevel
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run(logger: logger) { endpoint in
                    outcome.listening()
                    // Unbuffered, so a parent reading the pipe sees the port at once.
                    let text =
                        "replsim serve: listening on \(endpoint.blobEndpoint) account=\(endpoint.account)\n"
                        + "replsim serve: connection string \(endpoint.connectionString)\n"
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            } catch {
                outcome.record(error)
            }
            done.signal()
        }
        done.wait()
        guard let error = outcome.error else { return }
        guard outcome.wasListening else { throw error }  // could not start: bad address, data folder or profile
        FileHandle.standardError.write(Data("error: the server stopped: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The server task's error, handed back to the synchronous command.
final class ServeOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    private var ready = false
    func record(_ error: Error) { lock.withLock { stored = error } }
    func listening() { lock.withLock { ready = true } }
    var error: Error? { lock.withLock { stored } }
    var wasListening: Bool { lock.withLock { ready } }
}
