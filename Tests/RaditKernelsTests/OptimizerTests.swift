import Foundation
import RaditKernels
import RaditTensor
import RaditTestSupport
import XCTest

final class OptimizerTests: XCTestCase {
    /// Quadratic loss `½ Σ a ⊙ (p − c)²` written into the arena's gradient buffer.
    private func quadraticGradient<S: BLASScalar>(_ arena: ParameterArena<S>, _ name: String, a: [Double], c: [Double]) {
        let p = arena.value(name), g = arena.grad(name)
        for i in 0..<a.count { g[i] += S(a[i] * (Double(p[i]) - c[i])) }
    }

    func testAdamWFiveStepsMatchTorch() throws {
        let ref = try Reference.load().adamw
        for useFloat in [false, true] {
            if useFloat { try runAdamW(ref, as: Float.self, tolerance: Tolerance.float32 * 10) }
            else { try runAdamW(ref, as: Double.self, tolerance: 1e-6) }
        }
    }

    private func runAdamW<S: BLASScalar>(_ ref: Reference.AdamW, as: S.Type, tolerance: Double) throws {
        let arena = ParameterArena<S>([
            ParameterSpec(name: "W", shape: [3, 4]),                 // decayed (matrix)
            ParameterSpec(name: "b", shape: [4]),                    // not decayed (vector)
            ParameterSpec(name: "frozen", shape: [2, 2], trainable: false),
        ])
        XCTAssertTrue(arena.slot("W")!.spec.weightDecay)
        XCTAssertFalse(arena.slot("b")!.spec.weightDecay)
        try arena.setValues("W", ref.initial["W"]!.map { S($0) })
        try arena.setValues("b", ref.initial["b"]!.map { S($0) })
        try arena.setValues("frozen", ref.initial["frozen"]!.map { S($0) })
        let schedule = LearningRateSchedule.cosine(peak: ref.schedule.peak, minimum: ref.schedule.minimum,
                                                   warmupSteps: ref.schedule.warmup, totalSteps: ref.schedule.total)
        let config = AdamWConfig(beta1: ref.beta1, beta2: ref.beta2, eps: ref.eps, weightDecay: ref.weight_decay)
        for s in ref.steps {
            arena.zeroGradients()
            quadraticGradient(arena, "W", a: ref.A_W, c: ref.C_W)
            quadraticGradient(arena, "b", a: ref.A_b, c: ref.C_b)
            // A frozen parameter whose gradient a careless model filled anyway: ignored by
            // the norm and never moved.
            for i in 0..<4 { arena.grad("frozen")[i] = 100 }
            let lr = schedule.lr(step: arena.step + 1)
            assertClose(lr, s.lr, tolerance: 1e-15, "\(S.self) lr at step \(s.step)")
            let norm = arena.clipGradients(maxNorm: ref.max_norm)
            assertClose(norm, s.grad_norm, tolerance: tolerance, "\(S.self) pre-clip norm at step \(s.step)")
            arena.adamWStep(lr: lr, config: config)
            XCTAssertEqual(arena.step, s.step)
            assertClose(arena.array("W"), s.W, tolerance: tolerance, "\(S.self) W after step \(s.step)")
            assertClose(arena.array("b"), s.b, tolerance: tolerance, "\(S.self) b after step \(s.step)")
        }
        assertClose(arena.array("frozen"), ref.initial["frozen"]!.map { S($0) }, tolerance: Tolerance.exact, "frozen never moves")
    }

