import Foundation
import Subprocess
import SystemPackage

/// What a finished program printed and how it ended.
public struct ProgramResult: Sendable {
    /// The exit status, or 128 + the signal's number when a signal ended it (as a shell reports it).
    public var status: Int32
    /// The signal that ended the program, if one did.
    public var signal: Int32?
    public var stdout: String
    public var stderr: String
}

/// Runs `path` with `arguments` to completion and collects what it printed, without blocking a thread of Swift's
/// cooperative pool: swift-subprocess waits for the child and reads its pipes on its own I/O thread. On a 2-core
/// machine that pool has two threads and swift-testing runs tests in parallel on it, so one test that blocked in
/// `Process.waitUntilExit()` or `readDataToEndOfFile()` stalled every in-process server of the other tests.
///
/// A program still running after `killAfter` is killed with SIGKILL (its `signal` is then SIGKILL, which no test
/// expects); the bound only stops a hung program from holding the suite.
public func runProgram(
    _ path: String, _ arguments: [String], workingDirectory: String? = nil,
    environment: [String: String] = [:], killAfter: Duration = .seconds(900)
) async throws -> ProgramResult {
    try await withProgram(
        path, arguments, workingDirectory: workingDirectory, environment: environment, killAfter: killAfter
    ) { _ in }.result
}

/// Like `runProgram`, and meanwhile runs `body` with the running program's process ID (to signal it, or to watch
/// its files or its server); returns once both `body` has returned and the program has ended. If `body` throws,
/// the program is killed.
public func withProgram<T: Sendable>(
    _ path: String, _ arguments: [String], workingDirectory: String? = nil,
    environment: [String: String] = [:], killAfter: Duration = .seconds(900),
    body: @escaping @Sendable (_ processIdentifier: pid_t) async throws -> T
) async throws -> (result: ProgramResult, value: T) {
    var updates: [Environment.Key: String?] = [:]
    for (key, value) in environment { updates[Environment.Key(rawValue: key)!] = value }
    let run = try await Subprocess.run(
        .path(FilePath(path)), arguments: Arguments(arguments), environment: .inherit.updating(updates),
        workingDirectory: workingDirectory.map { FilePath($0) }, input: .none, output: .sequence, error: .sequence
    ) { execution in
        async let stdout = collect(execution.standardOutput)
        async let stderr = collect(execution.standardError)
        let watchdog = Task {
            try await Task.sleep(for: killAfter)
            try? execution.send(signal: .kill)
        }
        defer { watchdog.cancel() }
        let value: T
        do {
            value = try await body(execution.processIdentifier.value)
        } catch {
            try? execution.send(signal: .kill)
            throw error
        }
        return (try await stdout, try await stderr, value)
    }
    let (stdout, stderr, value) = run.closureResult
    switch run.terminationStatus {
    case .exited(let code):
        return (ProgramResult(status: code, signal: nil, stdout: stdout, stderr: stderr), value)
    case .signaled(let signal):
        return (ProgramResult(status: 128 + signal, signal: signal, stdout: stdout, stderr: stderr), value)
    }
}

/// The state letter of a process in /proc/PID/stat (`R`, `S`, `T` stopped, `Z` zombie, …), or nil once it is gone.
public func processState(_ pid: pid_t) -> Character? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    return stat[stat.index(after: close)...].first { $0 != " " }
}

/// Everything a stream carries until its end, decoded as UTF-8.
private func collect(_ sequence: SubprocessOutputSequence) async throws -> String {
    var bytes: [UInt8] = []
    for try await buffer in sequence {
        buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Runs blocking work (a blocking socket read, a synchronous library call) on a thread of its own and waits for it
/// without holding a thread of the cooperative pool. `DispatchQueue.global()` is no substitute on Linux: its
/// threads are also about as many as the cores, so blocking work there starves other Dispatch users.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.start()
    }
}

/// `onOwnThread` for work that throws.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}
