import Testing
@testable import Pcap

@Test func PcapModuleBuilds() { #expect(Bool(true)) }
