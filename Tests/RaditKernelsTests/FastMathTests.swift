@testable import RaditKernels
import Foundation
import RaditTestSupport
import XCTest

/// The vector Float math behind the fast kernels, against libm in Double.
final class FastMathTests: XCTestCase {
    func testVectorExpAccuracy() {
        var worst = 0.0
        var x: Float = -87
        while x < 87.8 {
            var v = Vec(repeating: 0)
            for lane in 0..<8 { v[lane] = x + Float(lane) * 0.0137 }
            let e = expVec(v)
            for lane in 0..<8 {
                let exact = Foundation.exp(Double(v[lane]))
                worst = max(worst, abs(Double(e[lane]) - exact) / exact)
            }
            x += 0.173
        }
        XCTAssertLessThan(worst, 3e-7, "worst relative error of expVec")   // ~2.5 ulp
        let edges = expVec(Vec(-Float.infinity, -1000, -88, 0, 1, -0.0, 88.7, .infinity))
        XCTAssertEqual(edges[0], 0)
        XCTAssertEqual(edges[1], 0)
        XCTAssertEqual(edges[2], 0)
        XCTAssertEqual(edges[3], 1)
        XCTAssertEqual(Double(edges[4]), M_E, accuracy: 1e-6)
        XCTAssertEqual(edges[5], 1)
        XCTAssertTrue(edges[6].isFinite && edges[7].isFinite, "saturates: \(edges)")
    }

    func testVectorErfAccuracy() {
        var worst = 0.0
        var x: Float = -6
        while x < 6 {
            var v = Vec(repeating: 0)
            for lane in 0..<8 { v[lane] = x + Float(lane) * 0.0011 }
            let e = erfVec(v)
            for lane in 0..<8 { worst = max(worst, abs(Double(e[lane]) - Foundation.erf(Double(v[lane])))) }
            x += 0.0123
        }
        XCTAssertLessThan(worst, 3e-7, "worst absolute error of erfVec")
    }

    func testRowReductionsHandleTails() {
        for n in [1, 7, 8, 9, 23] {
            let x = (0..<n).map { Float($0 % 5) - 2.5 + Float($0) * 0.01 }
            x.withUnsafeBufferPointer { p in
                XCTAssertEqual(maxFloat(p.baseAddress!, count: n), x.max()!)
                let s = expShiftedSum(nil, p.baseAddress!, count: n, shift: 1)
                let expected = x.map { Foundation.exp(Double($0) - 1) }.reduce(0, +)
                XCTAssertEqual(Double(s), expected, accuracy: 1e-6 * expected)
            }
        }
    }
}
