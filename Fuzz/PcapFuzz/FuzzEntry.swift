import FuzzDriver
import Foundation
import Pcap

// libFuzzer entry point over the pcap reader and calibration analysis (built by scripts/fuzz.sh): the input is a
// capture file's bytes (pcap or pcapng), written to a file of this process and analysed as `replsim calibrate` does.
// Every input must give a report or a `PcapError` that names the file; any other error or a trap stops the fuzzer.
// libpcap itself is not instrumented (a system library): the fuzzer steers by the coverage of replsim's own reader.

let capturePath: String = {
    let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
    return "\(directory)/replsim-pcapfuzz-\(getpid()).pcap"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    guard FileManager.default.createFile(atPath: capturePath, contents: Data(bytes)) else {
        fatalError("cannot write the input to \(capturePath)")
    }
    do {
        let report = try Calibration.analyze(path: capturePath)
        precondition(report.tcpPackets + report.otherPackets <= report.packets, "more kinds of packets than packets")
        for flow in report.destinations.flatMap(\.flows) {
            precondition(flow.uploadBytes >= 0 && flow.downloadBytes >= 0 && flow.endNs >= flow.startNs, "\(flow)")
        }
    } catch let error as PcapError {
        precondition(error.description.contains(capturePath), "error does not name the file: \(error)")
    } catch {
        preconditionFailure("not a PcapError: \(error)")
    }
    return 0
}
