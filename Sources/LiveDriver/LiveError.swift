/// What can stop a live run, each naming what and where.
public enum LiveError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A source image cannot be used.
    case badSource(path: String, reason: String)
    /// The `--target` URL is not `http://HOST:PORT/ACCOUNT`.
    case badTarget(String, reason: String)
    /// The journal directory or file cannot be used.
    case badJournal(path: String, reason: String)
    /// The journal belongs to a different set of disks.
    case journalMismatch(path: String, reason: String)
    /// A setting is out of range.
    case badSetting(String)
    /// Storage refused a request in a way retrying cannot fix (403, 400, 404, 409 ...).
    case rejected(request: String, status: Int, errorCode: String?)
    /// The retry policy gave up.
    case gaveUp(consecutiveFailures: Int, last: String)

    /// Whether the command line or its files are at fault (exit code 2), not the storage or the path to it (1).
    public var isBadInput: Bool {
        switch self {
        case .badSource, .badTarget, .badJournal, .journalMismatch, .badSetting: return true
        case .rejected, .gaveUp: return false
        }
    }

    public var description: String {
        switch self {
        case .badSource(let path, let reason): return "source \(path): \(reason)"
        case .badTarget(let url, let reason): return "--target \(url): \(reason)"
        case .badJournal(let path, let reason): return "journal \(path): \(reason)"
        case .journalMismatch(let path, let reason): return "journal \(path) does not match this run: \(reason)"
        case .badSetting(let text): return text
        case .rejected(let request, let status, let code):
            return "storage rejected \(request): HTTP \(status)\(code.map { " \($0)" } ?? "")"
        case .gaveUp(let failures, let last):
            return "gave up after \(failures) failures in a row (the retry policy's limit); last: \(last)"
        }
    }
}
