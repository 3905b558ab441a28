import ArgumentParser
import BlobIngress
import Compression
import Dispatch
import Foundation
import LiveDriver
import Pcap
import Reports
import Results
import Scenario

/// `replsim live`: the same UploadCore the simulator drives, uploading real files to a Blob endpoint.
struct Live: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upload disk images for real with the upload core (Put Page over one connection per thread).",
        discussion: """
            Each --source file becomes one page blob (disk0, disk1, ...) in --container; --generate SIZE writes a \
            deterministic sparse test image first. With --journal DIR the run can be killed at any moment and \
            started again with the same command: it resumes and reports the bytes sent again. With --cycles N, \
            N delta cycles follow initial replication, one every --delta-every, each sending the blocks changed \
            since the last; --churn RATE has a writer change a --generate'd image at RATE meanwhile, as a VM \
            would. Failed requests are retried, backing off from 100 ms to 5 s, and shown with their cause in the \
            progress line; after --max-failures in a row the run gives up, naming the server's last answer or the \
            connection error (with --journal, the same command resumes once the cause is gone). Writes result.json \
            and reports (same schema as simulated runs, mode live) to --out. Bad arguments exit 2; a run that \
            storage refuses or that gives up exits 1. See docs/live.md.
            """
    )

    @Option(help: "Blob endpoint, path style: http://HOST:PORT/ACCOUNT (as 'replsim serve' prints it).")
    var target: String?

    @Option(help: "Upload threads = persistent connections (1...32).")
    var threads = 4

    @Option(help: "A source image (repeat for several disks).")
    var source: [String] = []

    @Option(help: "Generate a deterministic sparse test image of this size (e.g. 2GiB) and upload it.")
    var generate: String?

    @Option(help: "Where --generate writes the image (default: a file in the temp directory).")
    var generatePath: String?

    @Option(help: "Seed of the generated image.")
    var generateSeed: UInt64 = 1

    @Option(help: "Share of the generated image's 1 MiB regions that hold data (0...1).")
    var generateDataShare = 0.05

    @Option(help: "Journal directory: resume from it if it holds records.")
    var journal: String?

    @Option(help: "Storage account (default: the target URL's path).")
    var account: String?

    @Option(help: "Account key, base64 (default: the development key 'replsim serve' uses).")
    var key = SharedKeyRequest.developmentKey

    @Option(help: "Container for the blobs.")
    var container = "replsim-live"

    @Option(help: "Largest Put Page (multiple of 512, at most 4MiB).")
    var chunkSize = "4MiB"

    @Option(help: "Measure zlib compression at this level (0...9) per chunk; the bytes sent stay raw.")
    var compress: Int?

    @Option(help: "Integrity header per chunk: crc64, md5 or none.")
    var checksum = "crc64"

    @Option(help: "Output folder for result.json and reports (default: results/live-<timestamp>/).")
    var out: String?

    @Option(help: "Delta cycles after initial replication (0: initial replication only).")
    var cycles = 0

    @Option(help: "Time between delta cycles (ASR for Hyper-V: 30s, 5min or 15min).")
    var deltaEvery = "30s"

    @Option(help: "Target RPO the cycles are judged against in result.json.")
    var targetRpo = "15min"

    @Option(
        help: "Write into the generated image at this rate while it replicates (e.g. 20MiB/s; needs --generate, --cycles)."
    )
    var churn: String?

    @Option(help: "Bytes per churn write (multiple of 512).")
    var churnWriteSize = "64KiB"

    @Option(help: "Record the run with libpcap to this file (filter: the target's TCP port).")
    var capture: String?

    @Option(help: "Interface for --capture.")
    var interface = "lo"

    @Option(help: "Give up after this many failed requests in a row (retries back off from 100 ms to 5 s).")
    var maxFailures = 10

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        let configuration: LiveConfiguration
        let uploader: LiveUploader
        do {
            configuration = try makeConfiguration()
            uploader = try LiveUploader(configuration: configuration)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var recorder: PcapCapture?
        if let capture {
            do {
                recorder = try PcapCapture.start(
                    interface: interface, filter: "tcp port \(configuration.target.port)", path: capture)
            } catch {
                FileHandle.standardError.write(Data("error: --capture: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let printer = LiveProgressPrinter(quiet: quiet)
        let box = LiveOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.report = try await uploader.run { printer.update($0) } } catch { box.error = error }
            done.signal()
        }
        done.wait()
        printer.end()
        if let recorder {
            let stats = try recorder.stop()
            print("capture: \(stats.received) packets in \(recorder.path), \(stats.dropped) dropped")
        }
        guard let report = box.report else {
            FileHandle.standardError.write(Data("error: \(box.error.map { "\($0)" } ?? "unknown")\n".utf8))
            throw ExitCode((box.error as? LiveError)?.isBadInput == true ? 2 : 1)
        }
        try write(report, configuration: configuration)
    }

    private func makeConfiguration() throws -> LiveConfiguration {
        guard let target else { throw BadInput(message: "--target URL is required") }
        guard let chunk = Quantity.bytes(chunkSize) else {
            throw BadInput(message: "--chunk-size '\(chunkSize)' is not a size (e.g. 4MiB)")
        }
        guard let sum = ChunkChecksum(rawValue: checksum) else {
            throw BadInput(message: "--checksum must be crc64, md5 or none, got '\(checksum)'")
        }
        // Checked before --generate writes anything.
        guard cycles >= 0 else { throw BadInput(message: "--cycles must be 0 or more, got \(cycles)") }
        guard maxFailures >= 1 else { throw BadInput(message: "--max-failures must be 1 or more, got \(maxFailures)") }
        guard let interval = Quantity.nanoseconds(deltaEvery), interval > 0 else {
            throw BadInput(message: "--delta-every '\(deltaEvery)' is not a positive duration (e.g. 30s, 5min)")
        }
        guard let rpo = Quantity.nanoseconds(targetRpo), rpo > 0 else {
            throw BadInput(message: "--target-rpo '\(targetRpo)' is not a positive duration (e.g. 15min)")
        }
        var churnSetting: LiveChurn?
        if let churn {
            guard generate != nil else {
                throw BadInput(
                    message: "--churn writes into the source; it works only on an image made by --generate, "
                        + "never on a --source file")
            }
            guard let bits = Quantity.bitsPerSecond(churn), bits > 0 else {
                throw BadInput(message: "--churn '\(churn)' is not a positive rate (e.g. 20MiB/s)")
            }
            guard let size = Quantity.bytes(churnWriteSize), size > 0, size % 512 == 0, size <= 4 << 20 else {
                throw BadInput(
                    message: "--churn-write-size '\(churnWriteSize)' must be a multiple of 512 between 512 B and 4 MiB")
            }
            guard cycles > 0 else {
                throw BadInput(message: "--churn needs --cycles N (N ≥ 1): changes are replicated by delta cycles")
            }
            churnSetting = LiveChurn(bytesPerSecond: bits / 8, writeBytes: Int(size))
        }
        var sources = source
        switch (generate, sources.isEmpty) {
        case (nil, true): throw BadInput(message: "give --source FILE (one or more) or --generate SIZE")
        case (.some, false): throw BadInput(message: "give either --source or --generate, not both")
        case (.some(let text), true):
            guard let size = Quantity.bytes(text), size > 0 else {
                throw BadInput(message: "--generate '\(text)' is not a positive size (e.g. 2GiB)")
            }
            let path = generatePath ?? NSTemporaryDirectory() + "replsim-live-\(size)-\(generateSeed).img"
            try TestImage.generate(path: path, size: size, seed: generateSeed, dataShare: generateDataShare)
            sources = [path]
        case (nil, false): break
        }
        let configuration = LiveConfiguration(
            target: try LiveTarget(url: target, account: account, keyBase64: key), sources: sources,
            threads: threads, chunkBytes: chunk, compressionLevel: compress, checksum: sum,
            journalDirectory: journal, container: container,
            retryPolicy: LiveConfiguration.fastRetry(giveUpAfter: maxFailures), deltaCycles: cycles,
            deltaIntervalNanos: interval, targetRPONanos: rpo, churn: churnSetting)
        try configuration.validate()
        return configuration
    }

    private func write(_ report: LiveRunReport, configuration: LiveConfiguration) throws {
        var parameters = [
            Parameter(key: "threadsPerVM", value: "\(threads)"),
            Parameter(key: "compress", value: compress.map { "zlib-\($0)" } ?? "off"),
            Parameter(key: "chunkBytes", value: "\(configuration.chunkBytes)"),
        ]
        if cycles > 0 {
            parameters.append(Parameter(key: "cycles", value: "\(cycles)x\(deltaEvery)"))
            parameters.append(Parameter(key: "churn", value: churn ?? "none"))
        }
        let run = report.runResult(id: RunResult.makeID(parameters), parameters: parameters)
        let file = ResultFile(
            tool: "replsim \(ReplSim.configuration.version)", scenario: "live",
            description: "replsim live → \(report.endpoint)", seed: 0, mode: .live, runs: [run])
        let dir = URL(fileURLWithPath: out ?? "results/live-\(Int(Date().timeIntervalSince1970))")
        try ReportWriter.write(file, to: dir)
        let gbps = report.throughputBitsPerSecond / 1e9
        var summary =
            "uploaded \(report.bytesAcknowledgedNow) bytes in \(format(report.wallSeconds)) s "
            + "(\(format(gbps)) Gbit/s, \(threads) threads)"
        if report.resumed { summary += ", resumed with \(report.bytesAcknowledgedBefore) bytes already acknowledged" }
        print(summary)
        if let initial = report.initialReplicationSeconds, report.cycles != nil {
            print("initial replication: \(report.initialReplicationBytes) bytes in \(format(initial)) s")
        }
        if let cycles = report.cycles {
            print(
                "delta cycles: \(cycles.committed) committed of \(cycles.count), every \(deltaEvery); upload time "
                    + "p50 \(format(cycles.uploadSeconds.p50)) s, max \(format(cycles.uploadSeconds.max)) s; RPO max "
                    + "\(format(cycles.rpoSeconds.max)) s (target \(targetRpo)); "
                    + "churn written \(report.churnBytes) bytes")
        }
        print(
            "bytes re-sent: \(report.bytesResent) (after failures \(report.stats.bytesResentAfterFailure), "
                + "after restart \(report.stats.bytesResentAfterRecovery)); retries \(report.stats.retries), "
                + "throttled \(report.stats.throttledResponses), resets \(report.stats.connectionResets), "
                + "server errors \(report.stats.serverErrors)")
        if checksum == ChunkChecksum.crc64.rawValue {
            print("checksum: x-ms-content-crc64 by \(CRC64.implementation) on both sides")
        }
        if let ratio = report.compressionRatio {
            let mibps = Double(report.bytesSent) / 1_048_576 / Swift.max(report.compressionCPUSeconds, 1e-9)
            print(
                "zlib level \(compress ?? 0): ratio \(format(ratio)) (compressed/raw), "
                    + "\(format(report.compressionCPUSeconds)) CPU s, \(format(mibps)) MiB/s per core; sent raw")
        }
        print("wrote \(dir.path)/report.html")
    }
}

private func format(_ value: Double) -> String { String(format: "%.3f", value) }

/// The upload task's outcome, handed back to the synchronous command.
final class LiveOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var storedReport: LiveRunReport?
    private var storedError: Error?
    var report: LiveRunReport? {
        get { lock.withLock { storedReport } }
        set { lock.withLock { storedReport = newValue } }
    }
    var error: Error? {
        get { lock.withLock { storedError } }
        set { lock.withLock { storedError = newValue } }
    }
}

