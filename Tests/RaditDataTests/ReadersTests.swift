import Foundation
import RaditData
import RaditTestSupport
import RaditText
import XCTest

final class ReadersTests: XCTestCase {
    var dir: URL!

    override func setUp() { dir = Fixtures.temporaryDirectory("readers") }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func beir(corpus: String, queries: String, qrels: String) -> String {
        _ = write("beir/corpus.jsonl", corpus)
        _ = write("beir/queries.jsonl", queries)
        _ = write("beir/qrels/test.tsv", qrels)
        return dir.appendingPathComponent("beir").path
    }

    let goodCorpus = """
    {"_id": "d1", "title": "Alpha", "text": "alpha text"}
    {"_id": "d2", "title": "Beta", "text": "beta text"}
    {"_id": 3, "text": "untitled"}
    """
    let goodQueries = """
    {"_id": "q1", "text": "what is alpha"}
    {"_id": "q2", "text": "what is beta"}
    {"_id": "q3", "text": "unjudged"}
    """

    func testBEIRReadsCorpusQueriesAndGradedQrels() throws {
        let path = beir(corpus: goodCorpus, queries: goodQueries,
                        qrels: "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\t3\t1\nq2\td2\t1\n")
        let d = try DatasetReader.read(path)
        XCTAssertEqual(d.format, .beir)
        XCTAssertEqual(d.corpus.count, 3)
        XCTAssertEqual(d.corpus[id: "3"]?.title, "")
        XCTAssertEqual(d.corpus[id: "d1"]?.indexedText, "Alpha alpha text")
        XCTAssertEqual(d.queries.examples.map(\.id), ["q1", "q2"], "unjudged queries are dropped")
        XCTAssertEqual(d.queries[id: "q1"]?.gold, [Relevance(id: "d1", grade: 2), Relevance(id: "3", grade: 1)])
    }

    func testMalformedJSONLineNamesFileAndLine() throws {
        let path = beir(corpus: goodCorpus + "\n{\"_id\": \"d4\", \"text\": }\n", queries: goodQueries, qrels: "q1\td1\t1\n")
        assertError({ if case let .malformedJSON(f, l, _) = $0 { return f.hasSuffix("corpus.jsonl") && l == 4 } else { return false } }) {
            _ = try DatasetReader.read(path)
        }
        let lenient = try DatasetReader.read(path, options: ReadOptions(lenient: true))
        XCTAssertEqual(lenient.report.skipped, 1)
        XCTAssertEqual(lenient.corpus.count, 3)
    }

    func testMissingFieldNamesLineAndField() throws {
        let path = beir(corpus: goodCorpus, queries: goodQueries + "\n{\"_id\": \"q4\"}\n", qrels: "q1\td1\t1\n")
        assertError({ if case let .missingField(f, l, field) = $0 { return f.hasSuffix("queries.jsonl") && l == 4 && field == "text" } else { return false } }) {
            _ = try DatasetReader.read(path)
        }
        XCTAssertEqual(try DatasetReader.read(path, options: ReadOptions(lenient: true)).report.skipped, 1)
    }

    func testQrelsNamingUnknownDocument() throws {
        let path = beir(corpus: goodCorpus, queries: goodQueries, qrels: "q1\td1\t1\nq2\tnope\t1\n")
        assertError({
            if case let .unknownDocument(f, l, field, id) = $0 { return f.hasSuffix("test.tsv") && l == 2 && field == "corpus-id" && id == "nope" }
            return false
        }) { _ = try DatasetReader.read(path) }
        let lenient = try DatasetReader.read(path, options: ReadOptions(lenient: true))
        XCTAssertEqual(lenient.report.skipped, 1)
        XCTAssertEqual(lenient.queries.count, 1)
    }

    func testDuplicateIDs() throws {
        let path = beir(corpus: goodCorpus + "\n{\"_id\": \"d1\", \"text\": \"again\"}", queries: goodQueries, qrels: "q1\td1\t1\n")
        assertError({ if case let .duplicateID(_, l, _, id) = $0 { return l == 4 && id == "d1" } else { return false } }) {
            _ = try DatasetReader.read(path)
        }
        let squad = write("dup.json", """
        {"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": "c one",
          "qas": [{"id": "a", "question": "q?", "answers": [{"text": "one", "answer_start": 2}]},
                  {"id": "a", "question": "q2?", "answers": []}]}]}]}
        """)
        assertError({ if case let .duplicateID(f, l, field, id) = $0 { return f == squad && l == 3 && field.hasSuffix("qas[1].id") && id == "a" } else { return false } }) {
            _ = try DatasetReader.read(squad)
        }
    }

