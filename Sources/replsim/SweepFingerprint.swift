import Crypto
import Foundation
import Scenario

/// Identifies a sharded job by what it computes, so that `replsim merge` refuses shards of different jobs.
enum JobFingerprint {
    /// The SHA-256 (hex) of every entry's id and value as JSON with sorted keys, in order. Two invocations that
    /// would compute the same thing give the same fingerprint whatever the file was called or how its YAML was
    /// spelled; a changed value, seed, axis, option or order gives another.
    /// - Complexity: O(total size of the values).
    static func of(_ entries: [(id: String, value: any Encodable)]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hash = SHA256()
        for (id, value) in entries {
            hash.update(data: Data(id.utf8))
            hash.update(data: [0])
            // Scenario documents and plan options hold only finite numbers (validated at load), so encoding
            // cannot fail.
            hash.update(data: (try? encoder.encode(value)) ?? Data())
            hash.update(data: [0])
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension SweepPoint {
    /// Identifies a list of runs by what they simulate: every point's id and fully resolved document (seed
    /// included), in order (``JobFingerprint/of(_:)``).
    static func fingerprint(of points: [SweepPoint]) -> String {
        JobFingerprint.of(points.map { ($0.id, $0.document) })
    }
}
