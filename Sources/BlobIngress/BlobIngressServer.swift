import CMallocTuning
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Where a running ingress answers, and how to reach it.
public struct BlobIngressEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var account: String
    public var accountKeyBase64: String

    /// Path-style service URL, as Azurite uses: `http://host:port/account`.
    public var blobEndpoint: String { "http://\(host):\(port)/\(account)" }

    /// A connection string for the Azure SDKs (Shared Key).
    public var connectionString: String {
        "DefaultEndpointsProtocol=http;AccountName=\(account);AccountKey=\(accountKeyBase64);"
            + "BlobEndpoint=\(blobEndpoint);"
    }
}

/// Configuration of one ingress server.
public struct BlobIngressConfiguration: Sendable {
    /// Bind address; loopback unless told otherwise.
    public var host: String
    /// 0 picks a free port (reported through `onReady`).
    public var port: Int
    public var dataDirectory: String
    public var account: String
    /// The account key, base64 (as Azure shows it).
    public var accountKeyBase64: String
    public var profile: IngressProfile
    /// Timeouts, header size and connection count per client (see ``ConnectionLimits``).
    public var limits: ConnectionLimits

    public init(
        host: String = "127.0.0.1",
        port: Int = 10000,
        dataDirectory: String,
        account: String = "replsim",
        accountKeyBase64: String = SharedKeyRequest.developmentKey,
        profile: IngressProfile = .init(),
        limits: ConnectionLimits = .init()
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.account = account
        self.accountKeyBase64 = accountKeyBase64
        self.profile = profile
        self.limits = limits
    }
}

/// The Azure Blob REST subset server: `BlobStore` + `BlobResponder` on Hummingbird's HTTP/1.1 server, with a
/// health route and Prometheus metrics beside it (``ObservabilityRoute``, ``IngressMetrics``).
///
/// ```swift
/// let server = try BlobIngressServer(configuration: .init(port: 0, dataDirectory: "/tmp/blobs"))
/// try await server.run { endpoint in print(endpoint.blobEndpoint) }   // until the task is cancelled
/// ```
public struct BlobIngressServer: Sendable {
    public let configuration: BlobIngressConfiguration
    public let store: BlobStore
    /// What `GET /metrics` shows; readable in-process too.
    public let metrics = IngressMetrics()
    let key: [UInt8]

    /// Opens the data directory (loading what a previous run stored) and checks the configuration.
    /// - Throws: ``BlobIngressConfigurationError`` or ``BlobStoreError`` naming what is wrong.
    public init(configuration: BlobIngressConfiguration) throws {
        guard let key = decodeBase64(configuration.accountKeyBase64), !key.isEmpty else {
            throw BlobIngressConfigurationError(problem: "account key is not base64")
        }
        guard (3...24).contains(configuration.account.count),
            configuration.account.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        else {
            throw BlobIngressConfigurationError(
                problem: "account name '\(configuration.account)' must be 3 to 24 lowercase letters and digits"
            )
        }
        guard (0...65535).contains(configuration.port) else {
            throw BlobIngressConfigurationError(problem: "port \(configuration.port) is outside 0...65535")
        }
        try configuration.profile.validate()
        try configuration.limits.validate()
        self.configuration = configuration
        self.key = key
        self.store = try BlobStore(
            directory: configuration.dataDirectory,
            syncWrites: configuration.profile.effectiveSyncWrites
        )
    }

    /// Tunes this *process's* allocator for serving (glibc: keep up to 512 MiB of freed memory instead of trimming
    /// past 128 KiB, in one arena for all threads so that it can all be returned once no connection is open). Call it
    /// once, before the server starts, in a process that exists to serve (`replsim serve`), not in a library user's
    /// process. Without it the receive buffers keep coming back as fresh zeroed pages: about
    /// 50 000 page faults per GiB received and 10–15 % of the server's CPU (`perf stat -e page-faults`, 4 threads).
    /// - Returns: whether the allocator took the settings (false on C libraries other than glibc).
    @discardableResult
    public static func retainFreedMemoryForServing() -> Bool {
        replsim_retain_freed_memory(512 << 20) == 1
    }

    /// Serves until the calling task is cancelled. `onReady` gets the endpoint (with the real port) once bound.
    /// `logger` gets one `info` line per Blob request and the HTTP server's own messages (default: warnings only).
    public func run(
        logger: Logger? = nil,
        onReady: @escaping @Sendable (BlobIngressEndpoint) async -> Void = { _ in }
    )
        async throws
    {
        let responder = BlobResponder(
            store: store,
            account: configuration.account,
            key: key,
            profile: configuration.profile
        )
        var log = logger ?? Logger(label: "replsim.blob-ingress")
        if logger == nil { log.logLevel = .warning }
        let configuration = self.configuration
        let app = Application(
            responder: ObservedResponder(blob: responder, metrics: metrics, logger: log),
            server: .http1(configuration: configuration.limits.http1),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "replsim-blob-ingress",
                availableConnectionsDelegate: ConnectionCount(limit: configuration.limits.maxConnections)
            ),
            onServerRunning: { channel in
                try? await channel.pipeline.addHandler(LargeReadsForAcceptedChannels(), position: .first).get()
                let port = channel.localAddress?.port ?? configuration.port
                await onReady(
                    BlobIngressEndpoint(
                        host: configuration.host,
                        port: port,
                        account: configuration.account,
                        accountKeyBase64: configuration.accountKeyBase64
                    )
                )
            },
            logger: log
        )
        try await app.run()
    }
}

public struct BlobIngressConfigurationError: Error, CustomStringConvertible, Sendable {
    public var problem: String
    public var description: String { "blob ingress configuration: \(problem)" }
}
