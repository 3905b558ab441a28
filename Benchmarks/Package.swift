// swift-tools-version: 6.1
// replsim engine benchmarks (nested package; docs/sources.md §B.4). Run from this folder:
//   swift package benchmark                                # everything (Engine, Replsim and Live benchmarks)
//   ../scripts/bench-check.sh                              # the fast gated set (malloc-count thresholds)
//   swift run -c release SyntheticWorkloadTimer        # the 100 VM × 32 thread workload, wall time
import PackageDescription

let package = Package(
    name: "replsim-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "replsim", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "SimKernel", package: "replsim"),
                .product(name: "NetModel", package: "replsim"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ReplsimBenchmarks",
            dependencies: [
                .product(name: "UploadCore", package: "replsim"),
                .product(name: "Scenario", package: "replsim"),
                .product(name: "SimDriver", package: "replsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ReplsimBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LiveBenchmarks",
            dependencies: [
                .product(name: "BlobIngress", package: "replsim"),
                .product(name: "LiveDriver", package: "replsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LiveBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SyntheticWorkloadTimer",
            dependencies: [.product(name: "NetModel", package: "replsim")],
            path: "Benchmarks/Tools/SyntheticWorkloadTimer"  // not directly under Benchmarks/: the plugin would run it
        ),
    ],
    swiftLanguageModes: [.v6]
)
