#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Musl)
    import Musl
#endif

/// SplitMix64 (Steele, Lea, Flood 2014; the reference seeding generator for the xoshiro family,
/// https://prng.di.unimi.it/splitmix64.c). Used to derive seeds, never as a simulation stream.
public struct SplitMix64: Sendable {
    public var state: UInt64
    @inlinable public init(seed: UInt64) { state = seed }

    /// The next output.
    /// - Complexity: O(1).
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function (a 64-bit finaliser), usable as a stateless hash of one word.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// A seeded random stream: xoshiro256** 1.0 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro256starstar.c)
/// with Lemire's nearly-divisionless range reduction (Lemire 2019, "Fast Random Integer Generation in an
/// Interval", ACM TOMACS 29(1)). Both are written here, so the integer outputs are identical on every
/// toolchain and platform. Distributions that use `log`, `exp`, `sin` and `cos` rely on the C library's
/// libm; glibc and Darwin agree to the last bit on most but not all inputs.
///
/// Conforms to `RandomNumberGenerator`, but prefer the methods here: the standard library's
/// `Int.random(in:using:)` reduction is not promised stable across Swift versions.
public struct RandomStream: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Seeds the four state words from SplitMix64(seed), as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// The next 64 random bits.
    /// - Complexity: O(1).
    @inlinable public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `range` (lower bound inclusive, upper exclusive).
    public mutating func uniform(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// Uniform integer in `[0, bound)` by Lemire's method (unbiased). `bound` must be positive.
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "RandomStream.uniform(below:) needs a positive bound")
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return product.high
    }

    /// Uniform integer in `range` (unbiased).
    public mutating func uniformInt(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        if span == .max { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound &+ Int(truncatingIfNeeded: uniform(below: span &+ 1))
    }

    /// Exponential with the given mean (inversion: -mean·ln(1-U)).
    public mutating func exponential(mean: Double) -> Double { -mean * log1p(-uniform()) }

    /// Normal by the Box-Muller transform (one value per call; two uniforms per call, so the stream position
    /// depends only on the number of calls).
    public mutating func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        let u1 = 1 - uniform()  // (0, 1]
        let u2 = uniform()
        return mean + standardDeviation * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Lognormal with the given median (= e^μ) and shape σ: median · e^(σ·Z). Server latency uses this.
    public mutating func lognormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }
}

/// Named, independent random sub-streams derived from one root seed, so that a new draw in one subsystem
/// does not reshuffle the others (tigerbeetle's simulator does the same).
///
/// The sub-seed of stream `name` is `SplitMix64.mix(root ^ SplitMix64.mix(fnv1a64(name)))`; the stream is
/// then `RandomStream(seed: subSeed)`. Streams are created fresh each call: take one per subsystem and keep it.
public struct RandomStreams: Sendable {
    public let rootSeed: UInt64
    public init(rootSeed: UInt64) { self.rootSeed = rootSeed }

    /// The sub-stream for `name` (e.g. `"storage-latency"`).
    /// - Complexity: O(name length).
    public func stream(_ name: String) -> RandomStream {
        RandomStream(seed: subSeed(name))
    }

    /// The sub-seed for `name`, for subsystems with their own generator.
    public func subSeed(_ name: String) -> UInt64 {
        SplitMix64.mix(rootSeed ^ SplitMix64.mix(RandomStreams.fnv1a64(name)))
    }

    /// FNV-1a 64-bit over the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

extension UInt64 {
    @inlinable func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
