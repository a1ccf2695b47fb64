import Foundation
import RaditStore
import RaditTensor
import RaditTestSupport
import XCTest

/// Every dtype and attribute kind survives a write and a read, including empty arrays
/// and non-ASCII strings.
final class RoundTripTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = Fixtures.temporaryDirectory("store") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func testEveryDTypeRoundTrips() throws {
        let url = directory.appendingPathComponent("dtypes.h5")
        let floats: [Float] = [1.5, -2.25, .pi, 0, -0.0, .greatestFiniteMagnitude]
        let doubles: [Double] = [1e-300, -2.5, .pi]
        let int32s: [Int32] = [.min, -1, 0, 1, .max, 7]
        let int64s: [Int64] = [.min, -1, 0, .max]
        let bytes: [UInt8] = [0, 1, 127, 128, 255]
        let strings = ["plain", "", "naïve café", "日本語テキスト", "emoji 🧪🦀", "tab\tand\nnewline"]
        do {
            let file = try StoreFile.create(url, format: .run, version: 1)
            try file.createDataset("f32", values: floats, shape: [2, 3])
            try file.createDataset("f64", values: doubles)
            try file.createDataset("nested/deeper/i32", values: int32s, shape: [3, 2])
            try file.createDataset("i64", values: int64s)
            try file.createDataset("u8", values: bytes)
            try file.createDataset("text", strings: strings)
            try file.createDataset("text2d", strings: ["a", "b", "c", "d"], shape: [2, 2])
            try file.createDataset("empty/f32", values: [Float](), shape: [0, 4])
            try file.createDataset("empty/i64", values: [Int64]())
            try file.createDataset("empty/text", strings: [])
            try file.createDataset("scalar", values: [Float(42)], shape: [])
            try file.close()
        }
        let file = try StoreFile.open(url, expecting: .run, versions: 1...1)
        XCTAssertEqual(try file.read("f32", as: Float.self, shape: [2, 3]).map(\.bitPattern), floats.map(\.bitPattern))
        XCTAssertEqual(try file.read("f64", as: Double.self), doubles)
        XCTAssertEqual(try file.read("/nested/deeper/i32", as: Int32.self, shape: [3, 2]), int32s)
        XCTAssertEqual(try file.read("i64", as: Int64.self), int64s)
        XCTAssertEqual(try file.read("u8", as: UInt8.self), bytes)
        XCTAssertEqual(try file.readStrings("text"), strings)
        XCTAssertEqual(try file.readStrings("text2d", shape: [2, 2]), ["a", "b", "c", "d"])
        XCTAssertEqual(try file.read("empty/f32", as: Float.self, shape: [0, 4]), [])
        XCTAssertEqual(try file.read("empty/i64", as: Int64.self), [])
        XCTAssertEqual(try file.readStrings("empty/text"), [])
        XCTAssertEqual(try file.read("scalar", as: Float.self, shape: []), [42])

