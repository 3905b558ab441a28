import UploadCore

/// The one seeded generator of the tests: UploadCore's SplitMix64 (Steele, Lea and Flood, OOPSLA 2014), whose
/// stream is fixed by the seed on every platform, so a test that draws from it and prints its seed on failure can
/// be replayed exactly. (SimKernel has its own copy because the kernel imports nothing.)
public typealias SeededRandom = SplitMix64

extension SplitMix64 {
    /// A draw in `0..<n` by remainder (slightly biased for huge `n`, which no test uses); 0 when `n <= 0`.
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// A draw in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
