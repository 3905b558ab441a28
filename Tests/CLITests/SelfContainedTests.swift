import Foundation
import TestHarness
import Testing

/// The repository stands on its own: no text in it points at notes outside it or at tracker numbers, and the
/// sourced facts it cites by section exist in docs/sources.md.
@Suite struct SelfContainedTests {
    /// What must not appear: notes kept outside the repository and tracker numbers. Spelled in pieces so that this
    /// file does not match itself.
    static func outside() throws -> Regex<AnyRegexOutput> {
        try Regex(
        ["DOMAIN" + #"(\.md| §)"#, "BUILD" + "-NOTES", "DESIGN" + #"\.md"#, #"\.\./"# + "shared",
         #"\b"# + "issue" + #" ?#?[0-9]"#, #"\b"# + "task" + #" ?#?[0-9]"#].joined(separator: "|")
        ).ignoresCase()
    }

    @Test func noReferenceOutsideTheRepository() async throws {
        let outside = try Self.outside()
        var offenders: [String] = []
        for path in try await textFiles() {
            guard let text = try? String(contentsOf: Paths.root.appendingPathComponent(path), encoding: .utf8)
            else { continue }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(outside) {
                offenders.append("\(path):\(number + 1): \(line.prefix(160))")
            }
        }
        #expect(offenders.isEmpty, "references outside the repository:\n\(offenders.joined(separator: "\n"))")
    }

    /// Every `docs/sources.md §N.M` cited anywhere is a heading of docs/sources.md.
    @Test func citedSectionsExist() async throws {
        let sources = try String(contentsOf: Paths.root.appendingPathComponent("docs/sources.md"), encoding: .utf8)
        let headings = Set(
            sources.split(separator: "\n").filter { $0.hasPrefix("#") }
                .compactMap { $0.split(separator: " ").dropFirst().first.map { String($0.trimmingCharacters(in: .punctuationCharacters)) } }
        )
        let citation = try Regex(#"docs/sources\.md §([0-9A-Z]+(\.[0-9]+)?)"#)
        var missing: [String] = []
        for path in try await textFiles() {
            guard let text = try? String(contentsOf: Paths.root.appendingPathComponent(path), encoding: .utf8)
            else { continue }
            for match in text.matches(of: citation) {
                let section = String(text[match.output[1].range!])
                if !headings.contains(section) { missing.append("\(path): §\(section)") }
            }
        }
        #expect(missing.isEmpty, "cited sections missing from docs/sources.md: \(missing)")
    }

    /// The repository's text files as git lists them, without generated results and this file.
    func textFiles() async throws -> [String] {
        let listed = try await runProgram("/usr/bin/env", ["git", "-C", Paths.root.path, "ls-files"]).stdout
        let files = listed.split(separator: "\n").map(String.init)
        #expect(files.count > 100, "git ls-files listed \(files.count) files")
        let binary = ["png", "pcap", "pcapng", "gz", "zip"]
        return files.filter { path in
            !path.hasPrefix("results/") && !path.hasSuffix("SelfContainedTests.swift")
                && !binary.contains((path as NSString).pathExtension)
        }
    }
}
