// swift-tools-version: 6.1
// replsim — simulate and measure disaster-recovery replication to cloud storage.
// Module graph and rationale: docs/architecture.md. Only package versions mirrored on the build machines.
import PackageDescription

var targets: [Target] = []

// MARK: - SimKernel: discrete-event engine (integer-ns time, (time, seq) queue, seeded streams, trace hash)
// Own binary heap instead of HeapModule: equal or faster in Benchmarks/ (EventQueue_steady_100k vs
// HeapModule_steady_100k) and BUILD-NOTES §5 (1.4x), and NetModel reuses it for finish points.
targets += [
    .target(name: "SimKernel"),
    .testTarget(name: "SimKernelTests", dependencies: ["SimKernel"]),
]

// MARK: - NetModel: flow-level network and storage model (max-min sharing, TCP caps, circuit, storage)
targets += [
    .target(name: "NetModel", dependencies: ["SimKernel"]),
    .testTarget(name: "NetModelTests", dependencies: ["NetModel", "SimKernel"]),
]

// MARK: - UploadCore: the sans-I/O chunk-upload state machine (stdlib + DequeModule only)
targets += [
    .target(name: "UploadCore", dependencies: [.product(name: "DequeModule", package: "swift-collections")]),
    .testTarget(name: "UploadCoreTests", dependencies: ["UploadCore"]),
]

// MARK: - Results: the result.json model shared by simulated and live runs (stdlib Codable only)
targets += [
    .target(name: "Results"),
]

// MARK: - Scenario: YAML scenarios, validation with file/line/key errors, sweep expansion
targets += [
    .target(name: "Scenario", dependencies: [.product(name: "Yams", package: "Yams")]),
    .testTarget(name: "ScenarioTests", dependencies: ["Scenario"]),
]

// MARK: - SimDriver: drives UploadCore over NetModel inside SimKernel
targets += [
    .target(name: "SimDriver", dependencies: ["SimKernel", "NetModel", "UploadCore", "Scenario", "Results"]),
    .testTarget(name: "SimDriverTests", dependencies: ["SimDriver", "Scenario", "Results"]),
]

// MARK: - Reports: JSON / CSV / Markdown / self-contained HTML with SVG charts
targets += [
    .target(name: "Reports", dependencies: ["Results"]),
    .testTarget(name: "ReportsTests", dependencies: ["Reports", "Results"]),
]

// MARK: - Compression: zlib (system library) and checksums
targets += [
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "Compression", dependencies: ["CZlib"]),
    .testTarget(name: "CompressionTests", dependencies: ["Compression"]),
]

// MARK: - Pcap: libpcap (system library): export, capture, calibrate
targets += [
    .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
    .target(name: "Pcap", dependencies: [
        "CPcap",
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "DequeModule", package: "swift-collections"),
    ]),
    .testTarget(name: "PcapTests", dependencies: ["Pcap"]),
]

// MARK: - replsim: the command (swift-argument-parser only here)
targets += [
    .executableTarget(
        name: "replsim",
        dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "Scenario", "SimDriver", "Results", "Reports", "Pcap", "Compression",
        ]
    ),
]

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
