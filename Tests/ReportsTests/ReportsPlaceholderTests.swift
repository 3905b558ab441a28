import Testing
@testable import Reports

@Test func ReportsModuleBuilds() { #expect(Bool(true)) }