        XCTAssertEqual(try file.dataset("f32").dtype(), .float32)
        XCTAssertEqual(try file.dataset("f64").dtype(), .float64)
        XCTAssertEqual(try file.dataset("nested/deeper/i32").dtype(), .int32)
        XCTAssertEqual(try file.dataset("i64").dtype(), .int64)
        XCTAssertEqual(try file.dataset("u8").dtype(), .uint8)
        XCTAssertEqual(try file.dataset("text").dtype(), .string)
        XCTAssertEqual(try file.shape(of: "empty/f32"), [0, 4])
    }

    func testEveryAttributeKindRoundTrips() throws {
        let url = directory.appendingPathComponent("attributes.h5")
        let values: [(String, AttributeValue)] = [
            ("int", .int(-42)),
            ("bigint", .int(Int.max)),
            ("double", .double(0.1)),
            ("inf", .double(.infinity)),
            ("string", .string("Grüße, 世界 🌍")),
            ("emptystring", .string("")),
            ("ints", .ints([1, -2, 3])),
            ("doubles", .doubles([0.5, -1e10])),
            ("strings", .strings(["α", "β", ""])),
            ("noints", .ints([])),
            ("nodoubles", .doubles([])),
            ("nostrings", .strings([])),
        ]
        do {
            let file = try StoreFile.create(url, format: .checkpoint, version: 3)
            let group = try file.createGroup("g")
            let ds = try group.createDataset("d", values: [Float(1)])
            for (name, value) in values {
                try file.setAttribute(name, value)
                try group.setAttribute(name, value)
                try ds.setAttribute(name, value)
            }
            try file.setAttribute("int", .int(7))  // replacing works
            try file.close()
        }
        let file = try StoreFile.open(url)
        let group = try file.group("g")
        let ds = try file.dataset("g/d")
        for (name, value) in values {
            XCTAssertEqual(try group.attribute(name), value, name)
            XCTAssertEqual(try ds.attribute(name), value, name)
            if name != "int" { XCTAssertEqual(try file.attribute(name), value, name) }
        }
        XCTAssertEqual(try file.intAttribute("int"), 7)
        XCTAssertEqual(try file.doubleAttribute("int"), 7)
        XCTAssertEqual(try file.stringAttribute("string"), "Grüße, 世界 🌍")
        XCTAssertNil(try file.attribute("absent"))
        XCTAssertEqual(try group.attributeNames(), values.map(\.0).sorted())
        XCTAssertThrowsError(try file.intAttribute("string")) { error in
            XCTAssertTrue("\(error)".contains("attribute \"string\" on / is string, expected int"), "\(error)")
        }
        XCTAssertThrowsError(try group.stringAttribute("missing")) { error in
            XCTAssertTrue("\(error)".contains("no attribute at /g@missing"), "\(error)")
        }
        // The convention's root attributes.
        XCTAssertEqual(try file.format(), .checkpoint)
        XCTAssertEqual(try file.version(), 3)
        XCTAssertNotNil(try file.attribute("radit_version"))
        XCTAssertNotNil(try file.attribute("created"))
    }

    func testGroupsListingAndExistence() throws {
        let url = directory.appendingPathComponent("tree.h5")
        let file = try StoreFile.create(url, format: .run, version: 1)
        try file.createGroup("a/b/c")
        try file.createDataset("a/x", values: [Int32(1)])
        XCTAssertTrue(try file.exists("a"))
        XCTAssertTrue(try file.exists("/a/b/c"))
        XCTAssertFalse(try file.exists("a/b/c/d/e"))
        XCTAssertFalse(try file.exists("nope"))
        XCTAssertEqual(try file.kind(of: "a/x"), .dataset)
        XCTAssertEqual(try file.group("a").children(),
                       [StoreChild(name: "b", kind: .group), StoreChild(name: "x", kind: .dataset)])
        let a = try file.group("a")
        XCTAssertEqual(a.path, "/a")
        XCTAssertEqual(try a.dataset("x").path, "/a/x")
        XCTAssertEqual(try file.requireGroup("a/b").path, "/a/b")
        XCTAssertThrowsError(try file.createGroup("a/b")) { error in
            XCTAssertTrue("\(error)".contains("/a/b already exists"), "\(error)")
        }
        XCTAssertThrowsError(try file.dataset("a/b")) { error in
            XCTAssertTrue("\(error)".contains("/a/b is a group, expected a dataset"), "\(error)")
        }
        XCTAssertThrowsError(try file.createGroup("bad//name")) { error in
            XCTAssertTrue("\(error)".contains("invalid name"), "\(error)")
        }
        try file.remove("a/x")
        XCTAssertFalse(try file.exists("a/x"))
    }

    func testTensorRoundTrip() throws {
        let url = directory.appendingPathComponent("tensor.h5")
        var rng = RandomSource(seed: 7)
        let t = Tensor<Float>(shape: [3, 5, 7], scalars: (0..<105).map { _ in Float(rng.normal()) })
        let file = try StoreFile.create(url, format: .run, version: 1)
        try file.write("t", tensor: t)
        try file.write("d", tensor: t.converted(to: Double.self))
        XCTAssertEqual(try file.readTensor("t", as: Float.self), t)
        XCTAssertEqual(try file.readTensor("d", as: Double.self, shape: [3, 5, 7]), t.converted(to: Double.self))
    }
}
