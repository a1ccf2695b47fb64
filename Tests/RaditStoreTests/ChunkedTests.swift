import Foundation
import RaditStore
import RaditTestSupport
import XCTest

/// Chunked, compressed and growing datasets: (Nd, D) embeddings written in pieces.
final class ChunkedTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store-chunked") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func testAppendRowsAcrossReopensThenReadSlices() throws {
        let url = directory.appendingPathComponent("emb.h5")
        let d = 7
        let all: [Float] = (0..<(23 * d)).map { Float($0) * 0.5 - 3 }
        do {
            let file = try StoreFile.create(url, format: .embeddings, version: 1)
            let ds = try file.createDataset("embeddings", dtype: .float32, shape: [0, d],
                                            options: DatasetOptions(chunkShape: [5, d], extendibleRows: true))
            let ids = try file.createDataset("ids", dtype: .string, shape: [0], options: DatasetOptions(extendibleRows: true))
            try ds.appendRows(Array(all[0..<(10 * d)]))
            try ids.appendStrings((0..<10).map { "chunk-\($0)" })
            try file.close()
        }
        do {
            // A resumed job reopens the file and appends the rest in uneven pieces.
            let file = try StoreFile.open(url, expecting: .embeddings, versions: 1...1, mode: .readWrite)
            let ds = try file.dataset("embeddings")
            XCTAssertEqual(try ds.shape(), [10, d])
            try ds.appendRows(Array(all[(10 * d)..<(13 * d)]))
            try ds.appendRows([Float]())
            try ds.appendRows(Array(all[(13 * d)...]))
            try file.dataset("ids").appendStrings((10..<23).map { "chunk-\($0)" })
            XCTAssertThrowsError(try ds.appendRows([Float](repeating: 0, count: d + 1))) { error in
                XCTAssertTrue("\(error)".contains("8 values do not fill shape (-1, 7)"), "\(error)")
            }
            try file.close()
        }
        let file = try StoreFile.open(url)
        let ds = try file.dataset("embeddings")
        XCTAssertEqual(try ds.shape(), [23, d])
        XCTAssertEqual(try ds.maxShape(), [nil, d])
        XCTAssertEqual(try ds.chunkShape(), [5, d])
        XCTAssertEqual(try ds.read(Float.self), all)
        XCTAssertEqual(try ds.readRows(4..<17, as: Float.self), Array(all[(4 * d)..<(17 * d)]))
        XCTAssertEqual(try ds.readRows(23..<23, as: Float.self), [])
        XCTAssertEqual(try file.dataset("ids").readStringRows(20..<23), ["chunk-20", "chunk-21", "chunk-22"])
        XCTAssertThrowsError(try ds.readRows(20..<24, as: Float.self)) { error in
            XCTAssertTrue("\(error)".contains("rows 20..<24 out of range (the dataset has 23 rows)"), "\(error)")
        }
    }

    func testOverwriteRowsInPlaceAndFixedDatasetsCannotGrow() throws {
        let file = try StoreFile.create(directory.appendingPathComponent("rows.h5"), format: .run, version: 1)
        let ds = try file.createDataset("m", values: [Int64](repeating: 0, count: 12), shape: [4, 3])
        try ds.writeRows([1, 2, 3, 4, 5, 6] as [Int64], at: 2)
        XCTAssertEqual(try ds.read(Int64.self), [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try ds.writeRows([1, 2, 3] as [Int64], at: 4))
        XCTAssertThrowsError(try ds.appendRows([1, 2, 3] as [Int64])) { error in
            XCTAssertTrue("\(error)".contains("/m cannot grow"), "\(error)")
        }
    }

    func testGzipChunkedRoundTripCompresses() throws {
        let url = directory.appendingPathComponent("gz.h5")
        // Highly compressible: a few distinct values.
        let values: [Float] = (0..<(512 * 64)).map { Float($0 % 3) }
        let file = try StoreFile.create(url, format: .run, version: 1)
        let ds = try file.createDataset("x", values: values, shape: [512, 64], options: DatasetOptions(gzipLevel: 6))
        try file.createDataset("auto", values: values, shape: [512, 64], options: DatasetOptions(chunkShape: [100, 64]))
        XCTAssertEqual(try ds.gzipLevel(), 6)
        XCTAssertEqual(try ds.filters(), ["gzip(6)"])
        XCTAssertNotNil(try ds.chunkShape())
        try file.close()
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        // Uncompressed data alone is 2 × 128 KiB; the gzip'd copy must be far smaller.
        XCTAssertLessThan(size, 128 * 1024 + 64 * 1024)
        let reread = try StoreFile.open(url)
        XCTAssertEqual(try reread.read("x", as: Float.self, shape: [512, 64]), values)
        XCTAssertEqual(try reread.read("auto", as: Float.self, shape: [512, 64]), values)
        XCTAssertEqual(try reread.dataset("auto").chunkShape(), [100, 64])
        XCTAssertNil(try reread.dataset("auto").gzipLevel())
    }

    func testBadChunkShapeIsAnError() throws {
        let file = try StoreFile.create(directory.appendingPathComponent("c.h5"), format: .run, version: 1)
        XCTAssertThrowsError(try file.createDataset("x", dtype: .float32, shape: [4, 3],
                                                    options: DatasetOptions(chunkShape: [2, 5]))) { error in
            XCTAssertTrue("\(error)".contains("/x (chunk shape) has shape (2, 5), expected (4, 3)"), "\(error)")
        }
    }
}
