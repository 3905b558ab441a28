// Live upload on loopback: `replsim live`'s LiveUploader against an in-process
// BlobIngressServer on 127.0.0.1 (syncWrites off, as Benchmarks/live/compare.sh), a dense 256 MiB image with
// CRC-64 per 4 MiB chunk, 4 threads. Reported, not gated in CI (wall clock on a shared 2-core VM; building
// Hummingbird and AsyncHTTPClient in release adds minutes). Run from Benchmarks/:
//   swift package benchmark --target LiveBenchmarks
// The side-by-side figure with iperf3 is Benchmarks/live/compare.sh's.
import Benchmark
import BlobIngress
import Foundation
import LiveDriver

/// One server and one image for all iterations, started on first use.
actor LoopbackRig {
    static let shared = LoopbackRig()
    private var ready: (url: String, image: String, size: Int64)?
    private var serverTask: Task<Void, Error>?

    func prepare() async throws -> (url: String, image: String, size: Int64) {
        if let ready { return ready }
        let root = NSTemporaryDirectory() + "replsim-live-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root + "/blobs", withIntermediateDirectories: true)
        let image = root + "/image.img"
        let size: Int64 = 256 << 20
        _ = try TestImage.generate(path: image, size: size, seed: 7, dataShare: 1)
        let server = try BlobIngressServer(
            configuration: .init(port: 0, dataDirectory: root + "/blobs", profile: IngressProfile(syncWrites: false)))
        let (endpoints, continuation) = AsyncStream.makeStream(of: BlobIngressEndpoint.self)
        serverTask = Task {
            defer { continuation.finish() }
            try await server.run { continuation.yield($0) }
        }
        var iterator = endpoints.makeAsyncIterator()
        guard let endpoint = await iterator.next() else { throw RigError(message: "the blob server did not start") }
        let prepared = (url: "http://127.0.0.1:\(endpoint.port)/\(endpoint.account)", image: image, size: size)
        ready = prepared
        return prepared
    }
}

struct RigError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Live_loopback_256MiB_4threads",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 1,
            maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        do {
            let rig = try await LoopbackRig.shared.prepare()
            let uploader = try LiveUploader(
                configuration: LiveConfiguration(target: try LiveTarget(url: rig.url), sources: [rig.image], threads: 4))
            benchmark.startMeasurement()
            let report = try await uploader.run()
            benchmark.stopMeasurement()
            guard report.bytesAcknowledgedNow > 0 else { return benchmark.error("nothing was uploaded") }
            blackHole(report)
        } catch {
            benchmark.error("live upload failed: \(error)")
        }
    }
}
