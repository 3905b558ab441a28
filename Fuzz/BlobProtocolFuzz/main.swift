#if canImport(Glibc)
    import Glibc
#endif

// SwiftPM gives an executable its own `main`, so libFuzzer's is not used: start libFuzzer's driver from here with
// the entry point (LLVMFuzzerRunDriver, libFuzzer's interface for programs with their own main).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafeRawPointer?, Int) -> Int32
) -> Int32

var argumentCount = CommandLine.argc
var arguments = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argumentCount, &arguments) { data, size in
    guard let data else { return fuzzOneInput(UnsafeRawPointer(bitPattern: 1)!, 0) }
    return fuzzOneInput(data, size)
})
