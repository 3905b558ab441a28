import SimKernel

/// Scalability targets of a standard storage account (docs/sources.md §3.1).
public struct StorageAccountLimits: Sendable, Equatable {
    public var ingressBitsPerSecond: Double
    public var requestsPerSecond: Double

    public init(ingressBitsPerSecond: Double, requestsPerSecond: Double) {
        self.ingressBitsPerSecond = ingressBitsPerSecond
        self.requestsPerSecond = requestsPerSecond
    }

    /// 2015 US region, GRS: ingress 10 Gbps, 20,000 req/s (`articles/storage-scalability-targets.md`, 2015-03).
    public static let us2015GRS = StorageAccountLimits(ingressBitsPerSecond: 10e9, requestsPerSecond: 20_000)
    /// 2015 Europe/Asia region, GRS: ingress 5 Gbps, 20,000 req/s (same source).
    public static let euAsia2015GRS = StorageAccountLimits(ingressBitsPerSecond: 5e9, requestsPerSecond: 20_000)
    /// Current major region (e.g. East US, West Europe): 60 Gbps, 40,000 req/s
    /// (`includes/azure-storage-account-limits-standard.md`, 2025-11).
    public static let currentMajorRegion = StorageAccountLimits(ingressBitsPerSecond: 60e9, requestsPerSecond: 40_000)
    /// Current other regions: 25 Gbps, 20,000 req/s (same source).
    public static let currentOtherRegion = StorageAccountLimits(ingressBitsPerSecond: 25e9, requestsPerSecond: 20_000)
}

/// Per-page-blob targets: 60 MiB/s (= 503.3 Mbit/s) and 500 req/s (`includes/storage-blob-scale-targets.md`).
public struct PageBlobLimits: Sendable, Equatable {
    public var bitsPerSecond: Double
    public var requestsPerSecond: Double

    public init(bitsPerSecond: Double = 60 * 1_048_576 * 8, requestsPerSecond: Double = 500) {
        self.bitsPerSecond = bitsPerSecond
        self.requestsPerSecond = requestsPerSecond
    }

    public static let standard = PageBlobLimits()
}

/// The answer to a request-rate admission check (HTTP 503 "Server Busy" with Retry-After when throttled).
public enum Admission: Equatable, Sendable {
    case accepted
    case throttled(retryAfter: SimDuration, by: Bottleneck)
}

/// A token bucket: `rate` tokens per second, holding at most `burst` tokens (starts full). The burst is one
/// second of the rate: an assumption, since Azure does not publish how its partition servers smooth.
///
/// - Complexity: O(1) per request.
struct TokenBucket {
    var rate: Double
    var burst: Double
    var tokens: Double
    var lastRefill: Int64 = 0

    init(rate: Double) {
        self.rate = rate
        burst = Swift.max(1, rate)
        tokens = burst
    }

    mutating func refill(to time: Int64) {
        guard time > lastRefill else { return }
        tokens = Swift.min(burst, tokens + rate * Double(time - lastRefill) / 1e9)
        lastRefill = time
    }

    /// Seconds until one token is available (0 if one is).
    var wait: Double { tokens >= 1 ? 0 : (1 - tokens) / rate }
}

struct BlobState {
    var account: Int
    var resource: Int
    var bucket: TokenBucket
}

extension NetModel {
    /// Adds a storage account: an ingress resource (kind `.accountIngress`) and a request-rate bucket.
    public mutating func addStorageAccount(name: String, limits: StorageAccountLimits) throws -> StorageAccountID {
        try requirePositive(limits.requestsPerSecond, "storage account '\(name)'.requestsPerSecond")
        let ingress = try addResource(
            name: "\(name)/ingress", kind: .accountIngress, bitsPerSecond: limits.ingressBitsPerSecond)
        accountIngress.append(ingress.index)
        accounts.append(TokenBucket(rate: limits.requestsPerSecond))
        return StorageAccountID(index: accounts.count - 1)
    }

    /// Adds a page blob in `account`: a throughput resource (kind `.blobThroughput`) and a request bucket.
    public mutating func addPageBlob(name: String, account: StorageAccountID, limits: PageBlobLimits = .standard)
        throws -> BlobID
    {
        guard accounts.indices.contains(account.index) else {
            throw NetModelError.unknown("storage account \(account.index) for blob '\(name)'")
        }
        try requirePositive(limits.requestsPerSecond, "blob '\(name)'.requestsPerSecond")
        let resource = try addResource(name: name, kind: .blobThroughput, bitsPerSecond: limits.bitsPerSecond)
        blobs.append(
            BlobState(
                account: account.index, resource: resource.index,
                bucket: TokenBucket(rate: limits.requestsPerSecond)))
        return BlobID(index: blobs.count - 1)
    }

    /// The storage-side resources of a write to `blob`: the blob's throughput, then the account's ingress.
    public func storagePath(blob: BlobID) -> [ResourceID] {
        let state = blobs[blob.index]
        return [ResourceID(index: state.resource), ResourceID(index: accountIngress[state.account])]
    }

    /// Admits one request to `blob` if both the blob's and its account's request buckets hold a token, and
    /// takes one from each; otherwise answers throttled with the wait until both would admit.
    /// - Throws: `NetModelError.unknown` for an unknown blob.
    public mutating func admitRequest(blob: BlobID, now: SimTime) throws -> Admission {
        guard blobs.indices.contains(blob.index) else { throw NetModelError.unknown("blob \(blob.index)") }
        let account = blobs[blob.index].account
        blobs[blob.index].bucket.refill(to: now.nanoseconds)
        accounts[account].refill(to: now.nanoseconds)
        let blobWait = blobs[blob.index].bucket.wait
        let accountWait = accounts[account].wait
        if blobWait == 0 && accountWait == 0 {
            blobs[blob.index].bucket.tokens -= 1
            accounts[account].tokens -= 1
            return .accepted
        }
        let by: Bottleneck = accountWait >= blobWait ? .accountRequestRate : .blobRequestRate
        return .throttled(retryAfter: .seconds(Swift.max(accountWait, blobWait)), by: by)
    }
}
