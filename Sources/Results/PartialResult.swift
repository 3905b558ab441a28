/// What a part of one kind of job carries besides the shard bookkeeping: a sweep's runs (``ResultFile``, work
/// `"runs"`) or a planner's evaluations (`PlanPart` in module Planner, work `"plan"`).
public protocol PartPayload: Codable, Sendable, Equatable {
    /// The part's `work` value for this kind of job.
    static var work: String { get }
    /// The JSON field of the part that holds the payload.
    static var field: String { get }
    /// What one entry (one unit's output) is called in errors: `"runs"`.
    static var entryName: String { get }
    /// What every part of one job must share, named in errors when it differs: `"result header"`.
    static var headerName: String { get }
    /// Entries held: one per unit of the shard.
    var entryCount: Int { get }
    /// Whether `self` and `other` can be parts of one job (their shared header is equal).
    func sameHeader(as other: Self) -> Bool
}

/// One slice of a job that is split over machines: `replsim sweep|run|plan … --shard i/n` writes one, and
/// `replsim merge` joins all `n` of them into the files a single machine would have written.
///
/// A job is a fixed, ordered list of independent *units* (a sweep's runs: every point × seed, in sweep order; a
/// plan's per-seed searches). Shard `i` of `n` owns the positions ``Shard/assignment(units:count:)`` deals it: an
/// equal share, mixed over the whole job so that every shard gets some of the cheap and some of the expensive
/// units. ``work`` names what a unit is and which JSON field carries the shard's share (`"runs"` → `result`,
/// `"plan"` → `plan`); the bookkeeping and the checks of ``checked(_:tool:)`` are the same for every kind.
///
/// `docs/scaleout.md` documents the file field by field.
public struct ShardPart<Payload: PartPayload>: Codable, Sendable, Equatable {
    /// The version of this file format that this module writes and reads.
    public static var currentFormat: Int { partialFormatVersion }

    /// Format version of this file (``currentFormat``).
    public var partialFormat: Int
    /// The program and version that wrote the part; `merge` accepts parts of its own version only.
    public var tool: String
    /// What a unit is, and so which payload field is set (``PartPayload/work``).
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
    /// This shard's share of the job (its units' outputs, in ``unitIndices`` order), under the JSON field
    /// ``PartPayload/field``.
    public var payload: Payload?

    public init(tool: String, fingerprint: String, shard: Shard, unitCount: Int, payload: Payload?) {
        self.partialFormat = partialFormatVersion
        self.tool = tool
        self.work = Payload.work
        self.fingerprint = fingerprint
        self.shard = shard
        self.unitCount = unitCount
        self.unitIndices = shard.unitIndices(of: unitCount)
        self.payload = payload
    }

    /// The file name a shard writes into its output folder: `part-0003-of-0008.json`.
    public var fileName: String { shard.fileName }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        partialFormat = try c.decode(Int.self, forKey: Key("partialFormat"))
        tool = try c.decode(String.self, forKey: Key("tool"))
        work = try c.decode(String.self, forKey: Key("work"))
        fingerprint = try c.decode(String.self, forKey: Key("fingerprint"))
        shard = try c.decode(Shard.self, forKey: Key("shard"))
        unitCount = try c.decode(Int.self, forKey: Key("unitCount"))
        unitIndices = try c.decode([Int].self, forKey: Key("unitIndices"))
        payload = try c.decodeIfPresent(Payload.self, forKey: Key(Payload.field))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(partialFormat, forKey: Key("partialFormat"))
        try c.encode(tool, forKey: Key("tool"))
        try c.encode(work, forKey: Key("work"))
        try c.encode(fingerprint, forKey: Key("fingerprint"))
        try c.encode(shard, forKey: Key("shard"))
        try c.encode(unitCount, forKey: Key("unitCount"))
        try c.encode(unitIndices, forKey: Key("unitIndices"))
        try c.encodeIfPresent(payload, forKey: Key(Payload.field))
    }
}

/// The part format version (``ShardPart/currentFormat``).
let partialFormatVersion = 1

/// A part of a sweep's or a scenario's runs: its payload is the result file as a single machine writes it,
/// holding only this shard's runs.
public typealias PartialResult = ShardPart<ResultFile>

extension ResultFile: PartPayload {
    public static var work: String { "runs" }
    public static var field: String { "result" }
    public static var entryName: String { "runs" }
    public static var headerName: String { "result header" }
    public var entryCount: Int { runs.count }
    public func sameHeader(as other: ResultFile) -> Bool { header == other.header }
}

