import Results
import TestHarness
import Testing

@testable import Reports

@Suite(.cpuBound) struct CSVTests {
    @Test func headerHasFixedColumnsThenParameters() {
        let csv = CSVReport.render(Fixture.sweep(vms: [3], threads: [1, 8]))
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == (CSVReport.columns + ["param.vms", "param.threadsPerVM"]).joined(separator: ","))
        #expect(lines.count == 4)  // header, two rows, empty after the final CRLF
        #expect(lines[3].isEmpty)
    }

    @Test func rowHoldsRawNumbersInColumnOrder() throws {
        let file = Fixture.sweep(vms: [3], threads: [8], cycles: true)
        let run = file.runs[0]
        let rows = parse(CSVReport.render(file))
        #expect(rows.count == 2)
        let header = rows[0], cells = rows[1]
        #expect(cells.count == header.count)
        func cell(_ name: String) -> String? { header.firstIndex(of: name).map { cells[$0] } }
        #expect(cell("id") == "vms=3,threadsPerVM=8")
        #expect(cell("vms") == "3")
        #expect(cell("threadsPerVM") == "8")
        #expect(cell("throughputBitsPerSecond").flatMap(Double.init) == run.throughputBitsPerSecond)
        #expect(cell("bottleneck") == run.bottleneck)
        #expect(cell("shareWithinTargetRPO").flatMap(Double.init) == run.cycles?.shareWithinTargetRPO)
        #expect(cell("wallSeconds") == "")
        #expect(cell("param.threadsPerVM") == "8")
    }

    /// A strict RFC 4180 reader for the tests: CRLF records, quoted fields with doubled quotes.
    func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" {
                        field.unicodeScalars.append(scalars.removeFirst())
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r", scalars.first == "\n" {
                scalars.removeFirst()
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        return rows
    }

    @Test func quotingFollowsRFC4180() {
        #expect(CSVReport.quote("plain") == "plain")
        #expect(CSVReport.quote("a,b") == "\"a,b\"")
        #expect(CSVReport.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReport.quote("line\r\nbreak") == "\"line\r\nbreak\"")
        #expect(CSVReport.quote("lf\nonly") == "\"lf\nonly\"")
    }
}
