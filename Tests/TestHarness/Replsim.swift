import Foundation

/// The package's own files, whatever folder the tests run from.
public enum PackagePaths {
    /// The package root (the folder that holds Package.swift), found from this file's path.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file or folder of the package by its path from the root (`scenarios/tiny.yaml`, `docs/results.md`).
    public static func file(_ path: String) -> URL { root.appending(path: path) }

    /// The `replsim` executable that `swift build --build-tests` built: next to the test bundle (the same build
    /// configuration as the tests), else under `.build/debug` or `.build/release`.
    public static func replsim() throws -> String {
        let candidates =
            [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "replsim")]
            + ["debug", "release"].map { root.appending(path: ".build/\($0)/replsim") }
        guard let found = candidates.map(\.path).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw HarnessError("replsim executable not found in \(candidates.map(\.path)); run swift build first")
        }
        return found
    }
}

/// Runs the built `replsim` with `arguments` to completion (`runProgram`: off the cooperative pool, killed after
/// `killAfter`), by default from the package root so that relative paths such as `scenarios/…` resolve.
public func runReplsim(
    _ arguments: [String], workingDirectory: String? = PackagePaths.root.path, environment: [String: String] = [:],
    killAfter: Duration = .seconds(900)
) async throws -> ProgramResult {
    try await runProgram(
        try PackagePaths.replsim(), arguments, workingDirectory: workingDirectory, environment: environment,
        killAfter: killAfter)
}

/// Like `runReplsim`, and meanwhile runs `body` with the running program's process ID (`withProgram`).
public func withReplsim<T: Sendable>(
    _ arguments: [String], workingDirectory: String? = PackagePaths.root.path, environment: [String: String] = [:],
    killAfter: Duration = .seconds(900), body: @escaping @Sendable (_ processIdentifier: pid_t) async throws -> T
) async throws -> (result: ProgramResult, value: T) {
    try await withProgram(
        try PackagePaths.replsim(), arguments, workingDirectory: workingDirectory, environment: environment,
        killAfter: killAfter, body: body)
}

/// A failure of the harness itself (a program that is not there), with what to do about it.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
