import Testing
@testable import SimDriver

@Test func SimDriverModuleBuilds() { #expect(Bool(true)) }