/// Progress of `replsim live` on standard error, in ProgressReporter's style: a bar with throughput and ETA on a
/// terminal (redrawn at most 10 times a second), a plain line every 2 seconds otherwise, nothing with `--quiet`.
final class LiveProgressPrinter: @unchecked Sendable {
    private let style: ProgressStyle
    private let lock = NSLock()
    private var lastDraw = -Double.infinity
    private var drewBar = false
    private var lastFailureShown: String?

    init(quiet: Bool) {
        style = ProgressStyle(quiet: quiet)
    }

    func update(_ progress: LiveProgress) {
        lock.lock()
        defer { lock.unlock() }
        let interval = style == .bar ? 0.1 : 2.0
        let complete = progress.bytesAcknowledged >= progress.bytesTotal
        // A new failure cause, or the end of a failure spell, is shown at once.
        let failureChanged = progress.lastFailure != lastFailureShown
        guard style != .quiet, complete || failureChanged || progress.elapsedSeconds - lastDraw >= interval else {
            return
        }
        lastDraw = progress.elapsedSeconds
        lastFailureShown = progress.lastFailure
        let rate = progress.elapsedSeconds > 0 ? Double(progress.bytesThisRun) / progress.elapsedSeconds : 0
        let left = Double(progress.bytesTotal - progress.bytesAcknowledged)
        let eta = rate > 0 ? "\(Int((left / rate).rounded()))s" : "--"
        let mib = { (bytes: Int64) in String(format: "%.0f", Double(bytes) / 1_048_576) }
        var text =
            "\(mib(progress.bytesAcknowledged))/\(mib(progress.bytesTotal)) MiB  "
            + String(format: "%.2f Gbit/s", rate * 8 / 1e9) + "  retries \(progress.retries)  ETA \(eta)"
        if progress.cyclesPlanned > 0 { text += "  cycles \(progress.cyclesCommitted)/\(progress.cyclesPlanned)" }
        if let failure = progress.lastFailure, progress.failuresInARow > 0 {
            let limit = progress.giveUpAfter.map { " of \($0)" } ?? ""
            text += "  retrying (\(progress.failuresInARow)\(limit) failures in a row): \(failure)"
        }
        switch style {
        case .quiet:
            return
        case .lines, .json:  // `live` has no --json; plain lines if it ever gets the style
            FileHandle.standardError.write(Data("live: \(text)\n".utf8))
        case .bar:
            let bar = ProgressStyle.bar(progress.bytesAcknowledged, of: progress.bytesTotal)
            FileHandle.standardError.write(Data("\r\u{1B}[Klive \(bar) \(text)".utf8))
            drewBar = true
        }
    }

    /// Ends the bar's line.
    func end() {
        lock.withLock { if drewBar { FileHandle.standardError.write(Data("\n".utf8)) } }
    }
}
