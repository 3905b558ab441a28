import HTTPTypes

/// The Azure Blob service error codes this server answers with, each with its HTTP status.
///
/// Source: "Blob service error codes" and "Common REST API error codes" (learn.microsoft.com/rest/api/storageservices);
/// bodies are `<?xml version="1.0" encoding="utf-8"?><Error><Code>…</Code><Message>…</Message></Error>`.
public enum BlobErrorCode: String, Sendable, CaseIterable {
    case authenticationFailed = "AuthenticationFailed"
    case authorizationPermissionMismatch = "AuthorizationPermissionMismatch"
    case authorizationProtocolMismatch = "AuthorizationProtocolMismatch"
    case containerNotFound = "ContainerNotFound"
    case containerAlreadyExists = "ContainerAlreadyExists"
    case blobNotFound = "BlobNotFound"
    case invalidPageRange = "InvalidPageRange"
    case invalidRange = "InvalidRange"
    case invalidHeaderValue = "InvalidHeaderValue"
    case missingRequiredHeader = "MissingRequiredHeader"
    case invalidQueryParameterValue = "InvalidQueryParameterValue"
    case invalidResourceName = "InvalidResourceName"
    case invalidBlobType = "InvalidBlobType"
    case invalidBlockId = "InvalidBlockId"
    case invalidBlockList = "InvalidBlockList"
    case invalidXmlDocument = "InvalidXmlDocument"
    case md5Mismatch = "Md5Mismatch"
    case crc64Mismatch = "Crc64Mismatch"
    case requestBodyTooLarge = "RequestBodyTooLarge"
    case unsupportedHttpVerb = "UnsupportedHttpVerb"
    case serverBusy = "ServerBusy"
    case internalError = "InternalError"
    /// Not an Azure code (an account does not fill up): this server's storage volume is full. 507 (RFC 4918
    /// §11.5), which the Azure SDKs' retry policies do not retry, so the client stops and says so.
    case insufficientStorage = "InsufficientStorage"

    /// The HTTP status the service sends with this code.
    public var status: HTTPResponse.Status {
        switch self {
        case .authenticationFailed, .authorizationPermissionMismatch, .authorizationProtocolMismatch: .forbidden
        case .containerNotFound, .blobNotFound: .notFound
        case .containerAlreadyExists, .invalidBlobType: .conflict
        case .invalidRange: .rangeNotSatisfiable
        case .invalidPageRange, .invalidHeaderValue, .missingRequiredHeader, .invalidQueryParameterValue,
            .invalidResourceName,
            .invalidBlockId, .invalidBlockList, .invalidXmlDocument, .md5Mismatch, .crc64Mismatch:
            .badRequest
        case .requestBodyTooLarge: .contentTooLarge
        case .unsupportedHttpVerb: .methodNotAllowed
        case .serverBusy: .serviceUnavailable
        case .internalError: .internalServerError
        case .insufficientStorage: .init(code: 507, reasonPhrase: "Insufficient Storage")
        }
    }
}

/// A request the service refuses: the code, a message naming what was wrong, and extra response headers.
public struct BlobServiceError: Error, Sendable, CustomStringConvertible {
    public var code: BlobErrorCode
    public var message: String
    /// Status override (Azure sends `InvalidPageRange` as 400 for misaligned ranges, 416 past the end).
    public var status: HTTPResponse.Status
    public var headers: HTTPFields

    public init(
        _ code: BlobErrorCode,
        _ message: String,
        status: HTTPResponse.Status? = nil,
        headers: HTTPFields = [:]
    ) {
        self.code = code
        self.message = message
        self.status = status ?? code.status
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code.rawValue): \(message)" }

    /// The XML error body; `Message` is XML-escaped.
    public var xmlBody: String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>\(code.rawValue)</Code>"
            + "<Message>\(XML.escape(message))</Message></Error>"
    }
}

public enum XML {
    public static func escape(_ text: String) -> String {
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(char)
            }
        }
        return out
    }
}
