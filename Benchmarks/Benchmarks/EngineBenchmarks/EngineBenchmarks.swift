// Engine benchmarks: kernel event rate, event-queue choice, one reallocation at scale, the synthetic
// 100 VM × 32 thread workload. Run from Benchmarks/: `swift package benchmark`.
// Gated metrics are malloc counts (deterministic); wall clock is reported, not gated (shared 2-core VM).
import Benchmark
import HeapModule
import NetModel
import SimKernel

struct Ping: TraceableEvent {
    var code: UInt64
    var traceCode: UInt64 { code }
}

/// A (time, sequence) key for HeapModule's Heap, which is not stable on its own.
struct Keyed: Comparable {
    var time: Int64
    var sequence: UInt64
    static func < (lhs: Keyed, rhs: Keyed) -> Bool { (lhs.time, lhs.sequence) < (rhs.time, rhs.sequence) }
}

let steadyQueueSize = 100_000
let steadyEvents = 1_000_000

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 10,
        thresholds: [
            .mallocCountTotal: .init(relative: [.p50: 10, .p90: 10], absolute: [.p50: 50, .p90: 50])
        ]
    )

    Benchmark("Kernel_events_1M_queue_100k") { benchmark in
        let sim = Simulation<Ping>()
        var random = RandomStream(seed: 1)
        for index in 0..<steadyQueueSize {
            sim.schedule(at: .nanoseconds(Int64(random.uniform(below: 1_000_000))), Ping(code: UInt64(index)))
        }
        benchmark.startMeasurement()
        sim.run(maxEvents: steadyEvents) { sim, event in
            sim.schedule(after: .nanoseconds(Int64(random.uniform(below: 1_000_000))), event)
        }
        benchmark.stopMeasurement()
        blackHole(sim.traceHash)
    }

    Benchmark("EventQueue_steady_100k") { benchmark in
        var queue = EventQueue<Int>()
        var random = RandomStream(seed: 2)
        for index in 0..<steadyQueueSize { queue.push(index, at: .nanoseconds(Int64(random.uniform(below: 1 << 20)))) }
        benchmark.startMeasurement()
        for _ in 0..<steadyEvents {
            guard let (time, _, payload) = queue.popFirst() else { break }
            queue.push(payload, at: time + .nanoseconds(Int64(random.uniform(below: 1 << 20))))
        }
        benchmark.stopMeasurement()
        blackHole(queue.storedCount)
    }

    Benchmark("HeapModule_steady_100k") { benchmark in
        var heap = Heap<Keyed>()
        var random = RandomStream(seed: 2)
        var sequence: UInt64 = 0
        for _ in 0..<steadyQueueSize {
            heap.insert(Keyed(time: Int64(random.uniform(below: 1 << 20)), sequence: sequence))
            sequence += 1
        }
        benchmark.startMeasurement()
        for _ in 0..<steadyEvents {
            guard let top = heap.popMin() else { break }
            heap.insert(Keyed(time: top.time + Int64(random.uniform(below: 1 << 20)), sequence: sequence))
            sequence += 1
        }
        benchmark.stopMeasurement()
        blackHole(heap.count)
    }

    Benchmark("Reallocation_3200_flows_32_classes", configuration: .init(timeUnits: .microseconds, maxIterations: 1000))
    { benchmark in
        // 32 blobs × 100 connections over one circuit and one account: 32 classes, 3,200 flows.
        var net = NetModel()
        do {
            let link = try net.addResource(name: "circuit", kind: .circuit, bitsPerSecond: 10e9)
            let account = try net.addStorageAccount(name: "acct", limits: .currentMajorRegion)
            for disk in 0..<32 {
                let blob = try net.addPageBlob(name: "disk\(disk)", account: account)
                for _ in 0..<100 {
                    let connection = try net.openConnection(
                        route: .path([link], .init(rttSeconds: 0.01)), tcp: TCPParameters(slowStart: false), now: .zero)
                    _ = try net.startTransfer(
                        on: connection, bytes: 1 << 30, storage: net.storagePath(blob: blob), now: .zero)
                }
            }
            benchmark.startMeasurement()
            for iteration in 0..<benchmark.scaledIterations.count {
                // Each capacity change is exactly one reallocation over all 32 classes.
                try net.setCapacity(link, bitsPerSecond: iteration % 2 == 0 ? 9e9 : 10e9, now: .zero)
            }
            benchmark.stopMeasurement()
        } catch {
            benchmark.error("setup failed: \(error)")
        }
        blackHole(net.activeTransfers)
    }

    Benchmark(
        "Synthetic_100VMs_32threads_10GiB",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(20), maxIterations: 3)
    ) { benchmark in
        do {
            let result = try SyntheticUploadWorkload.run(
                vms: 100, threadsPerVM: 32, linkBitsPerSecond: 10e9, rttSeconds: 0.010, extraWaitSeconds: 0.005,
                bytesPerVM: 10 << 30, chunkBytes: 4 << 20)
            blackHole(result.events)
        } catch {
            benchmark.error("workload failed: \(error)")
        }
    }
}
