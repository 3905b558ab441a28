import Foundation
import TestHarness
import Testing

@testable import BlobIngress

/// The official Azure SDK for Python (azure-storage-blob) against our server: no code of ours on the client side.
/// Needs `pip install azure-storage-blob`; a missing SDK fails this test with that instruction, it never skips.
@Suite struct SDKCompatibilityTests {
    static var scriptPath: String {
        PackagePaths.file("tools/sdk/azure_sdk_roundtrip.py").path
    }

    @Test func pythonSDKCreatesUploadsAndReadsBack() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed = 31
        try await withServer(directory: dir.path) { client in
            let (status, output) = try await runPython([Self.scriptPath, client.endpoint.connectionString, "\(seed)"])
            if status == 3 {
                Issue.record(
                    "azure-storage-blob is missing: run `python3 -m pip install azure-storage-blob`. \(output)"
                )
                return
            }
            #expect(status == 0, "SDK script failed (reproduce with seed \(seed)):\n\(output)")
            #expect(output.contains("SDK-ROUNDTRIP OK"), "\(output)")
        }
    }

    /// Runs `python3 args…` (off the cooperative pool), returning its exit status and its output (stdout, stderr).
    func runPython(_ args: [String]) async throws -> (Int32, String) {
        // Loopback only, whatever proxy the machine sets.
        let run = try await runProgram(
            "/usr/bin/env", ["python3"] + args,
            environment: ["NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"])
        return (run.status, run.stdout + run.stderr)
    }
}
