/// One slice of a job that is split over machines: `replsim sweep|run … --shard i/n` writes one, and
/// `replsim merge` joins all `n` of them into the `result.json` a single machine would have written.
///
/// A job is a fixed, ordered list of independent *units* (a sweep's runs: every point × seed, in sweep order).
/// Shard `i` of `n` owns the positions ``Shard/assignment(units:count:)`` deals it: an equal share, mixed over the
/// whole sweep so that every shard gets some of the cheap and some of the expensive points. The format is not tied to sweeps: ``work`` names what a unit is and
/// which payload field carries the shard's share (`"runs"` → ``result``); another kind of job (for example the
/// evaluations of a planner) adds its own kind and payload field and reuses the shard bookkeeping and the checks
/// of ``PartialResult/merge(_:tool:)``.
///
/// `docs/scaleout.md` documents the file field by field.
public struct PartialResult: Codable, Sendable, Equatable {
    /// The version of this file format that this module writes and reads.
    public static let currentFormat = 1
    /// ``work`` of a sweep's or a scenario's runs.
    public static let runsWork = "runs"

    /// Format version of this file (``currentFormat``).
    public var partialFormat: Int
    /// The program and version that wrote the part; `merge` accepts parts of its own version only.
    public var tool: String
    /// What a unit is, and so which payload field is set: `"runs"` (``result``).
    public var work: String
    /// The identity of the whole job (same for every shard of it): a digest of every unit's id and fully
    /// resolved input. Parts with different fingerprints belong to different jobs.
    public var fingerprint: String
    /// Which slice this is.
    public var shard: Shard
    /// Units in the whole job (all shards together).
    public var unitCount: Int
    /// Positions (0-based, ascending) in the whole job of this shard's units; parallel to the payload's entries.
    /// Written for readers; `merge` checks them against ``Shard/assignment(units:count:)``.
    public var unitIndices: [Int]
    /// For `work == "runs"`: the result file as a single machine writes it, holding only this shard's runs
    /// (in ``unitIndices`` order).
    public var result: ResultFile?

    public init(
        tool: String, work: String = PartialResult.runsWork, fingerprint: String, shard: Shard, unitCount: Int,
        result: ResultFile?
    ) {
        self.partialFormat = Self.currentFormat
        self.tool = tool
        self.work = work
        self.fingerprint = fingerprint
        self.shard = shard
        self.unitCount = unitCount
        self.unitIndices = shard.unitIndices(of: unitCount)
        self.result = result
    }

    /// The file name a shard writes into its output folder: `part-0003-of-0008.json`.
    public var fileName: String { shard.fileName }
}

/// `i/n`: slice `index` (0-based) of `count`.
public struct Shard: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Largest shard count accepted.
    public static let maxCount = 100_000

    public var index: Int
    public var count: Int

    /// - Precondition: `0 <= index < count <= maxCount`.
    public init(index: Int, count: Int) {
        precondition(count >= 1 && count <= Self.maxCount && index >= 0 && index < count, "shard \(index)/\(count)")
        self.index = index
        self.count = count
    }

    /// Parses `"i/n"` (whole numbers, `0 <= i < n <= 100000`); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
            count <= Self.maxCount, index >= 0, index < count
        else { return nil }
        self.init(index: index, count: count)
    }

    /// The positions (ascending) this shard owns in a job of `units` units; see ``assignment(units:count:)``.
    /// - Complexity: O(units log units).
    public func unitIndices(of units: Int) -> [Int] { Self.assignment(units: units, count: count)[index] }

    /// Every shard's positions (each ascending) in a job of `units` units split `count` ways.
    ///
    /// The units are dealt round-robin in a fixed scrambled order (sorted by SplitMix64's output function of their
    /// position), so every shard gets ⌊units/count⌋ or ⌈units/count⌉ of them, and a mix of the whole sweep. Plain
    /// round-robin in sweep order would not do: with `count` a multiple of the inner axes' sizes (8 seeds × 8 VM
    /// counts, 64 shards) one shard would get every run of the smallest VM count and another every run of the
    /// largest, a hundred times the work. Depends on `units` and `count` only, so every shard and `merge` agree.
    /// - Complexity: O(units log units).
    public static func assignment(units: Int, count: Int) -> [[Int]] {
        let order = (0..<units).map { (key: scramble(UInt64($0)), unit: $0) }.sorted { ($0.key, $0.unit) < ($1.key, $1.unit) }
        var shards = [[Int]](repeating: [], count: count)
        for (position, entry) in order.enumerated() { shards[position % count].append(entry.unit) }
        return shards.map { $0.sorted() }
    }

    /// SplitMix64's output function (Steele, Lea and Flood, OOPSLA 2014) of `value` + the golden-ratio increment.
    static func scramble(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public var description: String { "\(index)/\(count)" }

    /// `part-0003-of-0008.json` (zero-padded so that a folder lists in shard order).
    public var fileName: String {
        func pad(_ value: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: Swift.max(0, 4 - text.count)) + text
        }
        return "part-\(pad(index))-of-\(pad(count)).json"
    }
}

