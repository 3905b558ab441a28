import CPcap

/// Thin I/O shell over `pcap_open_dead` + `pcap_dump`: writes nanosecond-resolution pcap records.
///
/// Records go through stdio buffering straight to disk; nothing is held in memory.
final class PcapFileWriter {
    let path: String
    private var dead: OpaquePointer?
    private var dumper: OpaquePointer?
    private var header = pcap_pkthdr()

    /// - Parameter maxCaptureLength: the file's snap length field (largest record `caplen` allowed).
    init(path: String, linkType: Int32, maxCaptureLength: Int32 = 65535) throws {
        self.path = path
        guard let dead = pcap_open_dead_with_tstamp_precision(linkType, maxCaptureLength,
                                                              UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw PcapError.cannotWrite(file: path, reason: "pcap_open_dead failed")
        }
        guard let dumper = pcap_dump_open(dead, path) else {
            let reason = String(cString: pcap_geterr(dead))
            pcap_close(dead)
            throw PcapError.cannotWrite(file: path, reason: reason)
        }
        self.dead = dead
        self.dumper = dumper
    }

    deinit {
        if let dumper { pcap_dump_close(dumper) }
        if let dead { pcap_close(dead) }
    }

    /// Appends one record. `captured.count` is the record's caplen, `wireLength` its len.
    /// - Precondition: `timestampNs >= 0`, `captured.count <= wireLength`.
    func write(timestampNs: Int64, captured: [UInt8], wireLength: Int) {
        guard let dumper else { return }
        header.ts = timeval(tv_sec: Int(timestampNs / 1_000_000_000), tv_usec: Int(timestampNs % 1_000_000_000))
        header.caplen = UInt32(captured.count)
        header.len = UInt32(wireLength)
        let user = UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self)
        captured.withUnsafeBufferPointer { pcap_dump(user, &header, $0.baseAddress) }
    }

    /// Flushes and closes the file; reports a write error (for example a full disk).
    func close() throws {
        guard let dumper else { return }
        let flushed = pcap_dump_flush(dumper)
        let failed = ferror(pcap_dump_file(dumper)) != 0
        pcap_dump_close(dumper)
        self.dumper = nil
        if let dead { pcap_close(dead) }
        dead = nil
        if flushed != 0 || failed { throw PcapError.cannotWrite(file: path, reason: "write or flush failed") }
    }
}
