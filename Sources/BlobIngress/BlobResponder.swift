import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The Blob API subset as one Hummingbird responder: fault injection, name checks, authentication, throttling,
/// then one operation. The state it shares across requests (throttle buckets, the arrival counter) sits behind a
/// lock; the operations themselves run their blocking file I/O on `NIOThreadPool.singleton`.
///
/// Order of checks for every request: injected fault → URL/names (400) → auth (403) → throttle (503) →
/// operation.
public struct BlobResponder: HTTPResponder {
    public typealias Context = BlobRequestContext

    let store: BlobStore
    let account: String
    let key: [UInt8]
    let profile: IngressProfile
    let faults: FaultPlan
    let shared: NIOLockedValueBox<SharedState>
    let threadPool: NIOThreadPool
    let epoch = ContinuousClock.now

    struct SharedState {
        var throttle: IngressThrottle
        var arrivals: UInt64 = 0
    }

    public init(store: BlobStore, account: String, key: [UInt8], profile: IngressProfile) {
        self.store = store
        self.account = account
        self.key = key
        self.profile = profile
        self.faults = FaultPlan(profile: profile.faults)
        self.shared = NIOLockedValueBox(SharedState(throttle: IngressThrottle(profile: profile)))
        self.threadPool = .singleton
    }

    public func respond(to request: Request, context: BlobRequestContext) async throws -> Response {
        let requestID = UUID().uuidString.lowercased()
        let version = request.headers[HTTPField.Name("x-ms-version")!] ?? BlobAPIVersion.current
        let isHead = request.method == .head
        let arrival = shared.withLockedValue { state -> UInt64 in
            defer { state.arrivals += 1 }
            return state.arrivals
        }
        switch faults.fault(forRequest: arrival) {
        case .none:
            break
        case .reset:
            if let socket = context.channel as? any SocketOptionProvider {
                try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await context.channel.close().get()
            throw InjectedReset()
        case .serverError:
            return BlobServiceError(.internalError, "Injected fault: server error (request \(arrival)).")
                .response(requestID: requestID, version: version, includeBody: !isHead)
        case .slow(let milliseconds):
            try await Task.sleep(for: .milliseconds(milliseconds))
        }
        do {
            var response = try await handle(request, requestID: requestID)
            response.headers[HTTPField.Name("x-ms-request-id")!] = requestID
            response.headers[HTTPField.Name("x-ms-version")!] = version
            return response
        } catch let error as BlobServiceError {
            return error.response(requestID: requestID, version: version, includeBody: !isHead)
        } catch let error as BlobStoreError {
            context.logger.error("storage failure: \(error)")
            return error.serviceError.response(requestID: requestID, version: version, includeBody: !isHead)
        }
    }

    func handle(_ request: Request, requestID: String) async throws -> Response {
        let parsed = try BlobRequest(request: request, account: account)
        try authenticate(parsed)
        let now = Int64((ContinuousClock.now - epoch) / .nanoseconds(1))
        let blobKey = parsed.container + "/" + (parsed.blob ?? "")
        let bytes = (try? parsed.contentLength()) ?? 0
        let decision = shared.withLockedValue { $0.throttle.requestArrived(blob: blobKey, bytes: bytes, now: now) }
        switch decision {
        case .admit:
            break
        case .refuse(let seconds):
            throw BlobServiceError(
                .serverBusy,
                "The server is busy (ingress limit of the profile); retry after \(seconds) s.",
                headers: [.retryAfter: String(seconds)]
            )
        }
        return try await dispatch(parsed, request: request)
    }

    func dispatch(_ parsed: BlobRequest, request: Request) async throws -> Response {
        let comp = parsed.queryValue("comp")
        let restype = parsed.queryValue("restype")
        switch BlobOperation(method: parsed.method, restype: restype, comp: comp) {
        case .createContainer:
            try await blocking { try store.createContainer(parsed.container) }
            return Response(status: .created, headers: [.eTag: "\"0x0\""])
        case .getContainerProperties:
            guard store.containerExists(parsed.container) else {
                throw BlobServiceError(.containerNotFound, "The specified container does not exist.")
            }
            return Response(status: .ok, headers: [.eTag: "\"0x0\"", .contentLength: "0"])
        case .putPage:
            return try await putPage(parsed, request: request)
        case .putBlock:
            return try await putBlock(parsed, request: request)
        case .putBlockList:
            return try await putBlockList(parsed, request: request)
        case .putBlob:
            return try await putBlob(parsed, request: request)
        case .getBlob:
            return try await getBlob(parsed, includeBody: true)
        case .getBlobProperties:
            return try await getBlob(parsed, includeBody: false)
        case .deleteBlob:
            let blob = try parsed.requireBlob()
            try await blocking { try store.delete(container: parsed.container, blob: blob) }
            return Response(status: .accepted)
        case .unsupported:
            throw BlobServiceError(
                .unsupportedHttpVerb,
                "\(parsed.method) with restype=\(restype ?? "-") comp=\(comp ?? "-") is not supported by this server"
            )
        }
    }

    /// Shared Key or service SAS; anything else is 403 AuthenticationFailed.
    func authenticate(_ request: BlobRequest) throws {
        if let sas = ServiceSAS(query: request.query) {
            let access: ServiceSAS.Access
            switch (request.method, request.queryValue("comp")) {
            case ("GET", _), ("HEAD", _): access = .read
            case ("DELETE", _): access = .delete
            case ("PUT", "page"): access = .write
            default:
                // Put Blob, Put Block, Put Block List: `c` may create a blob, only `w` may replace one.
                let exists = request.blob.map { (try? store.properties(container: request.container, blob: $0)) != nil }
                access = exists == true ? .write : .create
            }
            let isContainerOp = request.queryValue("restype") == "container" || request.blob == nil
            try sas.authorize(
                account: account,
                key: key,
                container: request.container,
                blob: request.blob,
                access: isContainerOp ? .container : access,
                now: Date()
            )
            return
        }
        guard let authorization = request.header("authorization") else {
            throw BlobServiceError(
                .authenticationFailed,
                "Server failed to authenticate the request: no Authorization header or SAS."
            )
        }
        let prefix = "SharedKey \(account):"
        guard authorization.hasPrefix(prefix) else {
            throw BlobServiceError(
                .authenticationFailed,
                "Server failed to authenticate the request: expected 'SharedKey \(account):<signature>'."
            )
        }
        let signed = SharedKeyRequest(
            method: request.method,
            headers: request.headers,
            rawPath: request.rawPath,
            query: request.query
        )
        try signed.checkRequestTime(nowEpochSeconds: Int64(Date().timeIntervalSince1970.rounded(.down)))
        let stringToSign = signed.stringToSign(account: account)
        let expected = SharedKeyRequest.sign(stringToSign, key: key)
        guard ServiceSAS.constantTimeEqual(expected, String(authorization.dropFirst(prefix.count))) else {
            let shown = stringToSign.replacingOccurrences(of: "\n", with: "\\n")
            throw BlobServiceError(
                .authenticationFailed,
                "Server failed to authenticate the request. The MAC signature found in the HTTP request is not the "
                    + "same as any computed signature. Server used following string to sign: '\(shown)'."
            )
        }
    }

    /// Runs blocking storage work on the NIO thread pool, off the event loops and the cooperative pool.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(work)
    }
}

/// Thrown after an injected connection reset; the channel is already closed.
struct InjectedReset: Error {}
