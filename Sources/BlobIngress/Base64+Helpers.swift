import Foundation

func decodeBase64(_ text: some StringProtocol) -> [UInt8]? {
    Data(base64Encoded: String(text)).map { [UInt8]($0) }
}

func encodeBase64(_ bytes: some Sequence<UInt8>) -> String {
    Data(bytes).base64EncodedString()
}
