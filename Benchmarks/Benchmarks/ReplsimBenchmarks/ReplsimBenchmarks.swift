// Whole-simulator benchmarks: the upload core's actions/s, one full reference scenario run, and a
// reduced sweep. Run from Benchmarks/: `swift package benchmark --target ReplsimBenchmarks`.
// Gated metrics are malloc counts (deterministic: same seed, same run); wall clock is reported, not gated
// (shared 2-core VM, docs/sources.md §B.4). Live upload on loopback: LiveBenchmarks.
import Benchmark
import Scenario
import SimDriver
import UploadCore

/// The reference scenario, found from Benchmarks/ (where `swift package benchmark` runs) or the repository root.
func referenceScenario(overrides: [SweepOverride]) throws -> Scenario {
    let candidates = ["../scenarios/reference-3vm-expressroute.yaml", "scenarios/reference-3vm-expressroute.yaml"]
    var lastError: (any Error)?
    for path in candidates {
        do { return try ScenarioLoader.load(path: path, sweepOverrides: overrides) } catch { lastError = error }
    }
    throw lastError ?? ScenarioErrorsMissing()
}

struct ScenarioErrorsMissing: Error {}

/// Runs every point of the reference scenario's sweep (with `overrides`) one after the other, measuring from the
/// first run on.
func runReferenceSweep(_ benchmark: Benchmark, overrides: [SweepOverride]) {
    do {
        let scenario = try referenceScenario(overrides: overrides)
        benchmark.startMeasurement()
        for point in scenario.expandSweep() {
            blackHole(try SimDriver.run(point.document, options: .init(checkInvariants: false)))
        }
    } catch {
        benchmark.error("sweep failed: \(error)")
    }
}

/// Drives one UploadCore through an initial replication of `diskBytes`, acknowledging every chunk at once
/// (last started, first acknowledged); returns the number of actions the core emitted.
func driveCore(diskBytes: Int64, threads: Int) throws -> Int {
    let configuration = try UploadCoreConfiguration(
        disks: [DiskSpec(sizeBytes: diskBytes, usedBytes: diskBytes)], threadsPerVM: threads,
        deltaFrequencyNanos: nil, seed: 1)
    var core = UploadCore(configuration: configuration)
    var now: Int64 = 0
    var started: [ChunkID] = []
    var actions = core.start(now: now)
    var count = 0
    while true {
        count += actions.count
        for action in actions {
            if case .startChunk(let request) = action { started.append(request.id) }
        }
        guard let next = started.popLast() else { break }
        now += 1_000_000
        actions = core.chunkSucceeded(next, now: now)
    }
    return count
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 5,
        thresholds: [
            .mallocCountTotal: .init(relative: [.p50: 10, .p90: 10], absolute: [.p50: 500, .p90: 500])
        ]
    )

    // 16 GiB in 4 MiB chunks: 4,096 chunks, ~8,200 actions (start + acknowledgement bookkeeping).
    Benchmark(
        "Core_actions_16GiB_8threads", configuration: .init(metrics: [.wallClock, .mallocCountTotal, .throughput])
    ) { benchmark in
        do {
            blackHole(try driveCore(diskBytes: 16 << 30, threads: 8))
        } catch {
            benchmark.error("core setup failed: \(error)")
        }
    }

    // The reference scenario as written (3 VMs × 4 threads) at 8 threads: 30 simulated minutes.
    Benchmark("Scenario_reference_3VMs_8threads") { benchmark in
        do {
            let scenario = try referenceScenario(overrides: [
                SweepOverride(key: "vms", values: ["3"]), SweepOverride(key: "threadsPerVM", values: ["8"]),
            ])
            guard let point = scenario.expandSweep().first else { return benchmark.error("empty sweep") }
            benchmark.startMeasurement()
            let result = try SimDriver.run(point.document, options: .init(checkInvariants: false))
            blackHole(result)
        } catch {
            benchmark.error("scenario failed: \(error)")
        }
    }

    // A reduced default sweep: threads {1, 8, 16, 32} × VMs {3, 10, 25}, sequential (gated in CI; the full
    // 32 × 5 sweep below takes a minute and a half per iteration).
    Benchmark(
        "Sweep_reference_4threads_x_3vms",
        configuration: .init(maxDuration: .seconds(60), maxIterations: 3)
    ) { benchmark in
        runReferenceSweep(
            benchmark,
            overrides: [
                SweepOverride(key: "vms", values: ["3", "10", "25"]),
                SweepOverride(key: "threadsPerVM", values: ["1", "8", "16", "32"]),
            ])
    }

    // The whole default sweep (threads 1...32 × VMs 3, 10, 25, 50, 100: 160 runs, 100 M events), one thread:
    // its CPU time. `replsim sweep` runs the same points on every core (README, docs/performance.md).
    Benchmark(
        "Sweep_reference_default_32x5",
        configuration: .init(warmupIterations: 0, maxDuration: .seconds(300), maxIterations: 1)
    ) { benchmark in
        runReferenceSweep(benchmark, overrides: [])
    }
}
