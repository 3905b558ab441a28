import Foundation
import TestHarness
import Testing

@testable import Reports
@testable import Results

/// Writes a synthetic example report (see `Fixture`) when `REPLSIM_WRITE_EXAMPLE` names a folder:
/// `REPLSIM_WRITE_EXAMPLE=/tmp/example swift test --skip-build --filter writeExampleReport`.
/// `results/example/` itself is a real sweep (docs/results.md), not this.
@Test(.cpuBound) func writeExampleReport() throws {
    guard let path = ProcessInfo.processInfo.environment["REPLSIM_WRITE_EXAMPLE"] else { return }
    var file = Fixture.sweep(vms: [3, 10, 25], threads: [1, 2, 4, 8, 16, 32], cycles: true, samples: 60)
    file.referenceRunID = "vms=3,threadsPerVM=32"
    try ReportWriter.write(file, to: URL(fileURLWithPath: path))
    #expect(FileManager.default.fileExists(atPath: path + "/report.html"))
}

/// Writes edge-case reports for looking at in a browser when `REPLSIM_WRITE_GALLERY` names a folder:
/// a single simulated run, a live run, and a 160-run sweep (5 VM counts × 32 thread counts).
@Test(.cpuBound) func writeReportGallery() throws {
    guard let path = ProcessInfo.processInfo.environment["REPLSIM_WRITE_GALLERY"] else { return }
    let base = URL(fileURLWithPath: path)
    try ReportWriter.write(Fixture.single(cycles: true), to: base.appendingPathComponent("single"))
    var live = Fixture.single(cycles: false)
    live.mode = .live
    live.runs[0].live = .init(wallSeconds: 412.5, endpoint: "127.0.0.1:8089", compressionRatio: 0.62)
    try ReportWriter.write(live, to: base.appendingPathComponent("live"))
    let big = Fixture.sweep(vms: [3, 10, 25, 50, 100], threads: Array(1...32), samples: 600)
    try ReportWriter.write(big, to: base.appendingPathComponent("sweep160"))
    let vmsOnly = Fixture.sweep(vms: [3, 10, 25, 50, 100], threads: [8])
    try ReportWriter.write(vmsOnly, to: base.appendingPathComponent("vms-only"))
    #expect(FileManager.default.fileExists(atPath: path + "/sweep160/report.html"))
}
