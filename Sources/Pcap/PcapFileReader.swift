import CPcap

#if canImport(Glibc)
import Glibc
#endif

/// Thin I/O shell over `pcap_open_offline`: reads pcap and pcapng files record by record, with
/// timestamps in nanoseconds. Errors name the file, the 1-based packet index and a byte offset.
final class PcapFileReader {
    /// One record; `bytes` is valid only inside the `forEach` body.
    struct Record {
        var index: Int
        var timestampNs: Int64
        var wireLength: Int
        var bytes: UnsafeRawBufferPointer
        /// Byte offset of the record (pcap: its 16-byte header) in the file.
        var offset: Int64
    }

    static let maxSeconds: Int64 = (1 << 62) / 1_000_000_000 - 1

    let path: String
    let linkType: Int32
    private let handle: OpaquePointer

    init(path: String) throws {
        self.path = path
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_NANO),
                                                                  &errbuf) else {
            throw PcapError.cannotOpen(file: path, reason: CText.string(errbuf))
        }
        self.handle = handle
        linkType = pcap_datalink(handle)
    }

    deinit { pcap_close(handle) }

    /// Calls `body` for every record in file order.
    /// - Throws: `PcapError.corruptFile` when libpcap stops inside the file (truncated or bad record).
    /// - Complexity: O(file size).
    func forEach(_ body: (Record) throws -> Void) throws {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        var index = 0
        var offset = currentOffset()
        while true {
            let rc = pcap_next_ex(handle, &header, &data)
            index += 1
            if rc == PCAP_ERROR_BREAK { return }  // end of file
            guard rc == 1, let header, let data else {
                let reason = rc == PCAP_ERROR ? String(cString: pcap_geterr(handle)) : "pcap_next_ex returned \(rc)"
                throw PcapError.corruptFile(file: path, packetIndex: index, byteOffset: offset, reason: reason)
            }
            let h = header.pointee
            // Clamped to [0, 2^62] ns (year 2116) so differences and sums of spans cannot overflow.
            let seconds = min(max(Int64(h.ts.tv_sec), 0), Self.maxSeconds)
            let ts = seconds * 1_000_000_000 + min(max(Int64(h.ts.tv_usec), 0), 999_999_999)
            let record = Record(index: index, timestampNs: ts, wireLength: Int(h.len),
                                bytes: UnsafeRawBufferPointer(start: data, count: Int(h.caplen)), offset: offset)
            try body(record)
            offset = currentOffset()
        }
    }

    /// Position of the underlying stdio stream (the start of the next record).
    private func currentOffset() -> Int64 {
        guard let file = pcap_file(handle) else { return -1 }
        return Int64(ftello(file))
    }
}
