import Foundation
import RaditText

/// A folder of documents (searched recursively, in path order; hidden files and folders,
/// whose names start with '.', are not documents) as a corpus without questions: `.md`,
/// `.markdown` and `.txt` (UTF-8, maybe gzipped), `.html`/`.htm` (text of the page, block
/// elements as paragraphs) and `.pdf` (text through poppler's pdftotext). One chunk per
/// file: id = path relative to the folder; title = the first Markdown `# ` heading, the
/// HTML `<title>`/first `<h1>`, or the file name. Chunking long files is
/// `DatasetReader`'s job (`ReadOptions.chunker`).
///
/// A file that cannot be read as text (another extension, binary content, a damaged PDF,
/// no text at all) is an error naming it, or with `lenient` a skip counted in the report;
/// never silently dropped. A folder holding a dataset file (`corpus.jsonl`, a `.json` or
/// `.jsonl` at its top) is refused: it is a dataset, not prose.
public enum TextFolderReader {
    /// How a document file is turned into text.
    public enum DocumentKind: String, Sendable, CaseIterable {
        case markdown, plainText, html, pdf
    }

    /// The document kind of a file name (`.gz` allowed on text kinds), or nil.
    public static func kind(of name: String) -> DocumentKind? {
        let lower = name.lowercased()
        let compressed = lower.hasSuffix(".gz")
        let ext = URL(fileURLWithPath: withoutGzipSuffix(lower)).pathExtension
        switch ext {
        case "md", "markdown": return .markdown
        case "txt": return .plainText
        case "html", "htm": return .html
        case "pdf": return compressed ? nil : .pdf
        default: return nil
        }
    }

    public static func read(folder: String, options: ReadOptions = ReadOptions()) throws(DataError) -> Dataset {
        if DatasetReader.isBEIRFolder(folder) { throw DataError.datasetInTextFolder(folder: folder, file: "corpus.jsonl") }
        if let f = DatasetReader.datasetFiles(in: folder).first { throw DataError.datasetInTextFolder(folder: folder, file: f) }
        let root = URL(fileURLWithPath: folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw DataError.unreadable(file: folder, reason: "not a readable folder")
        }
        var relative: [String] = []
        let prefix = root.standardizedFileURL.path
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            relative.append(full.hasPrefix(prefix + "/") ? String(full.dropFirst(prefix.count + 1)) : url.lastPathComponent)
        }
        relative.sort()
        var corpus = Corpus()
        var report = ReadReport()
        for rel in relative {
            let path = folder + "/" + rel
            do throws(DataError) {
                let (title, text) = try document(path)
                let name = URL(fileURLWithPath: withoutGzipSuffix(rel)).deletingPathExtension().lastPathComponent
                try corpus.append(Chunk(id: rel, title: title ?? name, text: text), source: path)
            } catch {
                if !options.lenient { throw error }
                report.record(error)
            }
        }
        return Dataset(name: lastPathComponent(folder), format: .folder, corpus: corpus, queries: QuerySet(), report: report)
    }

    /// The title (when the document names one) and text of one file.
    static func document(_ path: String) throws(DataError) -> (title: String?, text: String) {
        guard let kind = kind(of: path) else {
            throw DataError.unsupportedFile(file: path, reason: "unsupported file type (a folder corpus reads .md, .markdown, .txt, .html, .htm and .pdf)")
        }
        let title: String?
        let text: String
        switch kind {
        case .pdf:
            text = try PDFText.text(of: path)
            title = nil
        case .markdown, .plainText, .html:
            let bytes = try readFileBytes(path)
            guard !bytes.contains(0), let s = String(validating: bytes, as: UTF8.self) else {
                throw DataError.unsupportedFile(file: path, reason: "binary content, not UTF-8 text")
            }
            if kind == .html {
                let page = HTMLText(html: s)
                (title, text) = (page.title, page.text)
            } else {
                (title, text) = (kind == .markdown ? heading(s) : nil, s)
            }
        }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw DataError.unsupportedFile(file: path, reason: kind == .pdf
                ? "the PDF has no text layer (a scan? run OCR first)" : "the file holds no text")
        }
        return (title, text)
    }

    /// The first `# ` heading of a Markdown text.
    static func heading(_ text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(20) where line.hasPrefix("# ") {
            return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
