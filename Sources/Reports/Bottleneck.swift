import Results

/// How reports name a bottleneck: a short code for chart cells and words for sentences. This is the one label
/// table of the kinds in `BottleneckKind`; docs/results.md prints the same codes.
///
/// Unknown kinds (written by a newer simulator) get a code made from their first letters and their raw
/// name as words, so reports never fail on them.
public struct BottleneckLabel: Sendable, Equatable {
    /// Two to four capital letters, for heatmap cells.
    public var code: String
    /// A short name for headings and cards, e.g. "page-blob cap".
    public var name: String
    /// A noun phrase for sentences, e.g. "the 60 MiB/s page-blob cap".
    public var words: String

    /// The label of `kind`, using `limits` (from the result file) to name the capacity when known.
    /// - Complexity: O(n) in the number of limits.
    public static func of(_ kind: String, limits: [ResourceLimit]? = nil) -> BottleneckLabel {
        let limit = limits?.first { $0.kind == kind }
        guard let known = BottleneckKind(rawValue: kind) else {
            let letters = kind.filter { $0.isLetter }.uppercased()
            return BottleneckLabel(code: letters.isEmpty ? "?" : String(letters.prefix(4)), name: kind, words: kind)
        }
        return label(known, limit: limit)
    }

    private static func label(_ kind: BottleneckKind, limit: ResourceLimit?) -> BottleneckLabel {
        let bits = limit?.bitsPerSecond.map { Format.bitsPerSecond($0, trim: true) + " " } ?? ""
        let bytes = limit?.bitsPerSecond.map { Format.bytes($0 / 8) + "/s " } ?? ""
        let requests = limit?.requestsPerSecond.map { Format.fixed($0, 0) + " req/s " } ?? ""
        switch kind {
        case .threads: return .init(code: "THR", name: "threads", words: "too few upload threads")
        case .window: return .init(code: "WIN", name: "TCP window", words: "the TCP window (window / RTT)")
        case .slowStart: return .init(code: "SS", name: "slow start", words: "TCP slow start")
        case .loss: return .init(code: "LOSS", name: "packet loss", words: "packet loss (congestion response)")
        case .requestOverhead: return .init(code: "REQ", name: "request overhead", words: "per-request overhead")
        case .nic: return .init(code: "NIC", name: "host NIC", words: "the \(bits)host NIC")
        case .hostCPU: return .init(code: "CPU", name: "host CPU", words: "the \(bits)host CPU (compression)")
        case .circuit: return .init(code: "CKT", name: "circuit", words: "the \(bits)circuit")
        case .fallbackPath: return .init(code: "FB", name: "fallback path", words: "the \(bits)internet fallback path")
        case .accountIngress:
            return .init(code: "ACC", name: "account ingress", words: "the \(bits)storage-account ingress cap")
        case .accountRequestRate:
            return .init(code: "ARQ", name: "account requests", words: "the \(requests)storage-account request cap")
        case .blobThroughput: return .init(code: "BLOB", name: "page-blob cap", words: "the \(bytes)page-blob cap")
        case .blobRequestRate:
            return .init(code: "BRQ", name: "blob requests", words: "the \(requests)page-blob request cap")
        case .bandwidthThrottle: return .init(code: "THTL", name: "throttle", words: "the \(bits)bandwidth throttle")
        case .outage: return .init(code: "OUT", name: "outage", words: "a path outage")
        case .idle: return .init(code: "IDLE", name: "idle", words: "lack of work (churn below capacity)")
        case .other: return .init(code: "OTH", name: "other", words: "an unnamed resource")
        }
    }
}
