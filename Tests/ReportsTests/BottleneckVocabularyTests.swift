import Foundation
import Results
import TestHarness
import Testing

@testable import Reports

/// The bottleneck kinds exist once (`BottleneckKind`), are labelled once (`BottleneckLabel`) and are documented
/// once (the table in docs/results.md): the three must agree.
@Suite struct BottleneckVocabularyTests {
    @Test func everyKindHasItsOwnCode() {
        let codes = BottleneckKind.allCases.map { BottleneckLabel.of($0.rawValue).code }
        #expect(Set(codes).count == codes.count, "\(codes)")
        for kind in BottleneckKind.allCases {
            // An unknown kind is named by its raw string; a known one has words of its own.
            #expect(BottleneckLabel.of(kind.rawValue).words != kind.rawValue, "\(kind)")
        }
    }

    @Test func docsListEveryKindWithItsCode() throws {
        let text = try String(contentsOf: PackagePaths.file("docs/results.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "### Bottleneck kinds").dropFirst().first)
        // Table rows: | `kind` | CODE | meaning |
        var documented: [(kind: String, code: String)] = []
        for line in section.split(separator: "\n").prefix(while: { !$0.hasPrefix("## ") }) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[0].hasPrefix("`") else { continue }
            documented.append((cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")), cells[1]))
        }
        #expect(documented.map(\.kind) == BottleneckKind.allCases.map(\.rawValue))
        for row in documented {
            #expect(BottleneckLabel.of(row.kind).code == row.code, "\(row.kind)")
        }
    }
}
