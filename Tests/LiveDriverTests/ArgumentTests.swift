import Foundation
import TestHarness
import Testing

/// `replsim live` with bad arguments: a clear message and exit status 2, before anything is sent.
@Suite("replsim live arguments")
struct ArgumentTests {
    static let cases: [(arguments: [String], message: String)] = [
        (["--source", "/etc/passwd"], "--target URL is required"),
        (["--target", "http://127.0.0.1:1/acct"], "give --source FILE"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/nonexistent/x.img"], "source /nonexistent/x.img"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--threads", "40"], "1...32"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--chunk-size", "5MiB"], "4 MiB"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--chunk-size", "lots"], "not a size"),
        (["--target", "ftp://127.0.0.1:1/acct", "--source", "/etc/passwd"], "expected http://"),
        (["--target", "http://127.0.0.1:1/", "--source", "/etc/passwd"], "no account"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--compress", "12"], "0...9"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--generate", "1MiB"], "not both"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--checksum", "sha1"], "crc64, md5"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--cycles", "1", "--churn", "1MiB/s"],
         "only on an image made by --generate"),
        (["--target", "http://127.0.0.1:1/acct", "--generate", "1MiB", "--churn", "1MiB/s"], "--churn needs --cycles"),
        (["--target", "http://127.0.0.1:1/acct", "--generate", "1MiB", "--cycles", "1", "--churn", "fast"],
         "not a positive rate"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--cycles", "2", "--delta-every", "soon"],
         "not a positive duration"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--cycles=-1"], "0 or more"),
        (["--target", "http://127.0.0.1:1/acct", "--source", "/etc/passwd", "--max-failures", "0"], "1 or more"),
    ]

    @Test(arguments: 0..<cases.count)
    func badArgumentExitsTwo(index: Int) async throws {
        let (arguments, message) = Self.cases[index]
        let finished = try await runReplsim(["live"] + arguments)
        #expect(finished.status == 2, "\(arguments): status \(finished.status), stderr \(finished.stderr)")
        #expect(finished.stderr.contains(message), "\(arguments): stderr was \(finished.stderr)")
    }
}
