// swift-tools-version: 6.1
// replsim — simulate and measure disaster-recovery replication to cloud storage.
// Module graph and rationale: docs/architecture.md. Only package versions mirrored on the build machines.
import PackageDescription

var targets: [Target] = []

/// The simulator's event loop lives in two classes (`Simulation`, `ReplicationRun`), so every access to their
/// stored properties carries a dynamic exclusivity check in release builds: 12-15 % of a sweep's CPU time in
/// `perf` (swift_beginAccess / AccessSet::insert / endAccess). A run is single-threaded and the static checks
/// stay on, so release builds of these two targets skip the dynamic ones (debug builds, and so the tests, keep
/// them). Measured in docs/performance.md.
let hotLoopSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// MARK: - SimKernel: discrete-event engine (integer-ns time, (time, seq) queue, seeded streams, trace hash)
// Own binary heap instead of HeapModule: equal or faster in Benchmarks/ (EventQueue_steady_100k vs
// HeapModule_steady_100k) and docs/sources.md §B.5 (1.4x), and NetModel reuses it for finish points.
targets += [
    .target(name: "SimKernel", swiftSettings: hotLoopSettings),
    .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "TestHarness"]),
]

// MARK: - NetModel: flow-level network and storage model (max-min sharing, TCP caps, circuit, storage)
targets += [
    .target(name: "NetModel", dependencies: ["SimKernel"]),
    .testTarget(name: "NetModelTests", dependencies: ["NetModel", "SimKernel", "TestHarness"]),
]

// MARK: - UploadCore: the sans-I/O chunk-upload state machine (stdlib + DequeModule only)
targets += [
    .target(name: "UploadCore", dependencies: [.product(name: "DequeModule", package: "swift-collections")]),
    .testTarget(name: "UploadCoreTests", dependencies: ["UploadCore", "TestHarness"]),
]

// MARK: - Results: the result.json model shared by simulated and live runs (stdlib Codable only)
targets += [
    .target(name: "Results"),
]

// MARK: - Scenario: YAML scenarios, validation with file/line/key errors, sweep expansion
targets += [
    // No swift-crypto: the loader is fuzzed (Fuzz/ScenarioFuzz), and its fuzz build should not compile BoringSSL.
    .target(name: "Scenario", dependencies: [
        "Results",  // ScenarioNote: the notes a scenario gets are the ones result.json stores
        .product(name: "Yams", package: "Yams"),
        .product(name: "CSV", package: "CSV.swift"),  // VM inventory CSV (RFC 4180 quoting) for `replsim plan`
    ]),
    .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "TestHarness"]),
]

// MARK: - SimDriver: drives UploadCore over NetModel inside SimKernel
targets += [
    .target(
        name: "SimDriver", dependencies: ["SimKernel", "NetModel", "UploadCore", "Scenario", "Results"],
        swiftSettings: hotLoopSettings),
    .testTarget(name: "SimDriverTests", dependencies: ["SimDriver", "Scenario", "Results", "TestHarness"]),
]

// MARK: - Planner: `replsim plan`, bandwidth searches over the simulator (docs/planning.md)
targets += [
    .target(name: "Planner", dependencies: ["Scenario", "SimDriver", "Results"]),
    .testTarget(name: "PlannerTests", dependencies: ["Planner", "Scenario", "SimDriver", "Results", "TestHarness"]),
]

// MARK: - Reports: JSON / CSV / Markdown / self-contained HTML with SVG charts
targets += [
    .target(name: "Reports", dependencies: ["Results"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Results", "TestHarness"]),
]

// MARK: - CCRC64: hardware CRC-64/NVME (PCLMULQDQ folding, runtime CPUID check); C, no dependencies
// Debian 12's ISA-L (libisal-dev 2.30) has no CRC-64/NVME ("rocksoft") yet, so the ~100 lines are our own.
targets += [
    .target(name: "CCRC64"),
]

// MARK: - CMallocTuning: glibc mallopt for the blob ingress server process (keeps freed receive buffers)
targets += [
    .target(name: "CMallocTuning"),
]

// MARK: - CFileSpace: Linux fallocate (punch a hole for a page clear, reserve space before a page write); C
targets += [
    .target(name: "CFileSpace"),
]

// MARK: - Compression: zlib (system library) and checksums
targets += [
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "Compression", dependencies: ["CZlib", "CCRC64"]),
    .testTarget(name: "CompressionTests", dependencies: ["Compression", "TestHarness"]),
]

// MARK: - Pcap: libpcap (system library): export, capture, calibrate
targets += [
    .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
    .target(name: "Pcap", dependencies: [
        "CPcap",
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "DequeModule", package: "swift-collections"),
    ]),
    .testTarget(name: "PcapTests", dependencies: ["Pcap", "TestHarness"]),
]

