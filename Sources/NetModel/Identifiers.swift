/// A shared resource with a capacity in bits/s (link, policer, NIC, storage target). Dense index.
public struct ResourceID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool { lhs.index < rhs.index }
}

/// A TCP connection (one per upload thread). Dense index, never reused.
public struct ConnectionID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.index < rhs.index }
}

/// One transfer (a chunk upload). Slots are reused; the generation tells a finished transfer from its successor.
public struct TransferID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let slot: Int32
    public let generation: UInt32
    public static func < (lhs: TransferID, rhs: TransferID) -> Bool {
        (lhs.slot, lhs.generation) < (rhs.slot, rhs.generation)
    }
    public var description: String { "transfer#\(slot).\(generation)" }
}

/// A private-peering circuit (ExpressRoute) with one or two policed connections.
public struct CircuitID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (lhs: CircuitID, rhs: CircuitID) -> Bool { lhs.index < rhs.index }
}

/// An internet fallback path.
public struct FallbackPathID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (lhs: FallbackPathID, rhs: FallbackPathID) -> Bool { lhs.index < rhs.index }
}

/// A storage account (ingress resource + request token bucket).
public struct StorageAccountID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (lhs: StorageAccountID, rhs: StorageAccountID) -> Bool { lhs.index < rhs.index }
}

/// A page blob (throughput resource + request token bucket) in one storage account.
public struct BlobID: Hashable, Comparable, Sendable {
    public let index: Int
    public static func < (lhs: BlobID, rhs: BlobID) -> Bool { lhs.index < rhs.index }
}

/// Errors for bad input to the model; each names what was wrong and where.
public enum NetModelError: Error, Equatable, CustomStringConvertible {
    case invalidValue(field: String, value: Double, expected: String)
    case unknown(String)
    case connectionBusy(ConnectionID, active: TransferID)
    case emptyPath(ConnectionID)

    public var description: String {
        switch self {
        case .invalidValue(let field, let value, let expected): "\(field) = \(value): expected \(expected)"
        case .unknown(let what): "unknown \(what)"
        case .connectionBusy(let connection, let active):
            "connection \(connection.index) already carries \(active); one transfer per connection (HTTP/1.1)"
        case .emptyPath(let connection): "connection \(connection.index) has a path with no resources"
        }
    }
}

func requirePositive(_ value: Double, _ field: @autoclosure () -> String) throws {
    guard value > 0, value.isFinite else {
        throw NetModelError.invalidValue(field: field(), value: value, expected: "a finite number > 0")
    }
}

func requireFraction(_ value: Double, _ field: @autoclosure () -> String, below upper: Double = 1) throws {
    guard value >= 0, value < upper else {
        throw NetModelError.invalidValue(field: field(), value: value, expected: "a number in [0, \(upper))")
    }
}
