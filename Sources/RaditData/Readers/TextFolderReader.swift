import Foundation
import RaditText

/// A folder of `.md` and `.txt` files (searched recursively, in path order) as a corpus
/// without questions. One chunk per file (id = path relative to the folder, title = the
/// first Markdown `# ` heading or the file name), or, with a chunker, one chunk per piece
/// (id = `<path>#<n>`).
public enum TextFolderReader {
    public static let extensions: Set<String> = ["md", "txt", "markdown"]

    public static func read(folder: String, options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        let root = URL(fileURLWithPath: folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw DataError.unreadable(file: folder, reason: "not a readable folder")
        }
        var relative: [String] = []
        let prefix = root.standardizedFileURL.path
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            let full = url.standardizedFileURL.path
            relative.append(full.hasPrefix(prefix + "/") ? String(full.dropFirst(prefix.count + 1)) : url.lastPathComponent)
        }
        relative.sort()
        var corpus = Corpus()
        var report = ReadReport()
        for rel in relative {
            let path = folder + "/" + rel
            do throws(DataError) {
                let bytes = try readFileBytes(path)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw DataError.unreadable(file: path, reason: "not valid UTF-8")
                }
                let title = heading(text) ?? URL(fileURLWithPath: rel).deletingPathExtension().lastPathComponent
                if let chunker = options.chunker {
                    for (n, piece) in chunker.chunks(text).enumerated() {
                        try corpus.append(Chunk(id: "\(rel)#\(n)", title: title, text: String(piece)), source: path)
                    }
                } else {
                    try corpus.append(Chunk(id: rel, title: title, text: text), source: path)
                }
            } catch {
                if !options.lenient { throw error }
                report.record(error)
            }
        }
        return Dataset(name: lastPathComponent(folder), format: .folder, corpus: corpus, queries: QuerySet(), report: report)
    }

    /// The first `# ` heading of a Markdown text.
    static func heading(_ text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(20) where line.hasPrefix("# ") {
            return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
