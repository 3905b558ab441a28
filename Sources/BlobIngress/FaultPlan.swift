/// What the ingress does to one request, by arrival number. Pure and deterministic.
///
/// Request n (0, 1, 2, … in arrival order) draws u = SplitMix64(seed, n) / 2^64 and gets
/// `reset` if u < resetShare, else `serverError` if u < resetShare + serverErrorShare, else `slow` if below
/// the three shares' sum, else `none`. The decision depends only on (seed, n), never on timing, so a sequential
/// client sees the same fault sequence every run.
public struct FaultPlan: Sendable {
    public enum Fault: Sendable, Equatable {
        case none
        case reset
        case serverError
        case slow(milliseconds: Int)
    }

    public let profile: FaultProfile?

    public init(profile: FaultProfile?) { self.profile = profile }

    /// The fault for the request that arrived `index`-th.
    /// - Complexity: O(1).
    public func fault(forRequest index: UInt64) -> Fault {
        guard let profile else { return .none }
        let u = Double(Self.splitMix64(profile.seed &+ index &* 0x9E37_79B9_7F4A_7C15) >> 11) / Double(1 << 53)
        let reset = profile.resetShare ?? 0
        let error = reset + (profile.serverErrorShare ?? 0)
        let slow = error + (profile.slowShare ?? 0)
        if u < reset { return .reset }
        if u < error { return .serverError }
        if u < slow { return .slow(milliseconds: profile.slowMilliseconds ?? 100) }
        return .none
    }

    static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
