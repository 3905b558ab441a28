import Foundation
import Testing
@testable import Reports
@testable import Results

/// Writes the example report of `results/example/` when `REPLSIM_WRITE_EXAMPLE` names a folder:
/// `REPLSIM_WRITE_EXAMPLE=$PWD/results/example swift test --skip-build --filter writeExampleReport`.
/// Synthetic data (see `Fixture`); the lead replaces it with a real sweep.
@Test func writeExampleReport() throws {
    guard let path = ProcessInfo.processInfo.environment["REPLSIM_WRITE_EXAMPLE"] else { return }
    var file = Fixture.sweep(vms: [3, 10, 25], threads: [1, 2, 4, 8, 16, 32], cycles: true, samples: 60)
    file.referenceRunID = "vms=3,threadsPerVM=8"
    try ReportWriter.write(file, to: URL(fileURLWithPath: path))
    #expect(FileManager.default.fileExists(atPath: path + "/report.html"))
}
