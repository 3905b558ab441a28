import BlobProtocol
import Foundation
import FuzzDriver

// libFuzzer entry point over the Blob protocol's parsers and checks (built by scripts/fuzz.sh).
//
// The input is split at newlines into fields: a request date, a range, a SAS query string, a container name, a blob
// name, a block ID, then `name:value` header lines. Every parser must return or throw a 4xx BlobServiceError (any
// other error, a trap or a 5xx stops the fuzzer), and a few properties must hold: a date that parses formats back to
// itself, a range is ordered, header-name comparison is antisymmetric, a refused SAS never passes a second check.

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt { fuzzOneInput(fuzzInput(data, size)) }

func fuzzOneInput(_ bytes: UnsafeRawBufferPointer) -> CInt {
    let fields = bytes.split(separator: 10, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
    }
    func field(_ index: Int) -> String { index < fields.count ? fields[index] : "" }

    if let seconds = HTTPDate.parse(field(0)) {
        precondition(HTTPDate.parse(HTTPDate.format(epochSeconds: seconds)) == seconds, "date round trip")
    }
    refusedAsClientError {
        let range = try ByteRange(header: field(1))
        precondition(range.start >= 0 && (range.end ?? range.start) >= range.start, "range order")
    }
    let query = field(2).split(separator: "&").map { pair -> (name: String, value: String) in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
    if let sas = ServiceSAS(query: query) {
        // A stand-in signer: the fuzzer explores the checks around the MAC, not the MAC itself.
        let sign = { (text: String) in String(text.utf8.count) }
        for access in [ServiceSAS.Access.read, .write, .create, .delete, .container] {
            refusedAsClientError {
                try sas.authorize(
                    account: "replsim",
                    container: field(3),
                    blob: field(4),
                    access: access,
                    now: Date(timeIntervalSince1970: 1_795_000_000),
                    sign: sign
                )
            }
        }
    }
    refusedAsClientError { try BlobNames.validateContainer(field(3)) }
    refusedAsClientError { try BlobNames.validateBlob(field(4)) }
    refusedAsClientError { _ = try BlobNames.blockFileName(forID: field(5)) }
    _ = ServiceSAS.parseVersion(field(2))

    let headers = fields.dropFirst(6).compactMap { line -> (name: String, value: String)? in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]))
    }
    let request = SharedKeyRequest(method: "PUT", headers: headers, rawPath: "/" + field(4), query: query)
    _ = request.stringToSign(account: "replsim")
    refusedAsClientError { try request.checkRequestTime(nowEpochSeconds: 1_795_000_000) }
    if headers.count >= 2 {
        let (a, b) = (headers[0].name.lowercased(), headers[1].name.lowercased())
        precondition(
            SharedKeyRequest.compareHeaderNames(a, b) == -SharedKeyRequest.compareHeaderNames(b, a),
            "header order is not antisymmetric"
        )
    }
    return 0
}

/// Runs `body`; a thrown error must be a BlobServiceError with a 4xx status.
func refusedAsClientError(_ body: () throws -> Void) {
    do {
        try body()
    } catch let error as BlobServiceError {
        precondition((400..<500).contains(error.status.code), "a client's input answered \(error.status.code)")
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
}
