/// The Blob API operations this server implements, told apart as the service tells them apart: by method and the
/// `restype` and `comp` query parameters. Names as Azure Storage logs them (the "OperationType" of
/// "Storage Analytics logged operations and status messages", learn.microsoft.com/rest/api/storageservices).
public enum BlobOperation: String, Sendable, CaseIterable {
    case createContainer = "CreateContainer"
    case getContainerProperties = "GetContainerProperties"
    case putPage = "PutPage"
    case putBlock = "PutBlock"
    case putBlockList = "PutBlockList"
    case putBlob = "PutBlob"
    case getBlob = "GetBlob"
    case getBlobProperties = "GetBlobProperties"
    case deleteBlob = "DeleteBlob"
    /// Any other combination: answered 405 UnsupportedHttpVerb.
    case unsupported = "Unsupported"

    public init(method: String, restype: String?, comp: String?) {
        switch (method, restype, comp) {
        case ("PUT", "container", nil): self = .createContainer
        case ("GET", "container", nil), ("HEAD", "container", nil): self = .getContainerProperties
        case ("PUT", nil, "page"): self = .putPage
        case ("PUT", nil, "block"): self = .putBlock
        case ("PUT", nil, "blocklist"): self = .putBlockList
        case ("PUT", nil, nil): self = .putBlob
        case ("GET", nil, nil): self = .getBlob
        case ("HEAD", nil, nil): self = .getBlobProperties
        case ("DELETE", nil, nil): self = .deleteBlob
        default: self = .unsupported
        }
    }
}
