/// JUnit XML for `replsim check --junit FILE`: one `<testcase>` per run × metric, a `<failure>` for each
/// regression, and one failing test case per baseline run missing from the current result.
///
/// The layout is the common subset CI systems read (Jenkins, GitLab, GitHub test reporters): a single
/// `<testsuites>` root with one `<testsuite>`; no timestamps or durations, so the output is deterministic.
public enum JUnitWriter {
    /// - Complexity: O(metrics + missing + new runs).
    public static func render(_ result: ComparisonResult) -> String { render([result]) }

    /// One `<testsuite>` per compared scenario inside one `<testsuites>` document (`replsim check DIR`).
    public static func render(_ results: [ComparisonResult]) -> String {
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, skipped: 0)
        for result in results {
            let (suite, tests, failures, skipped) = testsuite(result)
            suites.append(suite)
            totals = (totals.tests + tests, totals.failures + failures, totals.skipped + skipped)
        }
        let counts = "tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" errors=\"0\" skipped=\"\(totals.skipped)\""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="replsim check" \(counts)>
            \(suites.joined(separator: "\n"))
            </testsuites>

            """
    }

    private static func testsuite(_ result: ComparisonResult) -> (String, Int, Int, Int) {
        var cases: [String] = []
        for metric in result.metrics {
            let open = testcase(classname: result.scenario + "." + metric.runID, name: metric.metric.rawValue)
            switch metric.status {
            case .regressed:
                cases.append(
                    open + ">\n      <failure type=\"regression\" message=\"\(escape(metric.summary))\">"
                        + escape(detail(metric, tolerance: result.tolerancePercent)) + "</failure>\n    </testcase>")
            case .improved, .unchanged:
                cases.append(open + "><system-out>" + escape(metric.summary) + "</system-out></testcase>")
            }
        }
        for id in result.missingInCurrent {
            cases.append(
                testcase(classname: result.scenario + "." + id, name: "present")
                    + ">\n      <failure type=\"missing\" message=\"run \(escape(id)) is in the baseline "
                    + "but not in the current result\"/>\n    </testcase>"
            )
        }
        for id in result.newInCurrent {
            cases.append(
                testcase(classname: result.scenario + "." + id, name: "present")
                    + "><skipped message=\"new run without a baseline\"/></testcase>")
        }
        let failures = result.regressions.count + result.missingInCurrent.count
        let skipped = result.newInCurrent.count
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\""
        let suite = """
              <testsuite name="\(escape(result.scenario))" \(counts)>
                \(cases.joined(separator: "\n    "))
              </testsuite>
            """
        return (suite, cases.count, failures, skipped)
    }

    private static func testcase(classname: String, name: String) -> String {
        "<testcase classname=\"\(escape(classname))\" name=\"\(escape(name))\""
    }

    private static func detail(_ metric: MetricComparison, tolerance: Double) -> String {
        let direction = metric.metric.higherIsBetter ? "lower" : "higher"
        return "\(metric.metric.rawValue) of run \(metric.runID) is \(direction) than the baseline beyond the "
            + "\(Format.trimmed(Format.fixed(tolerance, 2))) % tolerance: "
            + "baseline \(metric.metric.format(metric.baseline)), "
            + "current \(metric.metric.format(metric.current)), change \(metric.changeText)."
    }

    /// XML escaping (the same rules as the HTML report's).
    static func escape(_ text: String) -> String { HTML.escape(text) }
}
