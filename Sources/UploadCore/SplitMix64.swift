/// The core's own seeded random number generator (SplitMix64, Steele, Lea & Flood, OOPSLA 2014).
///
/// Small, fast and fully determined by its seed: the same seed gives the same stream on every platform.
/// Not cryptographic. The core draws from it only for retry jitter, so a new draw elsewhere in a
/// simulation does not reshuffle the core's decisions.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    private var state: UInt64

    /// Creates a generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    ///
    /// - Complexity: O(1).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