    func testAdamWFastMatchesNaiveAndHandComputedFirstStep() {
        // Step 1 by hand: m = (1−β1) g, v = (1−β2) g², m̂ = g, v̂ = g², so
        // p ← p(1 − lr λ) − lr · g / (|g| + eps).
        var rng = RandomSource(seed: 51)
        let p0: [Double] = rng.uniformTensor([19]).scalars, g: [Double] = rng.uniformTensor([19]).scalars
        var p = p0, m = [Double](repeating: 0, count: 19), v = m
        adamWUpdate(params: &p, grads: g, m: &m, v: &v, count: 19, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                    weightDecay: 0.1, step: 1)
        var expected = [Double](repeating: 0, count: 19)
        for i in 0..<19 {
            let decayed: Double = p0[i] * (1 - 0.01 * 0.1)
            expected[i] = decayed - 0.01 * g[i] / (abs(g[i]) + 1e-8)
        }
        assertClose(p, expected, tolerance: 1e-14, "AdamW step 1 by hand")
        // Then 4 more steps: fast (Float) against naive (Float), with varying gradients.
        var pf = p0.map { Float($0) }, mf = [Float](repeating: 0, count: 19), vf = mf
        var pn = pf, mn = mf, vn = vf
        for step in 1...5 {
            let gs: [Float] = g.map { Float($0 * Double(step) - 0.3) }
            adamWUpdate(params: &pf, grads: gs, m: &mf, v: &vf, count: 19, lr: 0.01, beta1: 0.9, beta2: 0.95, eps: 1e-8,
                        weightDecay: 0.1, step: step)
            adamWUpdateNaive(params: &pn, grads: gs, m: &mn, v: &vn, count: 19, lr: 0.01, beta1: 0.9, beta2: 0.95,
                             eps: 1e-8, weightDecay: 0.1, step: step)
        }
        assertClose(pf, pn, tolerance: Tolerance.float32, "AdamW fast vs naive")
        assertClose(vf, vn, tolerance: Tolerance.float32, "second moment")
    }

    func testWeightDecayOnlyWhereEnabled() {
        let arena = ParameterArena<Double>([
            ParameterSpec(name: "matrix", shape: [2, 2]),
            ParameterSpec(name: "gain", shape: [2]),
            ParameterSpec(name: "forcedDecay", shape: [2], weightDecay: true),
            ParameterSpec(name: "noDecayMatrix", shape: [2, 1], weightDecay: false),
        ])
        for s in arena.slots { for i in 0..<s.count { arena.values[s.offset + i] = 2 } }
        arena.zeroGradients()   // zero gradients: only decay can move a parameter
        arena.adamWStep(lr: 0.1, config: AdamWConfig(weightDecay: 0.5))
        XCTAssertEqual(arena.array("matrix"), [1.9, 1.9, 1.9, 1.9])       // 2 · (1 − 0.1 · 0.5)
        XCTAssertEqual(arena.array("gain"), [2, 2])
        XCTAssertEqual(arena.array("forcedDecay"), [1.9, 1.9])
        XCTAssertEqual(arena.array("noDecayMatrix"), [2, 2])
    }

    func testClipByGlobalNorm() {
        let arena = ParameterArena<Float>([
            ParameterSpec(name: "a", shape: [2]), ParameterSpec(name: "b", shape: [1, 1]),
            ParameterSpec(name: "frozen", shape: [1], trainable: false),
        ])
        let g = arena.grads
        g[0] = 3; g[1] = 0; g[2] = 4; g[3] = 1000   // trainable norm 5; frozen ignored
        XCTAssertEqual(arena.gradientNorm(), 5, accuracy: 1e-12)
        let pre = arena.clipGradients(maxNorm: 1)
        XCTAssertEqual(pre, 5, accuracy: 1e-12)
        XCTAssertEqual(arena.gradientNorm(), 1, accuracy: 1e-6)
        XCTAssertEqual(Double(g[0]), 3 / (5 + 1e-6), accuracy: 1e-7)
        XCTAssertEqual(g[3], 1000, "frozen gradients are not touched")
        // Below the limit nothing changes.
        let again = arena.clipGradients(maxNorm: 10)
        XCTAssertEqual(again, 1, accuracy: 1e-6)
        XCTAssertEqual(Double(g[2]), 4 / (5 + 1e-6), accuracy: 1e-7)
    }

    func testFrozenParametersNeverMove() {
        let arena = ParameterArena<Float>([
            ParameterSpec(name: "base", shape: [3, 3], trainable: false),
            ParameterSpec(name: "lora", shape: [3, 1]),
        ])
        for i in 0..<arena.count { arena.values[i] = Float(i) }
        let before = arena.array("base")
        for _ in 0..<3 {
            for i in 0..<arena.count { arena.grads[i] = 1 }
            arena.clipGradients(maxNorm: 0.1)
            arena.adamWStep(lr: 0.5, config: AdamWConfig(weightDecay: 0.3))
        }
        XCTAssertEqual(arena.array("base"), before)
        XCTAssertNotEqual(arena.array("lora"), [9, 10, 11])
    }

