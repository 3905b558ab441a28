/// Token buckets per blob and per account, for bytes and requests. Pure: time comes in as `now` (ns).
///
/// Each limit is a bucket holding at most `rate × burstSeconds` tokens, refilled continuously at `rate`. A request
/// of b bytes needs 1 request token and b byte tokens from its blob's buckets and the account's. If any bucket is
/// short, nothing is taken and the request is refused with `Retry-After` = ceil(shortfall / rate) seconds (at
/// least 1), as Azure answers 503 Server Busy at its partition targets docs/sources.md §3.3).
/// A request larger than a whole bucket is admitted when that bucket is full (its balance goes negative), so
/// big requests are slowed, not refused forever.
public struct IngressThrottle: Sendable {
    public enum Decision: Sendable, Equatable {
        case admit
        case refuse(retryAfterSeconds: Int)
    }

    struct Bucket: Sendable {
        let rate: Double
        let capacity: Double
        var tokens: Double
        var updatedAt: Int64

        init(rate: Double, burstSeconds: Double, now: Int64) {
            self.rate = rate
            self.capacity = rate * burstSeconds
            self.tokens = capacity
            self.updatedAt = now
        }

        mutating func refill(now: Int64) {
            guard now > updatedAt else { return }
            tokens = Swift.min(capacity, tokens + rate * Double(now - updatedAt) / 1e9)
            updatedAt = now
        }

        /// Seconds until `amount` could be taken (0 if now).
        func wait(for amount: Double) -> Double {
            let needed = Swift.min(amount, capacity)
            return tokens >= needed ? 0 : (needed - tokens) / rate
        }
    }

    struct Buckets: Sendable {
        var bytes: Bucket?
        var requests: Bucket?
    }

    let profile: IngressProfile
    var account: Buckets?
    var blobs: [String: Buckets] = [:]

    public init(profile: IngressProfile) { self.profile = profile }

    /// A request for `blob` carrying `bytes` body bytes arrived at `now`.
    /// - Complexity: O(1) amortized (one dictionary lookup).
    public mutating func requestArrived(blob: String, bytes: Int, now: Int64) -> Decision {
        let burst = profile.effectiveBurstSeconds
        if account == nil {
            account = Buckets(
                bytes: profile.perAccountBytesPerSecond.map { Bucket(rate: $0, burstSeconds: burst, now: now) },
                requests: profile.perAccountRequestsPerSecond.map { Bucket(rate: $0, burstSeconds: burst, now: now) }
            )
        }
        var blobBuckets =
            blobs[blob]
            ?? Buckets(
                bytes: profile.perBlobBytesPerSecond.map { Bucket(rate: $0, burstSeconds: burst, now: now) },
                requests: profile.perBlobRequestsPerSecond.map { Bucket(rate: $0, burstSeconds: burst, now: now) }
            )
        guard var accountBuckets = account else { return .admit }
        accountBuckets.bytes?.refill(now: now)
        accountBuckets.requests?.refill(now: now)
        blobBuckets.bytes?.refill(now: now)
        blobBuckets.requests?.refill(now: now)
        let amount = Double(bytes)
        let waits = [
            accountBuckets.bytes?.wait(for: amount) ?? 0, accountBuckets.requests?.wait(for: 1) ?? 0,
            blobBuckets.bytes?.wait(for: amount) ?? 0, blobBuckets.requests?.wait(for: 1) ?? 0,
        ]
        let longest = waits.max() ?? 0
        if longest > 0 {
            account = accountBuckets
            blobs[blob] = blobBuckets
            return .refuse(retryAfterSeconds: Swift.max(1, Int(longest.rounded(.up))))
        }
        accountBuckets.bytes?.tokens -= amount
        accountBuckets.requests?.tokens -= 1
        blobBuckets.bytes?.tokens -= amount
        blobBuckets.requests?.tokens -= 1
        account = accountBuckets
        if blobBuckets.bytes != nil || blobBuckets.requests != nil { blobs[blob] = blobBuckets }
        return .admit
    }
}
