import Testing
@testable import NetModel

@Test func NetModelModuleBuilds() { #expect(Bool(true)) }
