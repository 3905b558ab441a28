import Foundation

/// How the ingress behaves: limits, throttling rates and injected faults. Read from a JSON profile file.
///
/// Every field is optional in the file; a missing rate means "unlimited", missing faults mean none. Example:
/// ```json
/// { "perBlobBytesPerSecond": 62914560, "perBlobRequestsPerSecond": 500,
///   "faults": { "seed": 7, "resetShare": 0.01, "serverErrorShare": 0.02, "slowShare": 0.05,
///               "slowMilliseconds": 200 } }
/// ```
public struct IngressProfile: Codable, Sendable, Equatable {
    /// Per-blob ingress cap in bytes/s (Azure page blob: 60 MiB/s; docs/sources.md §3.2).
    public var perBlobBytesPerSecond: Double?
    /// Per-blob request cap (Azure: 500 requests/s per blob; docs/sources.md §3.2).
    public var perBlobRequestsPerSecond: Double?
    /// Per-account ingress cap in bytes/s (e.g. 25 Gbit/s = 3.125e9 outside the listed regions; docs/sources.md §3.1).
    public var perAccountBytesPerSecond: Double?
    /// Per-account request cap (20,000 or 40,000 requests/s; docs/sources.md §3.1).
    public var perAccountRequestsPerSecond: Double?
    /// Seconds of burst each token bucket holds (default 1 s).
    public var burstSeconds: Double?
    /// Largest Put Page body (Azure: 4 MiB; docs/sources.md §1.4).
    public var maxPutPageBytes: Int?
    /// Largest Put Blob or Put Block body (default 256 MiB; Azure allows more, this server streams to disk).
    public var maxPutBlobBytes: Int?
    /// fsync data before acknowledging (default true). Off only for throughput experiments.
    public var syncWrites: Bool?
    /// Injected faults.
    public var faults: FaultProfile?

    public init(
        perBlobBytesPerSecond: Double? = nil,
        perBlobRequestsPerSecond: Double? = nil,
        perAccountBytesPerSecond: Double? = nil,
        perAccountRequestsPerSecond: Double? = nil,
        burstSeconds: Double? = nil,
        maxPutPageBytes: Int? = nil,
        maxPutBlobBytes: Int? = nil,
        syncWrites: Bool? = nil,
        faults: FaultProfile? = nil
    ) {
        self.perBlobBytesPerSecond = perBlobBytesPerSecond
        self.perBlobRequestsPerSecond = perBlobRequestsPerSecond
        self.perAccountBytesPerSecond = perAccountBytesPerSecond
        self.perAccountRequestsPerSecond = perAccountRequestsPerSecond
        self.burstSeconds = burstSeconds
        self.maxPutPageBytes = maxPutPageBytes
        self.maxPutBlobBytes = maxPutBlobBytes
        self.syncWrites = syncWrites
        self.faults = faults
    }

    /// Azure's published single-blob targets: 60 MiB/s and 500 requests/s per blob docs/sources.md §3.2).
    public static let azurePageBlob = IngressProfile(
        perBlobBytesPerSecond: 60 * 1_048_576,
        perBlobRequestsPerSecond: 500
    )

    public var effectiveMaxPutPageBytes: Int { maxPutPageBytes ?? 4 * 1_048_576 }
    public var effectiveMaxPutBlobBytes: Int { maxPutBlobBytes ?? 256 * 1_048_576 }
    public var effectiveSyncWrites: Bool { syncWrites ?? true }
    public var effectiveBurstSeconds: Double { burstSeconds ?? 1 }

    /// Loads a JSON profile.
    /// - Throws: ``IngressProfileError`` naming the file and what is wrong.
    public static func load(path: String) throws -> IngressProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw IngressProfileError(path: path, problem: "cannot read: \(error.localizedDescription)")
        }
        let profile: IngressProfile
        do {
            profile = try JSONDecoder().decode(IngressProfile.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw IngressProfileError(path: path, problem: "at '\(key)': \(context.debugDescription)")
        } catch {
            throw IngressProfileError(path: path, problem: "\(error)")
        }
        try profile.validate(path: path)
        return profile
    }

    /// Checks ranges: rates > 0, shares in 0...1 summing to at most 1, sizes > 0.
    public func validate(path: String = "<profile>") throws {
        let rates: [(String, Double?)] = [
            ("perBlobBytesPerSecond", perBlobBytesPerSecond), ("perBlobRequestsPerSecond", perBlobRequestsPerSecond),
            ("perAccountBytesPerSecond", perAccountBytesPerSecond),
            ("perAccountRequestsPerSecond", perAccountRequestsPerSecond), ("burstSeconds", burstSeconds),
        ]
        for (key, value) in rates {
            if let value, !(value > 0 && value.isFinite) {
                throw IngressProfileError(path: path, problem: "'\(key)' must be a positive number, got \(value)")
            }
        }
        for (key, value) in [("maxPutPageBytes", maxPutPageBytes), ("maxPutBlobBytes", maxPutBlobBytes)] {
            if let value, value <= 0 {
                throw IngressProfileError(path: path, problem: "'\(key)' must be positive, got \(value)")
            }
        }
        if let faults { try faults.validate(path: path) }
    }
}

/// Fault injection, decided per request from a seed and the request's arrival number (see ``FaultPlan``).
public struct FaultProfile: Codable, Sendable, Equatable {
    public var seed: UInt64
    /// Share of requests whose connection is reset (SO_LINGER 0, then close) before any answer.
    public var resetShare: Double?
    /// Share of requests answered 500 InternalError.
    public var serverErrorShare: Double?
    /// Share of requests delayed by ``slowMilliseconds`` before being served.
    public var slowShare: Double?
    public var slowMilliseconds: Int?

    public init(
        seed: UInt64,
        resetShare: Double? = nil,
        serverErrorShare: Double? = nil,
        slowShare: Double? = nil,
        slowMilliseconds: Int? = nil
    ) {
        self.seed = seed
        self.resetShare = resetShare
        self.serverErrorShare = serverErrorShare
        self.slowShare = slowShare
        self.slowMilliseconds = slowMilliseconds
    }

    func validate(path: String) throws {
        let shares = [("resetShare", resetShare), ("serverErrorShare", serverErrorShare), ("slowShare", slowShare)]
        for (key, value) in shares {
            if let value, !(0...1).contains(value) {
                throw IngressProfileError(path: path, problem: "'faults.\(key)' must be in 0...1, got \(value)")
            }
        }
        if (resetShare ?? 0) + (serverErrorShare ?? 0) + (slowShare ?? 0) > 1 {
            throw IngressProfileError(path: path, problem: "fault shares add up to more than 1")
        }
        if let ms = slowMilliseconds, ms < 0 {
            throw IngressProfileError(path: path, problem: "'faults.slowMilliseconds' must be ≥ 0, got \(ms)")
        }
    }
}

/// A profile file that cannot be used: which file and what is wrong.
public struct IngressProfileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String
    public var description: String { "profile \(path): \(problem)" }
}