// MARK: - BlobProtocol: the Blob protocol without a server (Shared Key and SAS strings and checks, request dates,
// blob names, ranges, error codes, API version). Only swift-http-types, so its fuzzer (Fuzz/) builds in a minute.
targets += [
    .target(name: "BlobProtocol", dependencies: [.product(name: "HTTPTypes", package: "swift-http-types")]),
]


// MARK: - BlobIngress: Azure Blob REST subset server (Hummingbird 2), durable on disk, throttling and faults;
// swift-log per request, Prometheus metrics through swift-metrics and swift-prometheus (docs/live.md)
targets += [
    .target(
        name: "BlobIngress",
        dependencies: [
            "BlobProtocol", "Compression", "CMallocTuning", "CFileSpace",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]
    ),
    .testTarget(
        name: "BlobIngressTests",
        dependencies: [
            "BlobIngress", "BlobProtocol", "Compression", "TestHarness",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]
    ),
]

// MARK: - FidelityTests: replsim vs packet-level ns-3; the comparison library lives in validation/
targets += [
    .target(name: "Fidelity", dependencies: ["Scenario", "SimDriver", "Results"], path: "validation/Fidelity"),
    .testTarget(name: "FidelityTests", dependencies: ["Fidelity", "NetModel", "Scenario", "TestHarness"]),
]

// MARK: - PcapExportTests: `replsim run --pcap` end to end (tshark agreement with result.json), PacketTrace events
// The tshark tests run the built `replsim` executable next to the test bundle (`swift build --build-tests` builds it).
targets += [
    .testTarget(name: "PcapExportTests", dependencies: ["SimDriver", "Scenario", "Results", "Pcap", "TestHarness"]),
]

// MARK: - LiveDriver: drives UploadCore against a real Blob endpoint (AsyncHTTPClient, one connection per thread)
targets += [
    .target(
        name: "LiveDriver",
        dependencies: [
            "UploadCore", "Results", "Compression", "BlobProtocol",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]
    ),
    .testTarget(
        name: "LiveDriverTests",
        dependencies: [
            "LiveDriver", "UploadCore", "Results", "BlobIngress", "Compression", "Pcap", "TestHarness",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),  // the connection flood of ServeMemoryTests
        ]
    ),
]

// MARK: - replsim: the command (swift-argument-parser only here)
targets += [
    .executableTarget(
        name: "replsim",
        dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            "Scenario", "SimDriver", "Results", "Reports", "Pcap", "Compression",
            "BlobIngress", "Fidelity", "LiveDriver", "Planner",
            .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 fingerprints of sweeps (sharded runs)
        ]
    ),
]

// MARK: - TestHarness: what the test targets share, so that no test holds a thread of the cooperative pool that
// swift-testing runs every test on (two threads on a 2-core machine): programs (replsim, tshark, python, git) are
// started and awaited through swift-subprocess, and CPU-bound suites (`.cpuBound`) run on a pool of their own.
targets += [
    .target(
        name: "TestHarness",
        dependencies: [
            "UploadCore",  // SplitMix64: the tests' seeded generator (SeededRandom) is the core's
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ],
        path: "Tests/TestHarness"
    ),
]

// MARK: - CLITests: the real `replsim` binary run as a process
targets += [
    .testTarget(name: "CLITests", dependencies: ["replsim", "TestHarness"]),
]

// MARK: - Fuzz: libFuzzer targets over the request parser and signature checks (BlobProtocol), the scenario loader
// (Scenario) and the capture reader (Pcap), with the driver they share (Fuzz/FuzzDriver). Only in the manifest when
// REPLSIM_FUZZ is set (they link only with -sanitize=fuzzer); scripts/fuzz.sh builds and runs them:
// REPLSIM_FUZZ=1 swift build -Xswiftc -sanitize=fuzzer --product ScenarioFuzz --scratch-path .build-fuzz
if Context.environment["REPLSIM_FUZZ"] != nil {
    targets += [
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .executableTarget(
            name: "BlobProtocolFuzz", dependencies: ["FuzzDriver", "BlobProtocol"], path: "Fuzz/BlobProtocolFuzz"),
        .executableTarget(name: "ScenarioFuzz", dependencies: ["FuzzDriver", "Scenario"], path: "Fuzz/ScenarioFuzz"),
        .executableTarget(name: "PcapFuzz", dependencies: ["FuzzDriver", "Pcap"], path: "Fuzz/PcapFuzz"),
    ]
}

let package = Package(
    name: "replsim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "replsim", targets: ["replsim"]),
        .library(name: "UploadCore", targets: ["UploadCore"]),
        .library(name: "SimKernel", targets: ["SimKernel"]),
        .library(name: "NetModel", targets: ["NetModel"]),
        .library(name: "SimDriver", targets: ["SimDriver"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .library(name: "Results", targets: ["Results"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "BlobIngress", targets: ["BlobIngress"]),
        .library(name: "LiveDriver", targets: ["LiveDriver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        // BlobIngress
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // TestHarness
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
