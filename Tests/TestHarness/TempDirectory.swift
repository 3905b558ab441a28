import Foundation

/// A fresh directory under the system temp dir (`replsim-LABEL-UUID`), removed by `cleanUp()`.
public struct TempDirectory: Sendable {
    public let path: String

    public init(_ label: String = "test") throws {
        path = NSTemporaryDirectory() + "replsim-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The directory as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}