    func testSQuADv2AndWrongTypes() throws {
        let path = write("v2.json", """
        {"version": "v2.0", "data": [{"title": "Art", "paragraphs": [
          {"context": "The sky is blue.", "qas": [
            {"id": "1", "question": "Colour?", "answers": [{"text": "blue", "answer_start": 11}, {"text": "blue", "answer_start": 11}]},
            {"id": "2", "question": "Unanswerable?", "answers": [], "is_impossible": true}]},
          {"context": "Grass is green.", "qas": [{"id": "3", "question": 7, "answers": []}]}]}]}
        """)
        assertError({ if case let .wrongType(_, l, field, _) = $0 { return l == 5 && field == "data[0].paragraphs[1].qas[0].question" } else { return false } }) {
            _ = try DatasetReader.read(path)
        }
        let d = try DatasetReader.read(path, format: .squad, options: ReadOptions(lenient: true))
        XCTAssertEqual(d.report.skipped, 1)
        XCTAssertEqual(d.corpus.chunks.map(\.id), ["Art#0", "Art#1"])
        XCTAssertEqual(d.queries[id: "1"]?.answers, ["blue"])
        XCTAssertEqual(d.queries[id: "1"]?.gold, [Relevance(id: "Art#0")])
        XCTAssertEqual(d.queries[id: "2"]?.gold, [])
        XCTAssertEqual(d.queries[id: "2"]?.metadata["is_impossible"], "true")
    }

    func testNQOpenShapes() throws {
        let path = write("nq.jsonl", """
        {"question": "who wrote x", "answers": ["Ann"], "ctxs": [{"id": "7", "title": "X", "text": "Ann wrote x", "hasanswer": true}, {"title": "Y", "text": "other", "hasanswer": false}]}
        {"question": "where is y", "answer": ["Paris"], "ctxs": [{"id": "7", "title": "X", "text": "Ann wrote x", "isgold": false}, {"id": "8", "title": "P", "text": "Paris", "isgold": true, "hasanswer": true}]}
        {"question": "closed book", "answer": ["z"]}
        """)
        let d = try DatasetReader.read(path)
        XCTAssertEqual(d.format, .nq)
        XCTAssertEqual(d.corpus.count, 3)
        XCTAssertEqual(d.queries.examples.map(\.id), ["nq-1", "nq-2", "nq-3"])
        XCTAssertEqual(d.queries[0].gold, [Relevance(id: "7")])
        XCTAssertEqual(d.queries[1].gold, [Relevance(id: "8")])
        XCTAssertEqual(d.queries[1].answers, ["Paris"])
    }

    func testTextFolderWithChunker() throws {
        _ = write("docs/a.md", "# Heading A\n\nFirst paragraph here.\n\nSecond paragraph here.")
        _ = write("docs/sub/b.txt", "plain text")
        let folder = dir.appendingPathComponent("docs").path
        let whole = try DatasetReader.read(folder)
        XCTAssertEqual(whole.format, .folder)
        XCTAssertEqual(whole.corpus.chunks.map(\.id), ["a.md", "sub/b.txt"])
        XCTAssertEqual(whole.corpus[0].title, "Heading A")
        let chunker = try Chunker(size: .characters(25))
        let pieces = try DatasetReader.read(folder, options: ReadOptions(chunker: chunker))
        XCTAssertEqual(pieces.corpus.chunks.map(\.text), ["# Heading A", "First paragraph here.", "Second paragraph here.", "plain text"])
        XCTAssertEqual(pieces.corpus.chunks.map(\.id), ["a.md#0", "a.md#1", "a.md#2", "sub/b.txt#0"])
    }

    func testSharedHotpotQASample() throws {
        let url = Fixtures.sharedData("hotpotqa_dev_distractor_sample100")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("shared data missing") }
        let d = try DatasetReader.read(url.path)
        XCTAssertEqual(d.format, .hotpotqa)
        XCTAssertEqual(d.queries.count, 100)
        XCTAssertEqual(d.corpus.count, 1000)
        XCTAssertEqual(d.queries[0].gold.map(\.id), ["VIVA Media", "Gesellschaft mit beschränkter Haftung"])
        XCTAssertEqual(d.queries[0].metadata["type"], "bridge")
        for e in d.queries.examples { for g in e.gold { XCTAssertTrue(d.corpus.contains(g.id)) } }
    }

    func testSharedXQuAD() throws {
        let url = Fixtures.sharedData("xquad_en")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("shared data missing") }
        let d = try DatasetReader.read(url.path)
        XCTAssertEqual(d.format, .squad)
        XCTAssertEqual(d.queries.count, 1190)
        XCTAssertEqual(d.corpus.count, 240)
    }
}

final class JSONParserTests: XCTestCase {
    func testValuesEscapesAndLines() throws {
        let v = try JSONParser.parse("{\"a\": [1, -2.5e1, true, null],\n \"b\": \"x\\u00e9\\ud83d\\ude00\\n\",\n \"c\": {}}")
        guard case let .object(o) = v else { return XCTFail("not an object") }
        XCTAssertEqual(o["a"], .array([.number(1), .number(-25), .bool(true), .null], line: 1))
        XCTAssertEqual(o["b"], .string("xé😀\n"))
        XCTAssertEqual(o.keyLines["c"], 3)
        XCTAssertThrowsError(try JSONParser.parse("{\"a\": 1,}"))
        XCTAssertThrowsError(try JSONParser.parse("[1 2]"))
        XCTAssertThrowsError(try JSONParser.parse("\"\\ud800\""))
    }
}
