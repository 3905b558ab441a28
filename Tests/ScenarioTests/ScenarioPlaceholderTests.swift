import Testing
@testable import Scenario

@Test func ScenarioModuleBuilds() { #expect(Bool(true)) }
