import SimKernel

extension NetModel {
    /// The path characteristics (RTT, loss, congestion control) the connection's last transfer used, or nil for
    /// an unknown connection. The driver needs the RTT to time the response after a transfer.
    /// - Complexity: O(1).
    public func pathCharacteristics(of connection: ConnectionID) -> PathCharacteristics? {
        connections.indices.contains(connection.index) ? connections[connection.index].pathCharacteristics : nil
    }

    /// The resource that models a fallback path, for building fixed routes over it.
    /// - Complexity: O(1).
    public func resource(of fallback: FallbackPathID) -> ResourceID? {
        fallbacks.indices.contains(fallback.index) ? ResourceID(index: fallbacks[fallback.index].resource) : nil
    }
}
