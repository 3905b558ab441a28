import Testing
@testable import Compression

@Test func CompressionModuleBuilds() { #expect(Bool(true)) }
