/// HTTP/1.1 text the exporter puts into segments (RFC 9112 request line, status line).
enum HTTPText {
    /// `METHOD PATH HTTP/1.1`, Host, Content-Length, then `X-Pad` up to `paddedTo` bytes when that is
    /// larger than the unpadded header; the result ends with the empty line.
    static func requestHeader(method: String, path: String, host: String, contentLength: Int64,
                              paddedTo target: Int) -> [UInt8] {
        let base = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Length: \(contentLength)\r\n"
        let bare = Array((base + "\r\n").utf8)
        let padHeader = "X-Pad: \r\n"
        let padding = target - bare.count - padHeader.utf8.count
        guard padding >= 0 else { return bare }
        return Array((base + "X-Pad: " + String(repeating: "x", count: padding) + "\r\n\r\n").utf8)
    }

    /// `HTTP/1.1 201 Created` with `Content-Length: 0`.
    static func statusLine(_ status: Int) -> [UInt8] {
        Array("HTTP/1.1 \(status) \(reason(status))\r\nContent-Length: 0\r\n\r\n".utf8)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Server Busy"
        default: return "Status"
        }
    }
}
