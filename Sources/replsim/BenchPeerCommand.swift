import ArgumentParser
import Foundation
import NetModel

/// `replsim bench-peer …`: the peer-comparison workload of Benchmarks/peers (N VMs × T threads
/// over one shared link, see its README) run by `SyntheticUploadWorkload`, printed as one JSON line in the
/// format of the SimGrid and SimPy peers:
/// `{"tool":"replsim","makespan_s":…,"transfers":…,"wall_s":…,"cpu_s":…}` (plus the kernel's `events`).
/// `wall_s` and `cpu_s` cover model construction and the run, not process start.
struct BenchPeer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-peer",
        abstract: "Run the peer-comparison workload (Benchmarks/peers) and print one JSON line."
    )

    @Option(name: .long, help: "Number of VMs.")
    var vms: Int
    @Option(name: .long, help: "Upload threads (connections) per VM.")
    var threads: Int
    @Option(name: .customLong("link-bps"), help: "Link capacity in bits per second.")
    var linkBps: Double
    @Option(name: .customLong("rtt-s"), help: "Round-trip time in seconds.")
    var rttS: Double
    @Option(name: .customLong("extra-wait-s"), help: "Wait after each chunk besides the RTT, in seconds.")
    var extraWaitS: Double = 0.005
    @Option(name: .customLong("bytes-per-vm"), help: "Bytes each VM uploads (a multiple of --chunk-bytes).")
    var bytesPerVM: Int64
    @Option(name: .customLong("chunk-bytes"), help: "Chunk size in bytes.")
    var chunkBytes: Int64 = 4_194_304

    func validate() throws {
        guard vms >= 1, threads >= 1 else { throw ValidationError("--vms and --threads must be at least 1") }
        guard linkBps.isFinite, linkBps > 0 else { throw ValidationError("--link-bps must be finite and positive") }
        guard rttS.isFinite, rttS >= 0, extraWaitS.isFinite, extraWaitS >= 0 else {
            throw ValidationError("--rtt-s and --extra-wait-s must be finite and not negative")
        }
        guard chunkBytes > 0, bytesPerVM > 0 else {
            throw ValidationError("--chunk-bytes and --bytes-per-vm must be positive")
        }
        guard bytesPerVM % chunkBytes == 0 else {
            throw ValidationError("--bytes-per-vm (\(bytesPerVM)) is not a multiple of --chunk-bytes (\(chunkBytes))")
        }
    }

    func run() throws {
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let cpuStart = clock()
        let result = try SyntheticUploadWorkload.run(
            vms: vms, threadsPerVM: threads, linkBitsPerSecond: linkBps, rttSeconds: rttS,
            extraWaitSeconds: extraWaitS, bytesPerVM: bytesPerVM, chunkBytes: chunkBytes, slowStart: false)
        let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
        print(
            #"{"tool":"replsim","makespan_s":\#(result.makespanSeconds),"transfers":\#(result.transfers),"#
                + #""wall_s":\#(wall),"cpu_s":\#(cpu),"events":\#(result.events)}"#)
    }
}
