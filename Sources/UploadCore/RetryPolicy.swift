/// How long the core waits before sending again after a failed chunk.
///
/// Backoff is per VM, as ASR's is (docs/sources.md §1.3: "retried every replication interval with exponential
/// back-off"): the n-th failure *in a row* pauses all chunk starts of the VM for `delay(n)`; a success resets n
/// to 0. Failures of chunks that were already in flight when the previous counted failure happened belong to
/// the same outage and do not advance n.
///
/// **Exponential.** `delay(n) = min(cap, base × multiplierⁿ⁻¹) × (1 + u)`, with `u` drawn uniformly from
/// `[-jitter, +jitter]` by the core's seeded generator. For ``standard`` (base 1 s, ×2, cap 60 s, ±10 %):
///
/// | failures in a row | nominal delay | with ±10 % jitter |
/// |---|---|---|
/// | 1 | 1 s | 0.9–1.1 s |
/// | 2 | 2 s | 1.8–2.2 s |
/// | 3 | 4 s | 3.6–4.4 s |
/// | 4 | 8 s | 7.2–8.8 s |
/// | 5 | 16 s | 14.4–17.6 s |
/// | 6 | 32 s | 28.8–35.2 s |
/// | 7 and later | 60 s (cap) | 54–66 s |
///
/// **Schedule.** `delay(n) = delays[n-1]` for `n ≤ delays.count`, then `thenEvery`. ``asrOutageSchedule`` is
/// ASR's documented schedule for recoverable errors (docs/sources.md §1.3, `hyper-v-azure-architecture.md`):
///
/// | failures in a row | 1 | 2 | 3 | 4 | 5 | 6 and later |
/// |---|---|---|---|---|---|---|
/// | delay | 1 min | 2 min | 4 min | 8 min | 10 min | 30 min |
///
/// **Retry-After.** A ``ChunkFailure/throttled(retryAfterNanos:)`` response that carries a Retry-After is
/// honoured as given: the pause is `retryAfter` instead of `delay(n)` (Azure Storage answers 503 Server Busy at
/// its partition limits, docs/sources.md §3.3). A Retry-After longer than the pause in force extends it.
///
/// **Giving up.** With `maxAttempts: k`, the k-th failure in a row stops the VM
/// (``UploadAction/replicationFailed(consecutiveFailures:last:)``); `nil` retries forever, as ASR does for
/// recoverable errors.
public enum RetryPolicy: Hashable, Sendable {
    /// `min(cap, base × multiplierⁿ⁻¹)` nanoseconds, jittered by ±`jitter` (a fraction, `0..<1`).
    case exponential(base: Int64, cap: Int64, multiplier: Double, jitter: Double, maxAttempts: Int?)
    /// `delays[n-1]` nanoseconds, then `thenEvery`, jittered by ±`jitter`.
    case schedule(delays: [Int64], thenEvery: Int64, jitter: Double, maxAttempts: Int?)

    private static let minute: Int64 = 60_000_000_000

    /// ASR's outage schedule: 1, 2, 4, 8, 10 min, then every 30 min, no jitter, never gives up.
    public static let asrOutageSchedule = RetryPolicy.schedule(
        delays: [1, 2, 4, 8, 10].map { $0 * minute },
        thenEvery: 30 * minute,
        jitter: 0,
        maxAttempts: nil
    )

    /// Exponential from 1 s, doubling, capped at 60 s, ±10 % jitter, never gives up.
    public static let standard = RetryPolicy.exponential(
        base: 1_000_000_000, cap: 60_000_000_000, multiplier: 2, jitter: 0.1, maxAttempts: nil
    )

    /// After this many failures in a row the VM stops; `nil` means never.
    public var maxAttempts: Int? {
        switch self {
        case .exponential(_, _, _, _, let maxAttempts), .schedule(_, _, _, let maxAttempts):
            return maxAttempts
        }
    }

    /// The delay after `failures` failures in a row, before jitter.
    ///
    /// - Precondition: `failures >= 1`.
    /// - Complexity: O(1).
    public func nominalDelay(afterFailures failures: Int) -> Int64 {
        precondition(failures >= 1, "a delay is defined after at least one failure")
        switch self {
        case .exponential(let base, let cap, let multiplier, _, _):
            var delay = Double(base)
            var step = 1
            while step < failures, delay < Double(cap) {
                delay *= multiplier
                step += 1
            }
            return Int64(Swift.min(delay, Double(cap)))
        case .schedule(let delays, let thenEvery, _, _):
            return failures <= delays.count ? delays[failures - 1] : thenEvery
        }
    }

    /// The delay after `failures` failures in a row, jittered with `generator`.
    ///
    /// - Complexity: O(1) (O(log(cap/base)) for `.exponential`).
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Int64 {
        let nominal = nominalDelay(afterFailures: failures)
        let jitter: Double
        switch self {
        case .exponential(_, _, _, let j, _), .schedule(_, _, let j, _):
            jitter = j
        }
        guard jitter > 0 else { return nominal }
        let factor = 1 + Double.random(in: -jitter...jitter, using: &generator)
        // `+ 0.5` and truncation instead of `rounded()`, which would need libm at link time.
        return Swift.max(0, Int64(Double(nominal) * factor + 0.5))
    }

    func validate() throws(UploadCoreError) {
        switch self {
        case .exponential(let base, let cap, let multiplier, let jitter, let maxAttempts):
            guard base > 0, cap >= base else {
                throw .invalidRetryPolicy(reason: "need 0 < base <= cap, got base \(base) ns, cap \(cap) ns")
            }
            guard multiplier >= 1 else {
                throw .invalidRetryPolicy(reason: "multiplier must be >= 1, got \(multiplier)")
            }
            try Self.validate(jitter: jitter, maxAttempts: maxAttempts)
        case .schedule(let delays, let thenEvery, let jitter, let maxAttempts):
            guard thenEvery > 0, delays.allSatisfy({ $0 > 0 }) else {
                throw .invalidRetryPolicy(reason: "schedule delays must be positive")
            }
            try Self.validate(jitter: jitter, maxAttempts: maxAttempts)
        }
    }

    private static func validate(jitter: Double, maxAttempts: Int?) throws(UploadCoreError) {
        guard jitter >= 0, jitter < 1 else {
            throw .invalidRetryPolicy(reason: "jitter must be in 0..<1, got \(jitter)")
        }
        if let maxAttempts, maxAttempts < 1 {
            throw .invalidRetryPolicy(reason: "maxAttempts must be >= 1 or nil, got \(maxAttempts)")
        }
    }
}
