import CPcap
import Foundation

/// Records live traffic to a pcap file with libpcap, on a background thread.
///
/// ```swift
/// let capture = try PcapCapture.start(interface: "lo", filter: "tcp port 8089", path: "live.pcap")
/// ... run the transfer ...
/// let stats = try capture.stop()
/// ```
/// `start` opens the interface in immediate mode (packets are written as they arrive, no batching delay)
/// with a 32 MiB kernel buffer; `stop` breaks the capture loop (`pcap_breakloop`), then drains what the
/// kernel still holds without blocking, so packets captured before `stop` was called are in the file.
/// Capturing needs root or CAP_NET_RAW + CAP_NET_ADMIN; without them `start` throws `permissionDenied`.
public final class PcapCapture: @unchecked Sendable {
    /// Counters at the end of a capture (`pcap_stats`).
    public struct Statistics: Equatable, Sendable {
        public var received: UInt32
        /// Dropped because the buffer was full: if not 0, the file is missing packets.
        public var dropped: UInt32
        public var droppedByInterface: UInt32
    }

    public let interface: String
    public let path: String
    // Both pointers are used by the capture thread while it runs and by `stop` only after it finished
    // (except `pcap_breakloop`, which libpcap documents as callable from another thread).
    private let handle: OpaquePointer
    private let dumper: OpaquePointer
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false
    private var loopResult: Int32 = 0

    private init(interface: String, path: String, handle: OpaquePointer, dumper: OpaquePointer) {
        self.interface = interface
        self.path = path
        self.handle = handle
        self.dumper = dumper
    }

    /// Opens `interface`, applies the BPF `filter` (tcpdump syntax) and starts writing to `path`.
    /// - Throws: `PcapError.noSuchInterface`, `.permissionDenied`, `.captureFailed` (bad filter, other
    ///   activation errors) or `.cannotWrite`.
    public static func start(interface: String = "lo", filter: String, path: String,
                             snaplen: Int32 = 65535) throws -> PcapCapture {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errbuf) else {
            throw PcapError.captureFailed(interface: interface, reason: CText.string(errbuf))
        }
        var ok = false
        defer { if !ok { pcap_close(handle) } }
        pcap_set_snaplen(handle, snaplen)
        pcap_set_immediate_mode(handle, 1)
        pcap_set_buffer_size(handle, 32 << 20)
        pcap_set_timeout(handle, 100)
        let rc = pcap_activate(handle)
        let reason = String(cString: pcap_geterr(handle))
        switch rc {
        case 0, PCAP_WARNING, PCAP_WARNING_PROMISC_NOTSUP, PCAP_WARNING_TSTAMP_TYPE_NOTSUP:
            break
        case PCAP_ERROR_NO_SUCH_DEVICE:
            throw PcapError.noSuchInterface(interface: interface, reason: reason)
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
            throw PcapError.permissionDenied(interface: interface, reason: reason)
        default:
            throw PcapError.captureFailed(interface: interface, reason: "pcap_activate \(rc): \(reason)")
        }
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw PcapError.captureFailed(interface: interface,
                                          reason: "filter '\(filter)': \(String(cString: pcap_geterr(handle)))")
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw PcapError.captureFailed(interface: interface,
                                          reason: "setfilter: \(String(cString: pcap_geterr(handle)))")
        }
        guard let dumper = pcap_dump_open(handle, path) else {
            throw PcapError.cannotWrite(file: path, reason: String(cString: pcap_geterr(handle)))
        }
        ok = true
        let capture = PcapCapture(interface: interface, path: path, handle: handle, dumper: dumper)
        let thread = Thread { capture.run() }
        thread.name = "replsim-pcap-\(interface)"
        thread.start()
        return capture
    }

    private func run() {
        let user = UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self)
        let rc = pcap_loop(handle, -1, { user, header, bytes in pcap_dump(user, header, bytes) }, user)
        lock.withLock { loopResult = rc }
        finished.signal()
    }

    /// Stops the capture, writes what the kernel still buffers, closes the file and returns the counters.
    /// Calling it twice throws `captureFailed`.
    public func stop() throws -> Statistics {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { throw PcapError.captureFailed(interface: interface, reason: "stop() called twice") }
        pcap_breakloop(handle)
        finished.wait()
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        let user = UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self)
        if pcap_setnonblock(handle, 1, &errbuf) == 0 {
            while pcap_dispatch(handle, -1, { user, header, bytes in pcap_dump(user, header, bytes) }, user) > 0 {}
        }
        var stats = pcap_stat()
        let haveStats = pcap_stats(handle, &stats) == 0
        let flushed = pcap_dump_flush(dumper) == 0
        pcap_dump_close(dumper)
        let loopError = lock.withLock { loopResult } == PCAP_ERROR ? String(cString: pcap_geterr(handle)) : nil
        pcap_close(handle)
        if let loopError { throw PcapError.captureFailed(interface: interface, reason: loopError) }
        guard flushed else { throw PcapError.cannotWrite(file: path, reason: "flush failed") }
        return Statistics(received: haveStats ? stats.ps_recv : 0, dropped: haveStats ? stats.ps_drop : 0,
                          droppedByInterface: haveStats ? stats.ps_ifdrop : 0)
    }
}