    func testScheduleKeySteps() {
        let s = LearningRateSchedule.cosine(peak: 1e-3, minimum: 1e-4, warmupSteps: 10, totalSteps: 110)
        XCTAssertEqual(s.lr(step: 1), 1e-4, accuracy: 1e-18)      // peak / W
        XCTAssertEqual(s.lr(step: 0), s.lr(step: 1))
        XCTAssertEqual(s.lr(step: 5), 5e-4, accuracy: 1e-18)
        XCTAssertEqual(s.lr(step: 10), 1e-3, accuracy: 1e-18)     // end of warm-up: peak
        XCTAssertEqual(s.lr(step: 60), 5.5e-4, accuracy: 1e-15)   // half way: (peak + min) / 2
        let quarter: Double = 1e-4 + 0.9e-3 * 0.5 * (1 + Foundation.cos(Double.pi / 4))
        XCTAssertEqual(s.lr(step: 35), quarter, accuracy: 1e-15)   // a quarter into the decay
        XCTAssertEqual(s.lr(step: 110), 1e-4, accuracy: 1e-18)    // total: minimum
        XCTAssertEqual(s.lr(step: 500), 1e-4)
        var previous = Double.infinity
        for t in 10...110 { XCTAssertLessThanOrEqual(s.lr(step: t), previous); previous = s.lr(step: t) }
        let noWarmup = LearningRateSchedule.cosine(peak: 1, minimum: 0, warmupSteps: 0, totalSteps: 4)
        XCTAssertEqual(noWarmup.lr(step: 2), 0.5, accuracy: 1e-15)
        XCTAssertEqual(noWarmup.lr(step: 4), 0, accuracy: 1e-15)
        XCTAssertEqual(LearningRateSchedule.constant(peak: 3e-4).lr(step: 77), 3e-4)
    }

    func testArenaStateRoundTripAndErrors() throws {
        let specs = [ParameterSpec(name: "w", shape: [2, 3]), ParameterSpec(name: "g", shape: [3])]
        let a = ParameterArena<Float>(specs)
        for i in 0..<a.count { a.values[i] = Float(i) * 0.5; a.grads[i] = 1 }
        a.adamWStep(lr: 0.1, config: AdamWConfig())
        let state = a.exportState()
        XCTAssertEqual(state.names, ["w", "g"])
        XCTAssertEqual(state.shapes, [[2, 3], [3]])
        XCTAssertEqual(state.step, 1)
        XCTAssertEqual(state.m.count, 2)
        let b = ParameterArena<Float>(specs)
        try b.restore(state)
        XCTAssertEqual(b.exportState(), state)
        // Same next step on both gives the same values.
        for i in 0..<a.count { a.grads[i] = 0.25; b.grads[i] = 0.25 }
        a.adamWStep(lr: 0.1, config: AdamWConfig())
        b.adamWStep(lr: 0.1, config: AdamWConfig())
        XCTAssertEqual(a.exportState(), b.exportState())

        var wrong = state
        wrong.shapes[0] = [3, 2]
        XCTAssertThrowsError(try b.restore(wrong)) { error in
            XCTAssertEqual(error as? ParameterArenaError, .shapeMismatch(name: "w", expected: [2, 3], found: [3, 2]))
            XCTAssertTrue("\(error)".contains("'w'"), "\(error)")
        }
        var missing = state
        missing.names.removeLast(); missing.shapes.removeLast(); missing.trainable.removeLast()
        missing.values.removeLast(); missing.m.removeLast(); missing.v.removeLast()
        XCTAssertThrowsError(try b.restore(missing)) { XCTAssertEqual($0 as? ParameterArenaError, .missingParameter("g")) }
        var unknown = state
        unknown.names[1] = "bias"
        XCTAssertThrowsError(try b.restore(unknown)) { XCTAssertEqual($0 as? ParameterArenaError, .unknownParameter("bias")) }
        XCTAssertThrowsError(try b.setValues("w", [1, 2])) {
            XCTAssertEqual($0 as? ParameterArenaError, .countMismatch(name: "w", expected: 6, found: 2))
        }
    }
}