extension ShardPart where Payload == ResultFile {
    /// ``work`` of a sweep's or a scenario's runs.
    public static var runsWork: String { ResultFile.work }

    public init(tool: String, fingerprint: String, shard: Shard, unitCount: Int, result: ResultFile?) {
        self.init(tool: tool, fingerprint: fingerprint, shard: shard, unitCount: unitCount, payload: result)
    }

    /// For `work == "runs"`: the result file as a single machine writes it, holding only this shard's runs
    /// (in ``unitIndices`` order).
    public var result: ResultFile? {
        get { payload }
        set { payload = newValue }
    }
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
    case wrongWork(source: String, work: String, expected: String)
    case otherVersion(source: String, tool: String, expected: String)
    case otherJob(source: String, first: String, field: String)
    case duplicateShard(shard: Shard, first: String, second: String)
    case missingShards([Shard], given: Int)
    case inconsistent(source: String, reason: String)

    public var description: String {
        switch self {
        case .noParts: return "no parts to merge"
        case .unsupportedFormat(let source, let format):
            return "\(source): partialFormat \(format) is not supported (this build reads \(partialFormatVersion))"
        case .wrongWork(let source, let work, let expected):
            return "\(source): holds work '\(work)', not '\(expected)' like the other parts"
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

extension ShardPart {
    /// Checks that `parts` are every shard of one job, exactly once, and returns each unit's position in the job
    /// with the part holding it: `(unit position, part, entry index in that part's payload)` for every unit, in
    /// job order.
    ///
    /// `parts` pairs each part with the name used in errors. Checks, in order: format and work, that `tool`
    /// wrote every part, that all parts belong to one job (fingerprint, shard count, unit count and the payload's
    /// header agree), no shard twice, none missing, and each part holding exactly its units.
    /// - Throws: ``MergeError`` naming the offending files.
    /// - Complexity: O(units + parts).
    public static func checked(_ parts: [(source: String, part: ShardPart)], tool: String) throws(MergeError)
        -> [(part: Int, entry: Int)]
    {
        guard let (firstSource, first) = parts.first else { throw .noParts }
        var bySlot: [String?] = Array(repeating: nil, count: first.shard.count)
        let assignment = Shard.assignment(units: first.unitCount, count: first.shard.count)
        for (source, part) in parts {
            guard part.partialFormat == currentFormat else {
                throw .unsupportedFormat(source: source, format: part.partialFormat)
            }
            guard part.work == Payload.work else { throw .wrongWork(source: source, work: part.work, expected: Payload.work) }
            guard part.tool == tool else { throw .otherVersion(source: source, tool: part.tool, expected: tool) }
            let sameHeader: Bool
            switch (part.payload, first.payload) {
            case (let mine?, let theirs?): sameHeader = mine.sameHeader(as: theirs)
            case (nil, nil): sameHeader = true
            default: sameHeader = false
            }
            for (field, same) in [
                ("fingerprint", part.fingerprint == first.fingerprint), ("shard count", part.shard.count == first.shard.count),
                ("unit count", part.unitCount == first.unitCount), (Payload.headerName, sameHeader),
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
            guard let payload = part.payload, payload.entryCount == part.unitIndices.count else {
                throw .inconsistent(
                    source: source,
                    reason: "holds \(part.payload?.entryCount ?? 0) \(Payload.entryName) for \(part.unitIndices.count) units")
            }
        }
        let missing = bySlot.indices.filter { bySlot[$0] == nil }.map { Shard(index: $0, count: first.shard.count) }
        guard missing.isEmpty else { throw .missingShards(missing, given: parts.count) }
        var units = [(part: Int, entry: Int)](repeating: (0, 0), count: first.unitCount)
        for (partIndex, (_, part)) in parts.enumerated() {
            for (entry, unit) in part.unitIndices.enumerated() { units[unit] = (partIndex, entry) }
        }
        return units
    }
}

extension PartialResult {
    /// Joins every shard of one job into the result file a single machine would have written: the common header,
    /// and every run in job order (``ResultFile/runs`` derives the rest, such as uncertainty bands).
    /// - Throws: ``MergeError`` naming the offending files (``checked(_:tool:)``).
    /// - Complexity: O(units + parts).
    public static func merge(_ parts: [(source: String, part: PartialResult)], tool: String) throws(MergeError)
        -> ResultFile
    {
        let units = try checked(parts, tool: tool)
        let first = parts[0].part
        var merged = first.result?.header ?? ResultFile(tool: tool, scenario: "", seed: 0, mode: .simulated, runs: [])
        merged.runs = units.compactMap { parts[$0.part].part.result?.runs[$0.entry] }
        return merged
    }
}
