import Foundation
@testable import RaditData
import RaditIndex
import RaditTestSupport
import RaditText
import XCTest

/// Gzip, BEIR qrels with spaces, dataset-in-folder detection, folder corpora of Markdown,
/// HTML and PDF (committed fixture by tools/reference/folder_corpus_fixture.py), unreadable
/// files, and chunking with traceable ids.
final class FolderCorpusTests: XCTestCase {
    var dir: URL!

    override func setUp() { dir = Fixtures.temporaryDirectory("folder-corpus") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let url = dir.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: Data(bytes)), url.path)
        return url.path
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    /// `gzip -n -c` of `bytes` (the system gzip: an independent encoder).
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = dir.appendingPathComponent("gzip-input-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: input.path, contents: Data(bytes)))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-n", "-c", input.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        try FileManager.default.removeItem(at: input)
        return Array(data)
    }

    func expectError(_ body: () throws -> Void, line: UInt = #line, _ check: (DataError) -> Bool) {
        assertError(check, body, line: line)
    }

    let corpus = """
    {"_id": "VIVA Media", "title": "VIVA Media", "text": "VIVA Media GmbH is a music television network."}
    {"_id": "d2", "title": "Beta", "text": "beta text about rivers"}
    """
    let queries = """
    {"_id": "q1", "text": "what is VIVA Media"}
    {"_id": "q 2", "text": "rivers"}
    """
    let qrels = "query-id\tcorpus-id\tscore\nq1\tVIVA Media\t1\nq 2\td2\t2\n"

    // MARK: gzip

    func testGzippedFilesReadIdenticallyToPlainOnes() throws {
        write("plain/corpus.jsonl", corpus)
        write("plain/queries.jsonl", queries)
        write("plain/qrels/test.tsv", qrels)
        write("packed/corpus.jsonl.gz", try gzip(Array(corpus.utf8)))
        write("packed/queries.jsonl.gz", try gzip(Array(queries.utf8)))
        write("packed/qrels/test.tsv.gz", try gzip(Array(qrels.utf8)))
        let plain = try DatasetReader.read(dir.appendingPathComponent("plain").path)
        let packed = try DatasetReader.read(dir.appendingPathComponent("packed").path)
        XCTAssertEqual(packed.format, .beir)
        XCTAssertEqual(packed.corpus, plain.corpus)
        XCTAssertEqual(packed.queries, plain.queries)
        XCTAssertEqual(plain.queries.count, 2)

        // NQ-open JSONL, as one gzip member and as two concatenated members (pigz, `cat a.gz b.gz`).
        let first = #"{"id": "n1", "question": "who wrote it", "answers": ["Ada"], "ctxs": [{"id": "c1", "title": "T", "text": "Ada wrote it", "hasanswer": true}]}"# + "\n"
        let second = #"{"id": "n2", "question": "when", "answers": ["1931"], "ctxs": [{"id": "c2", "title": "U", "text": "in 1931", "hasanswer": true}]}"# + "\n"
        let nqPlain = try DatasetReader.read(write("nq.jsonl", first + second))
        let nqPacked = try DatasetReader.read(write("nq.jsonl.gz", try gzip(Array((first + second).utf8))))
        let nqTwoMembers = try DatasetReader.read(write("nq2.jsonl.gz", try gzip(Array(first.utf8)) + gzip(Array(second.utf8))))
        XCTAssertEqual(nqPacked.format, .nq)
        XCTAssertEqual(nqPacked.corpus, nqPlain.corpus)
        XCTAssertEqual(nqPacked.queries, nqPlain.queries)
        XCTAssertEqual(nqTwoMembers.queries, nqPlain.queries)

        // SQuAD JSON detected through the gzip layer.
        let squad = #"{"data": [{"title": "T", "paragraphs": [{"context": "Ada wrote it.", "qas": [{"id": "s1", "question": "who", "answers": [{"text": "Ada", "answer_start": 0}]}]}]}]}"#
        let s = try DatasetReader.read(write("squad.json.gz", try gzip(Array(squad.utf8))))
        XCTAssertEqual(s.format, .squad)
        XCTAssertEqual(s.queries[0].answers, ["Ada"])
    }

    func testCorruptGzipIsATypedErrorNamingTheFile() throws {
        let packed = try gzip(Array(String(repeating: queries + "\n", count: 50).utf8))
        let truncated = write("truncated.jsonl.gz", Array(packed.prefix(packed.count / 2)))
        expectError({ _ = try DatasetReader.read(truncated) }) {
            if case let .corruptGzip(file, reason) = $0 { return file == truncated && reason.contains("truncated") }
            return false
        }
        var flipped = packed
        flipped[flipped.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        let damaged = write("damaged.jsonl.gz", flipped)
        expectError({ _ = try DatasetReader.read(damaged) }) {
            if case let .corruptGzip(file, _) = $0 { return file == damaged && $0.message.contains("damaged.jsonl.gz") }
            return false
        }
        let notGzip = write("plain-named.jsonl.gz", queries)
        expectError({ _ = try DatasetReader.read(notGzip) }) {
            if case .corruptGzip(notGzip, _) = $0 { return true }
            return false
        }
    }

    // MARK: qrels

    func testQrelsSplitOnTabsOnlySoIdsKeepTheirSpaces() throws {
        write("beir/corpus.jsonl", corpus)
        write("beir/queries.jsonl", queries)
        write("beir/qrels/test.tsv", qrels)
        let d = try DatasetReader.read(dir.appendingPathComponent("beir").path)
        XCTAssertEqual(d.queries[id: "q1"]?.gold, [Relevance(id: "VIVA Media", grade: 1)])
        XCTAssertEqual(d.queries[id: "q 2"]?.gold, [Relevance(id: "d2", grade: 2)])

        // A space-separated row is an error that says qrels take tabs.
        write("beir/qrels/test.tsv", "q1 d2 1\n")
        let path = dir.appendingPathComponent("beir/qrels/test.tsv").path
        expectError({ _ = try DatasetReader.read(self.dir.appendingPathComponent("beir").path) }) {
            if case let .malformedRow(file, line, detail) = $0 { return file == path && line == 1 && detail.contains("tabs") }
            return false
        }
    }

    // MARK: dataset files in folders

    func testAFolderHoldingADatasetFileIsNeverReadAsText() throws {
        let squad = #"{"data": [{"title": "T", "paragraphs": [{"context": "Ada wrote it.", "qas": [{"id": "s1", "question": "who", "answers": [{"text": "Ada", "answer_start": 0}]}]}]}]}"#
        write("squadfolder/dev.json", squad)
        write("squadfolder/README.md", "# About\n\nThis folder holds a SQuAD file.")
        let folder = dir.appendingPathComponent("squadfolder").path
        let d = try DatasetReader.read(folder)
        XCTAssertEqual(d.format, .squad)
        XCTAssertEqual(d.queries.count, 1)
        XCTAssertEqual(try DatasetReader.detect(folder, isDirectory: true), .squad)
        expectError({ _ = try DatasetReader.read(folder, format: .folder) }) {
            if case .datasetInTextFolder(folder, "dev.json") = $0 { return true }
            return false
        }
        expectError({ _ = try TextFolderReader.read(folder: folder) }) {
            if case .datasetInTextFolder = $0 { return true }
            return false
        }

        // BEIR (gzipped corpus) with a stray Markdown file.
        write("beirfolder/corpus.jsonl.gz", try gzip(Array(corpus.utf8)))
        write("beirfolder/queries.jsonl", queries)
        write("beirfolder/qrels/test.tsv", qrels)
        write("beirfolder/notes.md", "# notes")
        let beir = dir.appendingPathComponent("beirfolder").path
        XCTAssertEqual(try DatasetReader.read(beir).format, .beir)
        expectError({ _ = try DatasetReader.read(beir, format: .folder) }) {
            if case .datasetInTextFolder(beir, "corpus.jsonl") = $0 { return true }
            return false
        }

        // Two dataset files: say which, never fall back to text.
        write("two/a.jsonl", #"{"question": "q", "answers": ["a"]}"#)
        write("two/b.json", squad)
        expectError({ _ = try DatasetReader.read(self.dir.appendingPathComponent("two").path) }) {
            if case let .unknownFormat(_, detail) = $0 { return detail.contains("a.jsonl") && detail.contains("b.json") }
            return false
        }
    }

    // MARK: folder corpora

    /// The committed fixture folder copied into the scratch folder (tests may add files).
    func fixtureFolder() throws -> String {
        let dst = dir.appendingPathComponent("corpus")
        try FileManager.default.copyItem(at: Fixtures.file("folder_corpus"), to: dst)
        return dst.path
    }

    func testHTMLTextDropsMarkupAndKeepsBlocks() throws {
        let page = HTMLText(html: try String(contentsOf: Fixtures.file("folder_corpus/lighthouse.html"), encoding: .utf8))
        XCTAssertEqual(page.title, "Brannock Point Lighthouse – a history")
        let paragraphs = page.text.components(separatedBy: "\n\n")
        XCTAssertEqual(paragraphs, [
            "Home",
            "Brannock Point Lighthouse",
            "The Brannock Point lighthouse was lit in 1874 by keeper Ada Moreland. Its lamp burned whale oil until 1921, when a paraffin burner replaced it.",
            "Ships rounding the cape watched for its white flash every 7 seconds & its fog bell, which rang \"twice a minute\" — a rule kept for 60 years.",
            "Height: 31 m",
            "Range: 18 nautical miles",
        ])
        XCTAssertFalse(page.text.contains("keeperSecret"))
        XCTAssertFalse(page.text.contains("inserted by script"))
        XCTAssertFalse(page.text.contains("font-family"))
        XCTAssertEqual(HTMLText(html: "a<br>b &#x41;&#66; &unknown; 1 < 2").text, "a\nb AB &unknown; 1 < 2")
    }

    func testPDFAndHTMLInAFolderAreChunkedAndRetrievableByBM25() throws {
        try requirePdftotext()
        let folder = try fixtureFolder()
        let whole = try DatasetReader.read(folder)
        XCTAssertEqual(whole.format, .folder)
        XCTAssertEqual(whole.corpus.chunks.map(\.id), ["lighthouse.html", "notes.md", "observatory.pdf"])
        XCTAssertEqual(whole.corpus[id: "notes.md"]?.title, "Field notes")
        XCTAssertEqual(whole.corpus[id: "observatory.pdf"]?.title, "observatory")
        XCTAssertTrue(whole.corpus[id: "observatory.pdf"]!.text.contains("mirror of 2.4 metres"))

        let chunker = try Chunker(characters: 120, overlap: 30)
        let d = try DatasetReader.read(folder, options: ReadOptions(chunker: chunker))
        XCTAssertGreaterThan(d.corpus.count, 4, "long documents are cut into several chunks")
        for c in d.corpus.chunks {
            XCTAssertLessThanOrEqual(c.text.count, 120)
            XCTAssertTrue(c.id.hasPrefix(c.document + "#"), c.id)
            XCTAssertEqual(c.title, whole.corpus[id: c.document]?.title)
        }
        XCTAssertEqual(d.corpus.chunksByDocument["observatory.pdf"]?.first, "observatory.pdf#0")

        let bm25 = BM25Index(documents: d.corpus.indexedTexts)
        let questions = [
            ("When was the Brannock Point lighthouse lit, and by which keeper?", "lighthouse.html", "1874"),
            ("How large is the mirror of the telescope at Lake Vantor?", "observatory.pdf", "2.4 metres"),
            ("How often do the Vantor comets return?", "observatory.pdf", "83 years"),
        ]
        let result = bm25.search(questions.map(\.0), k: 1)
        for (n, q) in questions.enumerated() {
            let top = d.corpus[result.ids[n]]
            XCTAssertEqual(top.document, q.1, q.0)
            XCTAssertTrue(top.text.contains(q.2), "\(q.0): top chunk \(top.id) lacks '\(q.2)'")
        }
    }

    func testUnreadableFilesAreNamedOrCountedNeverDropped() throws {
        try requirePdftotext()
        let folder = try fixtureFolder()
        write("corpus/broken.pdf", "this is not a PDF at all")
        write("corpus/image.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        write("corpus/binary.txt", [0x66, 0x00, 0xFF, 0xFE])
        write("corpus/.DS_Store", [0, 0, 0, 1])
        let broken = folder + "/binary.txt"
        expectError({ _ = try DatasetReader.read(folder) }) {
            if case let .unsupportedFile(file, reason) = $0 { return file == broken && reason.contains("binary") }
            return false
        }
        let lenient = try DatasetReader.read(folder, options: ReadOptions(lenient: true))
        XCTAssertEqual(lenient.corpus.chunks.map(\.id), ["lighthouse.html", "notes.md", "observatory.pdf"])
        XCTAssertEqual(lenient.report.skipped, 3)
        let named = lenient.report.problems.map(\.message)
        XCTAssertTrue(named[0].contains("binary.txt"), named[0])
        XCTAssertTrue(named[1].contains("broken.pdf") && named[1].contains("not a readable PDF"), named[1])
        XCTAssertTrue(named[2].contains("image.png") && named[2].contains("unsupported file type"), named[2])
    }

    func testMissingPdftotextSaysToRunBootstrap() throws {
        let folder = try fixtureFolder()
        let saved = ProcessInfo.processInfo.environment["PATH"] ?? ""
        setenv("PATH", dir.path, 1)
        defer { setenv("PATH", saved, 1) }
        expectError({ _ = try DatasetReader.read(folder) }) {
            if case .missingTool("pdftotext", _) = $0 { return $0.message.contains("scripts/bootstrap.sh") }
            return false
        }
    }

    func testEmptyCorpusAndMissingQuestionsAreErrors() throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = dir.appendingPathComponent("empty").path
        expectError({ _ = try DatasetReader.read(empty) }) {
            if case .emptyCorpus(empty) = $0 { return true }
            return false
        }
        write("prose/a.md", "# A\n\ntext")
        let prose = dir.appendingPathComponent("prose").path
        XCTAssertEqual(try DatasetReader.read(prose).queries.count, 0)
        expectError({ _ = try DatasetReader.read(prose, options: ReadOptions(requireQuestions: true)) }) {
            if case .noQuestions(prose, "folder") = $0 { return true }
            return false
        }
    }

    // MARK: chunking

    func testChunkedDatasetKeepsGoldTraceable() throws {
        let long = "Ada Lovelace wrote the first program. " + String(repeating: "Filler words about engines. ", count: 6)
            + "She was born in 1815 in London."
        let corpus = try Corpus([Chunk(id: "ada", title: "Ada Lovelace", text: long),
                                 Chunk(id: "short", title: "S", text: "short text")])
        let queries = try QuerySet([Example(id: "q", question: "when was Ada born", answers: ["1815"],
                                            gold: [Relevance(id: "ada", grade: 2), Relevance(id: "missing")])])
        let d = Dataset(name: "t", format: .nq, corpus: corpus, queries: queries)
        let chunker = try Chunker(characters: 60)
        let every = try d.chunked(by: chunker)
        let adaChunks = every.corpus.chunksByDocument["ada"]!
        XCTAssertGreaterThan(adaChunks.count, 2)
        XCTAssertEqual(adaChunks, (0..<adaChunks.count).map { "ada#\($0)" })
        XCTAssertEqual(every.corpus.chunksByDocument["short"], ["short#0"])
        XCTAssertEqual(every.queries[0].gold, adaChunks.map { Relevance(id: $0, grade: 2) } + [Relevance(id: "missing")])
        let bearing = try d.chunked(by: chunker, gold: .answerBearing)
        XCTAssertEqual(bearing.queries[0].gold.count, 2)
        XCTAssertTrue(bearing.corpus[id: bearing.queries[0].gold[0].id]!.text.contains("1815"))
        XCTAssertEqual(bearing.corpus, every.corpus)

        // `data.chunk_tokens`' naming: a document that fits keeps its id, only pieces are numbered.
        let split = try d.chunked(by: chunker, ids: .numberedWhenSplit)
        XCTAssertEqual(split.corpus.chunksByDocument["ada"], adaChunks)
        XCTAssertEqual(split.corpus[id: "short"], corpus[id: "short"])
        XCTAssertEqual(split.queries[0].gold, every.queries[0].gold)
        // There a document already named like another's piece is an error, never a dropped chunk.
        let clash = try Corpus([Chunk(id: "ada", title: "", text: long), Chunk(id: "ada#1", title: "", text: "x")])
        XCTAssertThrowsError(try clash.chunked(by: chunker, ids: .numberedWhenSplit))
    }

    func testTokenChunkerCountsTokensOfTheGivenTokenizer() throws {
        let tokenizer = try Tokenizer(tokenizerJSON: Fixtures.file("bert/tiny-tokenizer.json"))
        let chunker = try Chunker(tokens: 8, overlap: 2, tokenizer: tokenizer)
        XCTAssertEqual(chunker.size, .tokens(8))
        let text = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 5)
        let pieces = chunker.chunks(text)
        XCTAssertGreaterThan(pieces.count, 3)
        for p in pieces { XCTAssertLessThanOrEqual(tokenizer.tokenize(String(p)).count, 8, String(p)) }
    }

    func requirePdftotext() throws {
        guard PDFText.toolPath() != nil else {
            XCTFail("pdftotext is not installed: run scripts/bootstrap.sh (poppler-utils)")
            throw XCTSkip("pdftotext missing")
        }
    }
}
