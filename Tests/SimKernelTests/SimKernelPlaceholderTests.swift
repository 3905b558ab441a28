import Testing
@testable import SimKernel

@Test func SimKernelModuleBuilds() { #expect(Bool(true)) }
