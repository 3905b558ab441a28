import Foundation
import Results
import TestHarness

/// Synthetic but plausible results (docs/sources.md §7: 60 MiB/s per page blob ≈ 503 Mbit/s per VM during initial
/// replication, 3 VMs ≈ 1.5 Gbps; a 10 Gbps circuit binds from about 20 VMs). For tests and the example
/// report only; real numbers come from SimDriver.
enum Fixture {
    static let blobCap = 60.0 * 1_048_576 * 8  // 503,316,480 bit/s
    static let circuit = 10e9
    static let perThread = 130e6  // one 4 MiB Put Page per ~260 ms round (RTT + server latency + transfer)


    static func sweep(
        vms: [Int], threads: [Int], seed: UInt64 = 42, cycles: Bool = false, perVMSeries: Bool = false,
        samples: Int = 120
    ) -> ResultFile {
        var runs: [RunResult] = []
        for v in vms {
            for t in threads {
                runs.append(
                    run(
                        vms: v, threads: t, seed: seed, cycles: cycles, perVMSeries: perVMSeries,
                        samples: samples,
                        parameters: [
                            .init(key: "vms", value: String(v)),
                            .init(key: "threadsPerVM", value: String(t)),
                        ]))
            }
        }
        return ResultFile(
            tool: "replsim 0.1.0", scenario: "reference-3vm-expressroute", scenarioFile: "scenarios/reference.yaml",
            description: "How fast do N VMs replicate over a 10 Gbps ExpressRoute circuit, and what limits it?",
            seed: seed, mode: .simulated,
            limits: [
                .init(kind: "blobThroughput", bitsPerSecond: blobCap, requestsPerSecond: 500),
                .init(kind: "circuit", bitsPerSecond: circuit),
            ],
            runs: runs)
    }

    static func single(cycles: Bool = true) -> ResultFile {
        var file = sweep(vms: [3], threads: [8], cycles: cycles, perVMSeries: true)
        file.runs[0].parameters = []
        file.runs[0].id = "run"
        return file
    }

    static func run(
        vms: Int, threads: Int, seed: UInt64, cycles: Bool, perVMSeries: Bool, samples: Int, parameters: [Parameter]
    ) -> RunResult {
        var rng = SeededRandom(seed: seed &+ UInt64(vms * 100 + threads))
        // Threads fill the blob's 60 MiB/s with diminishing returns (they share one blob's cap).
        let threadLimited = Double(threads) * perThread * (threads == 1 ? 0.8 : 1)
        let perVM = blobCap * 0.995 * (1 - exp(-threadLimited / blobCap))
        let aggregate = min(Double(vms) * perVM, circuit * 0.96)
        let kind: BottleneckKind
        if Double(vms) * perVM > circuit * 0.96 {
            kind = .circuit
        } else if threads == 1 {
            kind = .requestOverhead
        } else if perVM < blobCap * 0.95 {
            kind = .threads
        } else {
            kind = .blobThroughput
        }
        let main = 0.78 + 0.12 * rng.unit()
        var shares: [String: Double] = [kind.rawValue: main, BottleneckKind.slowStart.rawValue: (1 - main) * 0.6]
        shares[kind == .window ? "loss" : "window", default: 0] += (1 - main) * 0.4
        let bytesPerVM = 20.0 * 1_073_741_824
        let irSeconds = bytesPerVM * 8 / (aggregate / Double(vms))
        let simulated = (irSeconds * 1.1).rounded(.up)
        let interval = simulated / Double(samples)
        var series: [Double] = []
        var perVMValues: [[Double]] = Array(repeating: [], count: vms)
        for index in 0..<samples {
            let t = Double(index) * interval
            let ramp = min(1, (t + interval) / 20)
            let running = t < irSeconds ? 1.0 : max(0, 1 - (t - irSeconds) / interval)
            let value = aggregate * ramp * running * (1 + 0.04 * (rng.unit() - 0.5))
            series.append(value)
            for vm in 0..<vms { perVMValues[vm].append(value / Double(vms) * (1 + 0.06 * (rng.unit() - 0.5))) }
        }
        let completion = (0..<vms).map { vm -> Double? in irSeconds * (0.97 + 0.03 * Double(vm) / Double(max(vms, 1))) }
        let payload = Int64(bytesPerVM) * Int64(vms)
        return RunResult(
            id: RunResult.makeID(parameters), parameters: parameters, vms: vms, threadsPerVM: threads,
            seed: seed &+ UInt64(vms * 100 + threads), simulatedSeconds: simulated,
            measuredInterval: .init(startSeconds: 20, endSeconds: irSeconds), throughputBitsPerSecond: aggregate,
            peakThroughputBitsPerSecond: series.max() ?? 0, bytesPayload: payload,
            bytesOnWire: payload + payload / 200, bottleneck: kind.rawValue, bottleneckShares: shares,
            timeSeries: .init(
                intervalSeconds: interval, aggregateBitsPerSecond: series,
                perVMBitsPerSecond: perVMSeries ? perVMValues : nil),
            perVMThroughputBitsPerSecond: Array(repeating: aggregate / Double(vms), count: vms),
            initialReplication: .init(
                perVMCompletionSeconds: completion, overallSeconds: completion.last ?? nil,
                bytesToCopy: payload),
            cycles: cycles ? cycleStats(rng: &rng, load: aggregate / circuit) : nil,
            retries: Int(rng.unit() * 20), throttledRequests: kind == .blobThroughput ? Int(rng.unit() * 40) : 0,
            resets: 0, bytesResent: 0, eventCount: 50_000 + vms * threads * 900)
    }

    static func cycleStats(rng: inout SeededRandom, load: Double) -> CycleStats {
        let target = 900.0
        let samples = (0..<400).map { _ in
            300 + 60 + 500 * load * rng.unit() + (rng.unit() < 0.06 ? 700 * rng.unit() : 0)
        }
        let buckets = HistogramBucket.histogram(samples: samples, bounds: [0, 300, 450, 600, 750, 900, 1200])
        let uploads = samples.map { $0 - 300 }
        return CycleStats(
            count: samples.count, committed: samples.count - 2, targetRPOSeconds: target,
            uploadSeconds: Summary(samples: uploads), rpoSeconds: Summary(samples: samples), rpoHistogram: buckets,
            shareWithinTargetRPO: Double(samples.filter { $0 <= target }.count) / Double(samples.count))
    }
}
