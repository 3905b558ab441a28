import Crypto
import Foundation
import Scenario

extension SweepPoint {
    /// Identifies a list of runs by what they simulate: the SHA-256 (hex) of every point's id and fully resolved
    /// document (seed included) as JSON with sorted keys, in order. Two invocations that would simulate the same
    /// runs give the same fingerprint whatever the file was called or how its YAML was spelled; a changed value, seed,
    /// axis or order gives another. `replsim merge` uses it to refuse shards of different jobs.
    /// - Complexity: O(total size of the documents).
    static func fingerprint(of points: [SweepPoint]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hash = SHA256()
        for point in points {
            hash.update(data: Data(point.id.utf8))
            hash.update(data: [0])
            // ScenarioDocument holds only finite numbers (validated at load), so encoding cannot fail.
            hash.update(data: (try? encoder.encode(point.document)) ?? Data())
            hash.update(data: [0])
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
