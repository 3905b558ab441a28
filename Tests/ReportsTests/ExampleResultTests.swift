import Foundation
import TestHarness
import Testing

@testable import Reports
@testable import Results

/// `results/example/` is the real default sweep of scenarios/reference-3vm-expressroute.yaml (docs/results.md):
/// its headline answers per VM count with the threads needed and an IR time, never "n/a", and every run carries
/// the per-phase fields.
@Suite(.cpuBound) struct ExampleResultTests {
    static let folder = PackagePaths.file("results/example")

    @Test func headlineNamesThreadsPerVMCountAndIRTimes() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("result.json"))
        let file = try JSONDecoder().decode(ResultFile.self, from: data)
        #expect(file.runs.count == 160)
        for run in file.runs {
            let initial = try #require(run.initialReplication, "\(run.id)")
            #expect(initial.timeSeconds != nil && initial.throughputBitsPerSecond != nil, "\(run.id): \(initial)")
            #expect(initial.perVMTimeSeconds?.count == run.vms, "\(run.id)")
        }
        let analysis = ReportAnalysis(file)
        let headline = analysis.headline
        #expect(headline.hasPrefix("Initial replication (IR): "), "\(headline)")
        for vms in Set(file.runs.map(\.vms)).sorted() {
            #expect(headline.contains("\(vms) VMs need "), "\(headline)")
        }
        #expect(!headline.contains("n/a") && !headline.contains("Best"), "\(headline)")
        #expect(headline.contains("(IR "), "\(headline)")
        let html = try String(contentsOf: Self.folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(HTML.escape(headline)), "report.html is not from this result.json")
    }
}
