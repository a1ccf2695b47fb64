import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

struct EmbeddingCase: KernelCase {
    let ids: [Int32], vocab: Int, dim: Int
    var name: String { "embedding n=\(ids.count) V=\(vocab) C=\(dim)" }
    var inputCounts: [Int] { [vocab * dim] }
    var outCount: Int { ids.count * dim }

    func forward<S: BLASScalar>(_ x: [[S]], naive: Bool) -> [S] {
        let table = Buf(x[0]), out = Buf<S>(zeros: outCount), id = Buf(ids)
        if naive {
            embeddingForwardNaive(out: out.p, ids: id.p, table: table.p, count: ids.count, vocab: vocab, dim: dim)
        } else {
            embeddingForward(out: out.p, ids: id.p, table: table.p, count: ids.count, vocab: vocab, dim: dim)
        }
        return out.array
    }

    func backward<S: BLASScalar>(_ x: [[S]], dOut: [S], grads: inout [[S]], naive: Bool) {
        let d = Buf(dOut), dT = Buf(grads[0]), id = Buf(ids)
        if naive {
            embeddingBackwardNaive(dTable: dT.p, dOut: d.p, ids: id.p, count: ids.count, vocab: vocab, dim: dim)
        } else {
            embeddingBackward(dTable: dT.p, dOut: d.p, ids: id.p, count: ids.count, vocab: vocab, dim: dim)
        }
        grads[0] = dT.array
    }
}

final class EmbeddingTests: XCTestCase {
    func testEmbeddingAllChecks() {
        verifyKernel(EmbeddingCase(ids: [0], vocab: 1, dim: 1))
        verifyKernel(EmbeddingCase(ids: [2, 0, 2, 4, 2], vocab: 5, dim: 7))   // repeated ids scatter-add
        verifyKernel(EmbeddingCase(ids: randomInts(17, in: 0..<33, seed: 5), vocab: 33, dim: 3))
    }

    func testRepeatedIdsAddUp() {
        var dT = [Float](repeating: 0, count: 6)
        embeddingBackward(dTable: &dT, dOut: [1, 2, 10, 20, 100, 200], ids: [1, 1, 0], count: 3, vocab: 3, dim: 2)
        XCTAssertEqual(dT, [100, 200, 11, 22, 0, 0])
    }
}
