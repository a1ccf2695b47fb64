import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

/// One kernel at one shape, runnable in Float and Double, fast or naive. Integer inputs
/// (ids, targets, positions, masks) live in the conforming struct; `inputs` are the
/// floating-point tensors, any of which may receive a gradient.
protocol KernelCase {
    var name: String { get }
    /// Element counts of the floating-point inputs.
    var inputCounts: [Int] { get }
    var outCount: Int { get }
    /// Which inputs get a gradient (default: all).
    var differentiable: [Int] { get }
    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S]
    /// Adds the gradient of `Σ out ⊙ dOut` into `grads` (same counts as the inputs).
    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool)
    func makeInputs(_ rng: inout RandomSource) -> [[Double]]
}

extension KernelCase {
    var differentiable: [Int] { Array(0..<inputCounts.count) }
    func makeInputs(_ rng: inout RandomSource) -> [[Double]] {
        inputCounts.map { n in (0..<n).map { _ in rng.uniform(-1, 1) } }
    }
}

/// The three checks every kernel passes (issue 2 acceptance):
/// 1. central-difference gradient check in Double for fast and naive backward, against the
///    random projection loss `L = Σ out ⊙ r` (relative error < `Tolerance.gradient`);
/// 2. backward twice gives twice the gradient (backward adds);
/// 3. fast and naive agree in Float on forward and backward (`Tolerance.float32`).
func verifyKernel<K: KernelCase>(_ k: K, seed: UInt64 = 1, gradientCheck: Bool = true,
                                 file: StaticString = #filePath, line: UInt = #line) {
    var rng = RandomSource(seed: seed)
    let x = k.makeInputs(&rng)
    precondition(x.map(\.count) == k.inputCounts, "\(k.name): makeInputs counts")
    let r = projection(k.outCount, seed: seed &+ 7919)
    let zeros: [[Double]] = k.inputCounts.map { [Double](repeating: 0, count: $0) }

    for naive in [false, true] {
        let tag = "\(k.name) \(naive ? "naive" : "fast")"
        let out = k.forward(x, naive: naive)
        XCTAssertEqual(out.count, k.outCount, "\(tag): output count", file: file, line: line)
        var once = zeros
        k.backward(x, dOut: r, grads: &once, naive: naive)
        if gradientCheck {
            for i in k.differentiable {
                // Central differences carry round-off ≈ ε·|L|/h ≈ 1e-9 absolute, so entries far
                // below the largest gradient are judged on the scale of 1% of it.
                let largest = once[i].map(abs).max() ?? 0
                checkGradient("\(tag) input \(i)", at: x[i], analytic: once[i], h: 1e-5, floor: max(1e-4, 1e-2 * largest),
                              file: file, line: line) { xi in
                    var probe = x
                    probe[i] = xi
                    let y = k.forward(probe, naive: naive)
                    var s = 0.0
                    for j in 0..<y.count { s += y[j] * r[j] }
                    return s
                }
            }
        }
        var twice = zeros
        k.backward(x, dOut: r, grads: &twice, naive: naive)
        k.backward(x, dOut: r, grads: &twice, naive: naive)
        for i in k.differentiable {
            assertClose(twice[i], once[i].map { 2 * $0 }, tolerance: Tolerance.float64,
                        "\(tag) backward twice, input \(i)", file: file, line: line)
        }
    }

    verifyFloatFastMatchesNaive(k, seed: seed, file: file, line: line)
}

/// Check 3 alone: the Float fast kernel (RaditSIMD on the active path) against its naive
/// twin on forward and backward, within `tolerance` (default `Tolerance.float32`).
func verifyFloatFastMatchesNaive<K: KernelCase>(_ k: K, seed: UInt64 = 1, tolerance: Double = Tolerance.float32,
                                                file: StaticString = #filePath, line: UInt = #line) {
    var rng = RandomSource(seed: seed)
    let x = k.makeInputs(&rng)
    let r = projection(k.outCount, seed: seed &+ 7919)
    let xf = x.map { $0.map { Float($0) } }
    let rf = r.map { Float($0) }
    assertClose(k.forward(xf, naive: false), k.forward(xf, naive: true), tolerance: tolerance,
                "\(k.name) Float forward fast vs naive", file: file, line: line)
    var gFast = k.inputCounts.map { [Float](repeating: 0, count: $0) }
    var gNaive = gFast
    k.backward(xf, dOut: rf, grads: &gFast, naive: false)
    k.backward(xf, dOut: rf, grads: &gNaive, naive: true)
    for i in k.differentiable {
        assertClose(gFast[i], gNaive[i], tolerance: tolerance,
                    "\(k.name) Float backward fast vs naive, input \(i)", file: file, line: line)
    }
}

/// A heap buffer holding a copy of an array, so kernels get plain pointers and tests
/// read results back with `array`. Capacity is at least 1 so empty shapes still have a pointer.
final class Buf<S> {
    let p: UnsafeMutablePointer<S>
    let count: Int

    init(_ values: [S]) {
        count = values.count
        p = .allocate(capacity: max(1, count))
        if let first = values.first {
            p.initialize(repeating: first, count: max(1, count))
            for i in 0..<count { p[i] = values[i] }
        }
    }

    convenience init(zeros count: Int) where S: BinaryFloatingPoint {
        self.init([S](repeating: 0, count: count))
    }

    var array: [S] { Array(UnsafeBufferPointer(start: p, count: count)) }
    deinit { p.deallocate() }
}

/// Uniform random integers in `range` as Int32.
func randomInts(_ count: Int, in range: Range<Int>, seed: UInt64) -> [Int32] {
    var rng = RandomSource(seed: seed)
    return (0..<count).map { _ in Int32(range.lowerBound + rng.int(below: range.count)) }
}
