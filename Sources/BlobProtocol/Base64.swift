import Foundation

/// Base64 text as bytes; nil unless valid base64.
public func decodeBase64(_ text: some StringProtocol) -> [UInt8]? {
    Data(base64Encoded: String(text)).map { [UInt8]($0) }
}

/// Bytes as base64 text.
public func encodeBase64(_ bytes: some Sequence<UInt8>) -> String {
    Data(bytes).base64EncodedString()
}
