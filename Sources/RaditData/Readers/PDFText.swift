import Foundation

/// The text of a PDF through poppler's `pdftotext` (Debian `poppler-utils`, installed by
/// scripts/bootstrap.sh), run as a subprocess with a time limit. Pages are separated by a
/// blank line.
enum PDFText {
    static let tool = "pdftotext"
    /// Longest a single PDF may take.
    static let timeoutSeconds = 120.0

    /// The tool's path on `PATH`, or nil.
    static func toolPath() -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for d in dirs {
            let candidate = "\(d)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func text(of path: String, timeout: Double = timeoutSeconds) throws(DataError) -> String {
        guard let exe = toolPath() else { throw DataError.missingTool(tool: tool, file: path) }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("radit-pdftotext-\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw DataError.unreadable(file: path, reason: "cannot make a temporary folder for pdftotext: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("text.txt")
        let errors = scratch.appendingPathComponent("stderr.txt")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw DataError.unreadable(file: path, reason: "cannot make a temporary file for pdftotext's messages")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["-enc", "UTF-8", "-eol", "unix", path, output.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard let errorHandle = try? FileHandle(forWritingTo: errors) else {
            throw DataError.unreadable(file: path, reason: "cannot open a temporary file for pdftotext's messages")
        }
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        do { try process.run() } catch {
            throw DataError.unsupportedFile(file: path, reason: "could not start \(exe): \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw DataError.unsupportedFile(file: path, reason: "pdftotext did not finish within \(Int(timeout)) s (a damaged or very large PDF)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8))?
                .split(separator: "\n").suffix(3).joined(separator: "; ") ?? ""
            throw DataError.unsupportedFile(file: path, reason: "not a readable PDF (pdftotext exit \(process.terminationStatus)\(message.isEmpty ? "" : ": " + message))")
        }
        guard let data = try? Data(contentsOf: output) else {
            throw DataError.unsupportedFile(file: path, reason: "pdftotext wrote no text file")
        }
        // Form feeds end pages.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{0C}", with: "\n\n")
    }
}
