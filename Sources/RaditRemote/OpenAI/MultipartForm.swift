import Foundation
import RaditBase

/// A `multipart/form-data` body with text fields and one file (RFC 7578), as `/v1/files`
/// takes uploads.
struct MultipartForm {
    let boundary: String
    let body: Data

    init(fields: [(String, String)], file: (name: String, filename: String, data: Data)) {
        // Content-derived, so the same upload is the same bytes.
        boundary = "radit-" + SHA256.hexString(SHA256.hash(file.data)).prefix(32)
        var b = Data()
        func line(_ s: String) { b.append(contentsOf: Array((s + "\r\n").utf8)) }
        for (name, value) in fields {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(name)\"")
            line("")
            line(value)
        }
        let safeName = file.filename.replacingOccurrences(of: "\"", with: "_")
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(safeName)\"")
        line("Content-Type: application/octet-stream")
        line("")
        b.append(file.data)
        line("")
        line("--\(boundary)--")
        body = b
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}
