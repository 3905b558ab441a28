import Foundation
import TestHarness
import Testing

@testable import Reports
@testable import Results

/// Writes a report and checks that what it wrote reads back as the same file and names every run in each format.
func writeAndCheck(_ file: ResultFile, to folder: URL) throws {
    try ReportWriter.write(file, to: folder)
    #expect(try ReportWriter.load(folder) == file, "\(folder.path): result.json does not read back as written")
    let html = try String(contentsOf: folder.appending(path: ReportWriter.htmlFileName), encoding: .utf8)
    let csv = try String(contentsOf: folder.appending(path: ReportWriter.csvFileName), encoding: .utf8)
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"), "\(folder.path): HTML cut short")
    // RFC 4180 lines end in CRLF: a header, one row per run, and nothing after the last line break.
    #expect(csv.components(separatedBy: "\r\n").count == file.runs.count + 2, "\(folder.path): one CSV row per run")
}

/// The synthetic example report (see `Fixture`): written to a temporary folder, or to the folder that
/// `REPLSIM_WRITE_EXAMPLE` names, to look at: `REPLSIM_WRITE_EXAMPLE=/tmp/example swift test --skip-build
/// --filter writeExampleReport`. `results/example/` itself is a real sweep (docs/results.md), not this.
@Test(.cpuBound) func writeExampleReport() throws {
    let temporary = try TempDirectory("example")
    defer { temporary.cleanUp() }
    let folder = ProcessInfo.processInfo.environment["REPLSIM_WRITE_EXAMPLE"].map { URL(fileURLWithPath: $0) }
    var file = Fixture.sweep(vms: [3, 10, 25], threads: [1, 2, 4, 8, 16, 32], cycles: true, samples: 60)
    file.referenceRunID = "vms=3,threadsPerVM=32"
    try writeAndCheck(file, to: folder ?? temporary.url)
}

/// Edge-case reports (a single simulated run, a live run, a 160-run sweep of 5 VM counts × 32 thread counts, a
/// sweep over VMs only), written to a temporary folder, or to the folder that `REPLSIM_WRITE_GALLERY` names to
/// look at them in a browser.
@Test(.cpuBound) func writeReportGallery() throws {
    let temporary = try TempDirectory("gallery")
    defer { temporary.cleanUp() }
    let base = ProcessInfo.processInfo.environment["REPLSIM_WRITE_GALLERY"].map { URL(fileURLWithPath: $0) }
        ?? temporary.url
    try writeAndCheck(Fixture.single(cycles: true), to: base.appending(path: "single"))
    var live = Fixture.single(cycles: false)
    live.mode = .live
    live.runs[0].live = .init(wallSeconds: 412.5, endpoint: "127.0.0.1:8089", compressionRatio: 0.62)
    try writeAndCheck(live, to: base.appending(path: "live"))
    let big = Fixture.sweep(vms: [3, 10, 25, 50, 100], threads: Array(1...32), samples: 600)
    try writeAndCheck(big, to: base.appending(path: "sweep160"))
    let vmsOnly = Fixture.sweep(vms: [3, 10, 25, 50, 100], threads: [8])
    try writeAndCheck(vmsOnly, to: base.appending(path: "vms-only"))
}
