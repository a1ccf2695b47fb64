import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

enum Activation { case gelu(GeluApproximation), silu }

struct ActivationCase: KernelCase {
    let count: Int, activation: Activation
    var name: String { "\(activation) n=\(count)" }
    var inputCounts: [Int] { [count] }
    var outCount: Int { count }
    func makeInputs(_ rng: inout RandomSource) -> [[Double]] { [(0..<count).map { _ in rng.uniform(-4, 4) }] }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let input = Buf(x[0]), out = Buf<S>(zeros: count)
        switch (activation, naive) {
        case (.gelu(let a), true): geluForwardNaive(out: out.p, input: input.p, count: count, approximation: a)
        case (.gelu(let a), false): geluForward(out: out.p, input: input.p, count: count, approximation: a)
        case (.silu, true): siluForwardNaive(out: out.p, input: input.p, count: count)
        case (.silu, false): siluForward(out: out.p, input: input.p, count: count)
        }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let input = Buf(x[0]), d = Buf(dOut), dX = Buf(grads[0])
        switch (activation, naive) {
        case (.gelu(let a), true): geluBackwardNaive(dInput: dX.p, dOut: d.p, input: input.p, count: count, approximation: a)
        case (.gelu(let a), false): geluBackward(dInput: dX.p, dOut: d.p, input: input.p, count: count, approximation: a)
        case (.silu, true): siluBackwardNaive(dInput: dX.p, dOut: d.p, input: input.p, count: count)
        case (.silu, false): siluBackward(dInput: dX.p, dOut: d.p, input: input.p, count: count)
        }
        grads[0] = dX.array
    }
}

struct SwiGLUCase: KernelCase {
    let count: Int
    var name: String { "swiglu n=\(count)" }
    var inputCounts: [Int] { [count, count] }
    var outCount: Int { count }
    func makeInputs(_ rng: inout RandomSource) -> [[Double]] {
        [(0..<count).map { _ in rng.uniform(-4, 4) }, (0..<count).map { _ in rng.uniform(-2, 2) }]
    }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let g = Buf(x[0]), u = Buf(x[1]), out = Buf<S>(zeros: count)
        if naive { swigluForwardNaive(out: out.p, gate: g.p, up: u.p, count: count) }
        else { swigluForward(out: out.p, gate: g.p, up: u.p, count: count) }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let g = Buf(x[0]), u = Buf(x[1]), d = Buf(dOut), dG = Buf(grads[0]), dU = Buf(grads[1])
        if naive { swigluBackwardNaive(dGate: dG.p, dUp: dU.p, dOut: d.p, gate: g.p, up: u.p, count: count) }
        else { swigluBackward(dGate: dG.p, dUp: dU.p, dOut: d.p, gate: g.p, up: u.p, count: count) }
        grads[0] = dG.array
        grads[1] = dU.array
    }
}

final class ActivationTests: XCTestCase {
    func testActivationsAllChecks() {
        for n in [1, 7, 33, 3 * 5 * 7] {
            verifyKernel(ActivationCase(count: n, activation: .gelu(.tanh)))
            verifyKernel(ActivationCase(count: n, activation: .gelu(.exact)))
            verifyKernel(ActivationCase(count: n, activation: .silu))
            verifyKernel(SwiGLUCase(count: n))
        }
    }

    func testKnownValues() {
        // References: PyTorch F.gelu(1.0) = 0.8413447460685429, approximate="tanh":
        // 0.8411919906082768; F.silu(1.0) = 0.7310585786300049.
        var out = [Double](repeating: 0, count: 3)
        geluForward(out: &out, input: [1, 0, -1], count: 3, approximation: .exact)
        assertClose(out, [0.8413447460685429, 0, -0.15865525393145707], tolerance: 1e-15, "gelu exact")
        geluForward(out: &out, input: [1, 0, -1], count: 3, approximation: .tanh)
        assertClose(out, [0.8411919906082768, 0, -0.15880800939172324], tolerance: 1e-15, "gelu tanh")
        siluForward(out: &out, input: [1, 0, -1], count: 3)
        assertClose(out, [0.7310585786300049, 0, -0.2689414213699951], tolerance: 1e-15, "silu")
        swigluForward(out: &out, gate: [1, 0, -1], up: [2, 5, -1], count: 3)
        assertClose(out, [1.4621171572600098, 0, 0.2689414213699951], tolerance: 1e-15, "swiglu")
    }
}