/// Why parts cannot be merged; every case names the files involved.
public enum MergeError: Error, Equatable, CustomStringConvertible, Sendable {
    case noParts
    case unsupportedFormat(source: String, format: Int)
    case wrongWork(source: String, work: String)
    case otherVersion(source: String, tool: String, expected: String)
    case otherJob(source: String, first: String, field: String)
    case duplicateShard(shard: Shard, first: String, second: String)
    case missingShards([Shard], given: Int)
    case inconsistent(source: String, reason: String)

    public var description: String {
        switch self {
        case .noParts: return "no parts to merge"
        case .unsupportedFormat(let source, let format):
            return "\(source): partialFormat \(format) is not supported (this build reads \(PartialResult.currentFormat))"
        case .wrongWork(let source, let work):
            return "\(source): holds work '\(work)'; this build merges '\(PartialResult.runsWork)'"
        case .otherVersion(let source, let tool, let expected):
            return "\(source): written by \(tool), but this is \(expected); merge parts with the version that wrote them"
        case .otherJob(let source, let first, let field):
            return "\(source): belongs to a different job than \(first) (its \(field) differs: another scenario, "
                + "seed, sweep or shard count)"
        case .duplicateShard(let shard, let first, let second):
            return "shard \(shard) given twice: \(first) and \(second)"
        case .missingShards(let missing, let given):
            let total = missing.first?.count ?? 0
            let list = missing.prefix(10).map(\.description).joined(separator: ", ")
            let more = missing.count > 10 ? " and \(missing.count - 10) more" : ""
            return "missing shard\(missing.count == 1 ? "" : "s") \(list)\(more) (got \(given) of \(total))"
        case .inconsistent(let source, let reason): return "\(source): \(reason)"
        }
    }
}

extension PartialResult {
    /// Joins every shard of one job into the result file a single machine would have written: the common header,
    /// and every run in job order (``ResultFile/runs`` derives the rest, such as uncertainty bands).
    ///
    /// `parts` pairs each part with the name used in errors. Checks, in order: format and work, that `tool`
    /// wrote every part, that all parts belong to one job (fingerprint, shard count, unit count and the result
    /// header agree), no shard twice, none missing, and each part holding exactly its units.
    /// - Throws: ``MergeError`` naming the offending files.
    /// - Complexity: O(units + parts).
    public static func merge(_ parts: [(source: String, part: PartialResult)], tool: String) throws(MergeError)
        -> ResultFile
    {
        guard let (firstSource, first) = parts.first else { throw .noParts }
        var bySlot: [String?] = Array(repeating: nil, count: first.shard.count)
        let assignment = Shard.assignment(units: first.unitCount, count: first.shard.count)
        for (source, part) in parts {
            guard part.partialFormat == currentFormat else {
                throw .unsupportedFormat(source: source, format: part.partialFormat)
            }
            guard part.work == runsWork else { throw .wrongWork(source: source, work: part.work) }
            guard part.tool == tool else { throw .otherVersion(source: source, tool: part.tool, expected: tool) }
            for (field, same) in [
                ("fingerprint", part.fingerprint == first.fingerprint), ("shard count", part.shard.count == first.shard.count),
                ("unit count", part.unitCount == first.unitCount),
                ("result header", part.result.map(\.header) == first.result.map(\.header)),
            ] where !same {
                throw .otherJob(source: source, first: firstSource, field: field)
            }
            if let earlier = bySlot[part.shard.index] {
                throw .duplicateShard(shard: part.shard, first: earlier, second: source)
            }
            bySlot[part.shard.index] = source
            guard part.unitIndices == assignment[part.shard.index] else {
                throw .inconsistent(source: source, reason: "its unitIndices are not those of shard \(part.shard)")
            }
            guard let result = part.result, result.runs.count == part.unitIndices.count else {
                throw .inconsistent(
                    source: source,
                    reason: "holds \(part.result?.runs.count ?? 0) runs for \(part.unitIndices.count) units")
            }
        }
        let missing = bySlot.indices.filter { bySlot[$0] == nil }.map { Shard(index: $0, count: first.shard.count) }
        guard missing.isEmpty else { throw .missingShards(missing, given: parts.count) }
        var runs = [RunResult?](repeating: nil, count: first.unitCount)
        for (_, part) in parts {
            for (index, run) in zip(part.unitIndices, part.result?.runs ?? []) { runs[index] = run }
        }
        var merged = first.result?.header ?? ResultFile(tool: tool, scenario: "", seed: 0, mode: .simulated, runs: [])
        merged.runs = runs.compactMap { $0 }
        return merged
    }
}
