import Foundation
import Results
import TestHarness
import Testing

@testable import Reports

@Suite(.cpuBound) struct ResultsJSONTests {
    @Test func roundTripIsEqualAndByteIdentical() throws {
        let file = Fixture.sweep(vms: [3, 10], threads: [1, 8], cycles: true, perVMSeries: true)
        let first = try ReportWriter.encode(file)
        let decoded = try ReportWriter.decode(first, source: "mem")
        #expect(decoded == file)
        let second = try ReportWriter.encode(decoded)
        #expect(first == second)
    }

    @Test func extremeSeedAndUnfinishedVMSurvive() throws {
        var file = Fixture.single()
        file.seed = UInt64.max
        file.runs[0].seed = UInt64.max - 1
        file.runs[0].initialReplication = .init(
            perVMCompletionSeconds: [12.5, nil, 40], overallSeconds: nil,
            bytesToCopy: 3)
        file.runs[0].live = .init(wallSeconds: 61.25, endpoint: "127.0.0.1:8089")
        let decoded = try ReportWriter.decode(try ReportWriter.encode(file), source: "mem")
        #expect(decoded == file)
        #expect(decoded.seed == UInt64.max)
    }

    @Test func writeTwiceGivesIdenticalFiles() throws {
        let file = Fixture.sweep(vms: [3, 25], threads: [2, 4, 32], cycles: true)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("replsim-reports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let a = base.appendingPathComponent("a"), b = base.appendingPathComponent("b")
        try ReportWriter.write(file, to: a)
        try ReportWriter.write(try ReportWriter.load(a), to: b)
        for name in [
            ReportWriter.resultFileName, ReportWriter.csvFileName, ReportWriter.markdownFileName,
            ReportWriter.htmlFileName,
        ] {
            let left = try Data(contentsOf: a.appendingPathComponent(name))
            let right = try Data(contentsOf: b.appendingPathComponent(name))
            #expect(!left.isEmpty)
            #expect(left == right, "\(name) differs between writes")
        }
        // Rebuilding from a folder rewrites the same bytes.
        try ReportWriter.rebuild(b)
        #expect(
            try Data(contentsOf: b.appendingPathComponent("report.html"))
                == Data(contentsOf: a.appendingPathComponent("report.html")))
        // Loading a JSON file path works as well as a folder.
        #expect(try ReportWriter.load(a.appendingPathComponent("result.json")) == file)
    }

    @Test func jsonHasSortedTopLevelKeysAndNoWallClockForSimulatedRuns() throws {
        let text = String(decoding: try ReportWriter.encode(Fixture.single()), as: UTF8.self)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted())
        #expect(keys.contains("schemaVersion"))
        #expect(!text.contains("wallSeconds"))
    }

    @Test func missingFieldIsNamedWithItsPath() throws {
        var object = try JSONSerialization.jsonObject(with: try ReportWriter.encode(Fixture.single())) as? [String: Any]
        var runs = object?["runs"] as? [[String: Any]] ?? []
        runs[0]["vms"] = nil
        object?["runs"] = runs
        let data = try JSONSerialization.data(withJSONObject: object ?? [:])
        #expect(throws: ReportError.badInput(source: "x.json", reason: "missing field runs[0].vms")) {
            try ReportWriter.decode(data, source: "x.json")
        }
    }

    @Test func wrongTypeAndGarbageAreBadInput() {
        #expect(throws: ReportError.self) {
            try ReportWriter.decode(Data("{\"schemaVersion\": \"1\"}".utf8), source: "s")
        }
        do {
            _ = try ReportWriter.decode(Data("not json".utf8), source: "f.json")
            Issue.record("garbage decoded")
        } catch {
            guard case .badInput(let source, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(source == "f.json")
        }
    }

    @Test func newerSchemaIsRejected() throws {
        var file = Fixture.single()
        file.schemaVersion = 2
        let data = try ReportWriter.encode(file)
        #expect(throws: ReportError.unsupportedSchema(source: "n.json", version: 2)) {
            try ReportWriter.decode(data, source: "n.json")
        }
    }

    @Test func unknownFieldsAreIgnored() throws {
        var object = try JSONSerialization.jsonObject(with: try ReportWriter.encode(Fixture.single())) as? [String: Any]
        object?["addedLater"] = ["x": 1]
        let data = try JSONSerialization.data(withJSONObject: object ?? [:])
        #expect(try ReportWriter.decode(data, source: "a.json") == Fixture.single())
    }

    @Test func duplicateRunIDsAreRejected() throws {
        var file = Fixture.sweep(vms: [3], threads: [1, 2])
        file.runs[1].id = file.runs[0].id
        let data = try ReportWriter.encode(file)
        #expect(throws: ReportError.duplicateRunID(source: "d", id: file.runs[0].id)) {
            try ReportWriter.decode(data, source: "d")
        }
    }

    @Test func nonFiniteNumberIsAnEncodingErrorNamingTheField() {
        var file = Fixture.single()
        file.runs[0].throughputBitsPerSecond = .nan
        do {
            _ = try ReportWriter.encode(file)
            Issue.record("NaN encoded")
        } catch {
            #expect(error.description.contains("throughputBitsPerSecond"), "\(error)")
        }
    }

    @Test func loadOfMissingPathNamesIt() {
        #expect(throws: ReportError.io(path: "/nonexistent/replsim", reason: "no such file or folder")) {
            try ReportWriter.load(URL(fileURLWithPath: "/nonexistent/replsim"))
        }
    }

    @Test func summaryUsesNearestRank() {
        let summary = Summary(samples: (1...100).map(Double.init).reversed())
        #expect(summary == Summary(p50: 50, p90: 90, p99: 99, max: 100))
        #expect(Summary(samples: []) == Summary(p50: 0, p90: 0, p99: 0, max: 0))
    }

    @Test func histogramBucketsAtBoundsWithOverflow() {
        let buckets = HistogramBucket.histogram(
            samples: [-5, 0, 300, 301, 900, 900.5, .infinity, 7200],
            bounds: [0, 300, 900])
        #expect(
            buckets == [
                HistogramBucket(lowerSeconds: 0, upperSeconds: 300, count: 3),
                HistogramBucket(lowerSeconds: 300, upperSeconds: 900, count: 2),
                HistogramBucket(lowerSeconds: 900, upperSeconds: nil, count: 3),
            ])
        #expect(HistogramBucket.histogram(samples: [1], bounds: []).isEmpty)
        #expect(
            HistogramBucket.histogram(samples: [1, 2], bounds: [5]) == [
                HistogramBucket(lowerSeconds: 5, upperSeconds: nil, count: 2)  // one edge: one bucket holds all
            ])
    }
}
