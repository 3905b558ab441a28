import Testing
@testable import UploadCore

@Test func UploadCoreModuleBuilds() { #expect(Bool(true)) }
