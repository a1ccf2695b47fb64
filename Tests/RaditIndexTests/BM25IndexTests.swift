import Foundation
import RaditIndex
import RaditTestSupport
import XCTest

final class BM25IndexTests: XCTestCase {
    // Tiny fixture, hand-computed: N = 3, lengths 3, 2, 4 (mean 3).
    let docs = ["the cat sat", "Cat cat", "a dog and cat"]

    func testTokenizerMatchesPythonWordRegex() {
        let t = WordTokenizer()
        XCTAssertEqual(t.tokens("Hello, World! x_y 42"), ["hello", "world", "x_y", "42"])
        XCTAssertEqual(t.tokens("Café naïve—Straße 東京"), ["café", "naïve", "straße", "東京"])
        XCTAssertEqual(WordTokenizer(stopWords: WordTokenizer.englishStopWords).tokens("The cat and a dog"), ["cat", "dog"])
        XCTAssertEqual(WordTokenizer(lowercase: false).tokens("The Cat"), ["The", "Cat"])
    }

    func testLuceneByHand() {
        let p = BM25Parameters(k1: 1.2, b: 0.75, variant: .lucene)
        let index = BM25Index(documents: docs, parameters: p)
        // "dog": df = 1, idf = ln(1 + (3 - 1 + .5)/(1 + .5)) = ln(8/3); only doc 2 (tf 1, |d| 4).
        let idfDog = log(1 + 2.5 / 1.5)
        let n2 = 1.2 * (1 - 0.75 + 0.75 * 4.0 / 3.0)
        let s = index.scores("dog")
        assertClose(s, [0, 0, idfDog * 1 / (1 + n2)], tolerance: 1e-6, "lucene dog")
        // "cat": df = 3, idf = ln(1 + 0.5/3.5); doc 1 has tf 2, |d| 2.
        let idfCat = log(1 + 0.5 / 3.5)
        let n1 = 1.2 * (1 - 0.75 + 0.75 * 2.0 / 3.0)
        let n0 = 1.2 * (1 - 0.75 + 0.75 * 3.0 / 3.0)
        assertClose(index.scores("cat"), [idfCat / (1 + n0), idfCat * 2 / (2 + n1), idfCat / (1 + n2)], tolerance: 1e-6, "lucene cat")
        // A repeated query token counts twice; unknown tokens add nothing.
        assertClose(index.scores("cat CAT zebra"), index.scores("cat").map { 2 * $0 }, tolerance: 1e-6, "repeats")
    }

    func testRobertsonByHand() {
        let index = BM25Index(documents: docs, parameters: BM25Parameters(k1: 1.2, b: 0.75, variant: .robertson))
        // "dog": idf = ln(2.5 / 1.5); "cat": ln(0.5/3.5) < 0 is floored to 0.
        let n2 = 1.2 * (1 - 0.75 + 0.75 * 4.0 / 3.0)
        assertClose(index.scores("dog"), [0, 0, log(2.5 / 1.5) / (1 + n2)], tolerance: 1e-6, "robertson dog")
        assertClose(index.scores("cat"), [0, 0, 0], tolerance: 1e-6, "robertson cat")
    }

    func testBM25PlusByHand() {
        let index = BM25Index(documents: docs, parameters: BM25Parameters(k1: 1.2, b: 0.75, variant: .bm25Plus(delta: 1)))
        // "sat": df = 1, idf = ln(4/1); doc 0: tf 1, |d| 3 → n = 1.2.
        let expected = log(4.0) * (2.2 * 1 / (1 + 1.2) + 1)
        assertClose(index.scores("sat"), [expected, 0, 0], tolerance: 1e-6, "bm25+ sat")
    }

    func testSearchTopKAndPadding() {
        let index = BM25Index(documents: docs)
        let r = index.search(["cat", "dog", "nothing", ""], k: 2)
        XCTAssertEqual(r.row(0), [1, 0], "doc 1 (tf 2, short) then the shorter of 0 and 2")
        XCTAssertEqual(r.ids[2...3], [2, -1])
        XCTAssertEqual(r.row(2), [])
        XCTAssertEqual(r.row(3), [])
        XCTAssertEqual(BM25Index(documents: []).search(["cat"], k: 3).ids, [-1, -1, -1])
    }

    func testMatchesBM25sReference() throws {
        let url = Fixtures.file("index/bm25_bm25s.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let documents = root["documents"] as! [String]
        let queries = root["queries"] as! [String]
        let queryTokens = root["query_tokens"] as! [[String]]
        let tokenizer = WordTokenizer()
        for (q, toks) in zip(queries, queryTokens) { XCTAssertEqual(tokenizer.tokens(q), toks, "tokens of \(q)") }
        for case let c as [String: Any] in root["cases"] as! [Any] {
            let method = c["method"] as! String
            let k1 = Float(c["k1"] as! Double), b = Float(c["b"] as! Double)
            let variant: BM25Variant = method == "lucene" ? .lucene : method == "robertson" ? .robertson
                : .bm25Plus(delta: Float(c["delta"] as! Double))
            var index = BM25Index(documents: documents, parameters: BM25Parameters(k1: k1, b: b, variant: variant))
            // bm25+: bm25s also adds δ·idf for query terms a document lacks; Radit follows
            // Lv & Zhai (terms in query ∩ document), so that part is taken off.
            let bm25s = c["scores"] as! [[Double]]
            let absent = c["nonoccurrence"] as! [[Double]]
            let expected = zip(bm25s, absent).map { zip($0, $1).map { $0 - $1 } }
            for (qi, q) in queries.enumerated() {
                assertClose(index.scores(q), expected[qi], tolerance: 1e-5, "\(method) k1=\(k1) b=\(b) query \(qi)")
            }
            // Batched search agrees with the dense scores.
            index.threads = 2
            let r = index.search(queries, k: 5)
            for qi in 0..<queries.count {
                for (id, s) in r.hits(qi) { XCTAssertEqual(Double(s), expected[qi][id], accuracy: 1e-5) }
                let best = expected[qi].max() ?? 0
                if best > 0 { XCTAssertEqual(Double(r.scores[qi * 5]), best, accuracy: 1e-5) }
            }
        }
    }
}
