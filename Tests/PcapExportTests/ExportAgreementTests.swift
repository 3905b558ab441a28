import Foundation
import Pcap
import Results
import TestHarness
import Testing

/// `replsim run --pcap` end to end: what tshark reads from the capture agrees with the run's result.json.
/// Body frames are cut to 128 bytes in the file, but their wire length is exact, so tshark's byte counts are too.
@Suite(.serialized) struct ExportAgreementTests {
    /// Unix-epoch seconds of virtual time 0 (Monday 1970-01-05 00:00 UTC, the scenario has no `startsAt`).
    static let originSeconds = 4.0 * 86_400

    @Test func wholeRunBytesPerVMAndCalibrationAgreeWithTheResult() async throws {
        let (run, pcap) = try await ExportSupport.export("whole", yaml: ExportSupport.scenarioYAML())
        #expect(run.resets == 0 && run.throttledRequests == 0)
        // Every byte the simulator delivered is in the capture: client → server payload = bytesOnWire.
        let sent = try await ExportSupport.ioTotals(pcap, columns: ["SUM(tcp.len)tcp.len && tcp.dstport==80"])
        #expect(sent.first == Double(run.bytesOnWire), "capture \(sent) vs bytesOnWire \(run.bytesOnWire)")

        // Per connection: conv,tcp sees the same client frames; per VM (one per host, round-robin) the payload
        // minus the 500-byte request headers is the measured payload of result.json.
        let frames = try await ExportSupport.conversationFrames(pcap)
        let segments = try await ExportSupport.clientSegments(pcap)
        #expect(frames.count == 12, "one connection per VM and thread: \(frames.keys.sorted())")
        for (connection, count) in frames {
            #expect(segments[connection]?.frames == count, "\(connection): conv \(count) frames")
        }
        let seconds = run.measuredInterval.seconds
        for vm in 0..<3 {
            let address = "10.0.0.\(vm + 1)"
            let requests = try await ExportSupport.tshark([
                "-r", pcap, "-o", "http.desegment_body:FALSE", "-Y", "http.request && ip.src == \(address)",
                "-T", "fields", "-e", "frame.number",
            ]).split(separator: "\n").count
            let expected = run.perVMThroughputBitsPerSecond[vm] * seconds / 8 + 500 * Double(requests)
            let actual = segments.filter { $0.key.hasPrefix(address + ":") }.reduce(0.0) { $0 + Double($1.value.bytes) }
            #expect(ExportSupport.within(actual, expected), "VM \(vm) (\(address)): \(actual) vs \(expected) bytes")
        }

        // Calibration recovers what was simulated: RTT 2 ms, 12 connections, the throughput.
        let d = try #require(try Calibration.analyze(path: pcap).primary)
        #expect(d.server.description == "203.0.113.10:80")
        #expect(d.connections == 12 && d.maxConcurrentConnections == 12 && d.clients == 3)
        #expect(d.maxConcurrentPerClient == 4)
        #expect(ExportSupport.within(Double(d.handshakeRTTNanos ?? 0), 2e6), "handshake \(d.handshakeRTTNanos ?? -1)")
        #expect(ExportSupport.within(Double(d.dataAckRTTMedianNanos ?? 0), 2e6, 0.05))
        // The simulated aggregate rate while sending: the median of result.json's time series (payload; the
        // 500-byte headers are 0.01 % of a 4 MiB request).
        let series = run.timeSeries.aggregateBitsPerSecond.filter { $0 > 0 }.sorted()
        let simulated = series.isEmpty ? 0 : series[series.count / 2]
        #expect(ExportSupport.within(d.aggregateBitsPerSecond ?? 0, simulated, 0.02),
                "calibrated \(d.aggregateBitsPerSecond ?? 0) vs simulated \(simulated) bit/s")
        #expect(d.typicalRequestBytes == 4 << 20)
        #expect(d.retransmittedSegments == 0)
    }

    /// A windowed export has no handshakes: calibrate still writes a positive RTT (never `rtt: 0ms`, which a
    /// scenario rejects) or leaves it out with a note.
    @Test func calibrateOnAWindowedExportWritesNoZeroRTT() async throws {
        let yaml = ExportSupport.scenarioYAML(duration: "30s", measurement: "{start: 5s, end: 25s}")
        let (_, pcap) = try await ExportSupport.export("window-rtt", yaml: yaml, pcapArguments: ["--pcap-window", "5s...25s"])
        let fragment = pcap + ".yaml"
        _ = try await ExportSupport.replsim(["calibrate", pcap, "--out", fragment])
        let text = try String(contentsOfFile: fragment, encoding: .utf8)
        let rtt = text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("rtt:") }
        if let rtt {
            let value = rtt.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)
            #expect(Double(value.prefix { $0.isNumber || $0 == "." }).map { $0 > 0 } == true, "\(text)")
            #expect(text.contains("no handshake in the capture"), "\(text)")
        } else {
            #expect(text.contains("not measurable from this capture: rtt"), "\(text)")
        }
    }

    /// A 20 s window: the capture's aggregate and per-VM payload equal result.json's measured throughput.
    @Test func windowThroughputAgreesWithTheMeasuredInterval() async throws {
        let yaml = ExportSupport.scenarioYAML(duration: "30s", measurement: "{start: 5s, end: 25s}")
        let (run, pcap) = try await ExportSupport.export("window", yaml: yaml, pcapArguments: ["--pcap-window", "5s...25s"])
        #expect(run.measuredInterval.seconds == 20)
        let addresses = (1...3).map { "10.0.0.\($0)" }
        var columns = ["SUM(tcp.len)tcp.len && tcp.dstport==80", "COUNT(http.request)http.request"]
        for address in addresses {
            columns += [
                "SUM(tcp.len)tcp.len && ip.src==\(address)", "COUNT(http.request)http.request && ip.src==\(address)",
            ]
        }
        let totals = try await ExportSupport.ioTotals(pcap, columns: columns, options: ["-o", "http.desegment_body:FALSE"])
        try #require(totals.count == columns.count, "io,stat row \(totals)")
        let payload = totals[0] - 500 * totals[1]
        let expected = run.throughputBitsPerSecond * 20 / 8
        #expect(ExportSupport.within(payload, expected), "window payload \(payload) vs result \(expected) bytes")
        for vm in 0..<3 {
            let vmPayload = totals[2 + 2 * vm] - 500 * totals[3 + 2 * vm]
            let vmExpected = run.perVMThroughputBitsPerSecond[vm] * 20 / 8
            #expect(ExportSupport.within(vmPayload, vmExpected), "VM \(vm): \(vmPayload) vs \(vmExpected) bytes")
        }
        let times = try await ExportSupport.tshark(["-r", pcap, "-T", "fields", "-e", "frame.time_epoch"])
            .split(separator: "\n").compactMap { Double($0) }
        #expect(times.allSatisfy { $0 >= Self.originSeconds + 5 && $0 <= Self.originSeconds + 25 })
        #expect(times.count > 100_000)
    }

    /// Both circuit legs fail at 3 s (BFD detects in 0.9 s): each reset transfer is one RST, and the retries open
    /// new connections over the internet path (RTT 30 ms).
    @Test func failoverResetsAreVisible() async throws {
        let yaml = ExportSupport.scenarioYAML(
            duration: "10s", replication: ", retry: {base: 1s, cap: 2s, jitter: 0}",
            fallback: "  fallbackPaths: [{name: internet, capacity: 50Mbps, rtt: 30ms, loss: 0}]",
            faults: "faults: [{circuitDown: {connection: both, at: 3s, for: 20s, detection: bfd}}]")
        let (run, pcap) = try await ExportSupport.export("failover", yaml: yaml)
        #expect(run.resets > 0)
        let resets = try await ExportSupport.tshark(["-r", pcap, "-Y", "tcp.flags.reset == 1", "-T", "fields",
                                               "-e", "frame.time_epoch"])
            .split(separator: "\n").compactMap { Double($0) }
        #expect(resets.count == run.resets, "\(resets.count) RSTs, result.json says \(run.resets) resets")
        #expect(resets.allSatisfy { $0 > Self.originSeconds + 3.9 && $0 < Self.originSeconds + 4 })
        let syns = try await ExportSupport.tshark(["-r", pcap, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "-T",
                                             "fields", "-e", "frame.time_epoch"]).split(separator: "\n").count
        #expect(syns > 12, "reconnections after the failover: \(syns) SYNs")
        let sent = try await ExportSupport.ioTotals(pcap, columns: ["SUM(tcp.len)tcp.len && tcp.dstport==80"])
        #expect(sent.first == Double(run.bytesOnWire), "capture \(sent) vs bytesOnWire \(run.bytesOnWire)")
    }

    @Test func windowAndVMSelectionShrinkTheFile() async throws {
        let yaml = ExportSupport.scenarioYAML()
        let (_, whole) = try await ExportSupport.export("select-all", yaml: yaml)
        let (_, part) = try await ExportSupport.export("select-part", yaml: yaml,
                                                 pcapArguments: ["--pcap-window", "2s...4s", "--pcap-vms", "1"])
        let wholeSize = try FileManager.default.attributesOfItem(atPath: whole)[.size] as? Int ?? 0
        let partSize = try FileManager.default.attributesOfItem(atPath: part)[.size] as? Int ?? 0
        #expect(partSize > 0 && partSize * 10 < wholeSize, "selected \(partSize) bytes of \(wholeSize)")
        let rows = try await ExportSupport.tshark(["-r", part, "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src",
                                             "-e", "ip.dst"]).split(separator: "\n")
        #expect(!rows.isEmpty)
        for row in rows {
            let cells = row.split(separator: "\t").map(String.init)
            let t = Double(cells[0]) ?? 0
            #expect(t >= Self.originSeconds + 2 && t <= Self.originSeconds + 4, "packet at \(t)")
            #expect(Set(cells.dropFirst()) == ["10.0.0.2", "203.0.113.10"], "row \(cells)")
        }
    }

    @Test func badPcapOptionsAreClearErrors() async throws {
        let dir = try ExportSupport.folder("errors")
        let scenario = dir.appendingPathComponent("s.yaml").path
        try ExportSupport.scenarioYAML().write(toFile: scenario, atomically: true, encoding: .utf8)
        let sweep = dir.appendingPathComponent("sweep.yaml").path
        try (ExportSupport.scenarioYAML() + "\nsweep: {threadsPerVM: [1, 2]}\n")
            .write(toFile: sweep, atomically: true, encoding: .utf8)
        let pcap = dir.appendingPathComponent("x.pcap").path
        let out = dir.appendingPathComponent("out").path
        let cases: [([String], Int32, String)] = [
            (["run", sweep, "--pcap", pcap, "--out", out], 2, "sweep of 2 points"),
            (["run", scenario, "--pcap", pcap, "--pcap-window", "6s...5s"], 2, "--pcap-window"),
            (["run", scenario, "--pcap", pcap, "--pcap-window", "5x...6s"], 2, "--pcap-window"),
            (["run", scenario, "--pcap", pcap, "--pcap-vms", "0,a"], 2, "--pcap-vms"),
            (["run", scenario, "--pcap-vms", "0"], 2, "need --pcap"),
            (["run", scenario, "--pcap", pcap, "--pcap-vms", "3", "--out", out], 2, "VM 3 does not exist"),
            (["run", scenario, "--pcap", "/nonexistent/dir/x.pcap", "--out", out], 2, "--pcap"),
        ]
        for (arguments, status, message) in cases {
            let run = try await runReplsim(arguments)
            #expect(run.status == status, "\(arguments): exit \(run.status), stderr \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): stderr \(run.stderr)")
        }
        // `sweep` with every axis at one value collapses to a single run and exports.
        let collapsed = try await ExportSupport.replsim(["sweep", sweep, "--threads", "2", "--quiet", "--out", out,
                                                   "--pcap", pcap, "--pcap-window", "1s...2s"])
        #expect(collapsed.contains("wrote \(pcap)"))
    }
}
