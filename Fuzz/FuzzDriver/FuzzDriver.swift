#if canImport(Glibc)
    import Glibc
#endif

// Starts libFuzzer's driver for the fuzz targets in Fuzz/ (built by scripts/fuzz.sh). SwiftPM gives an executable its
// own `main`, so libFuzzer's is not used: each target's main.swift calls `runLibFuzzer` with its entry point, which
// starts the driver through LLVMFuzzerRunDriver (libFuzzer's interface for programs with their own main). Each target
// also exports its entry as `LLVMFuzzerTestOneInput`, the symbol libFuzzer's runtime links against.

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> Int32
) -> Int32

/// Runs libFuzzer with this process's arguments and `testOneInput` (called with a non-null pointer, also for empty
/// inputs), then exits with libFuzzer's status.
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafeRawPointer?, Int) -> Int32) -> Never {
    var argumentCount = CommandLine.argc
    var arguments = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argumentCount, &arguments, testOneInput))
}

/// The bytes of one libFuzzer input (an empty input may come with a null pointer).
public func fuzzInput(_ data: UnsafeRawPointer?, _ size: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: size == 0 ? nil : data, count: size)
}
