/// Container and blob name rules, and the mapping of names to file names that cannot escape the data directory.
///
/// Container names follow Azure ("Naming and Referencing Containers, Blobs, and Metadata"): 3–63 characters,
/// lowercase letters, digits and single hyphens, starting and ending with a letter or digit. Blob names: 1–1024
/// characters; this server also refuses NUL and other control characters, backslashes, and empty, `.` or `..`
/// path segments, which the service would accept but which can only be traversal attempts here.
/// On disk a blob is named by the SHA-256 of its name (64 hex digits, `BlobNames.fileStem` in BlobIngress), so no
/// name can form a path.
public enum BlobNames {
    /// - Throws: ``BlobServiceError`` `InvalidResourceName` naming the rule broken.
    public static func validateContainer(_ name: String) throws {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else {
            throw BlobServiceError(.invalidResourceName, "container name '\(name)' must be 3 to 63 characters")
        }
        func isAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        for (index, byte) in bytes.enumerated() {
            let ok = isAlnum(byte) || (byte == 45 && index > 0 && index < bytes.count - 1 && bytes[index - 1] != 45)
            guard ok else {
                throw BlobServiceError(
                    .invalidResourceName,
                    "container name '\(name)' has a bad character at \(index): use a-z, 0-9 and single '-' inside"
                )
            }
        }
    }

    /// - Throws: ``BlobServiceError`` `InvalidResourceName` naming the rule broken.
    public static func validateBlob(_ name: String) throws {
        guard (1...1024).contains(name.count) else {
            throw BlobServiceError(.invalidResourceName, "blob name must be 1 to 1024 characters")
        }
        for scalar in name.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\\" {
            throw BlobServiceError(
                .invalidResourceName,
                "blob name has a forbidden character U+\(String(scalar.value, radix: 16))"
            )
        }
        for segment in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard !segment.isEmpty, segment != ".", segment != ".." else {
                throw BlobServiceError(.invalidResourceName, "blob name has an empty, '.' or '..' path segment")
            }
        }
    }

    /// A block ID as a file name: hex of its base64-decoded bytes (at most 64 bytes, so 128 hex digits).
    public static func blockFileName(forID blockID: String) throws -> String {
        guard let raw = decodeBase64(blockID), (1...64).contains(raw.count) else {
            throw BlobServiceError(.invalidBlockId, "block id '\(blockID)' is not base64 of 1 to 64 bytes")
        }
        return raw.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    public func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
