import RaditSIMD

/// The vector width RaditSIMD's Float kernels run at. Chosen once at start-up as the widest
/// the CPU supports; `RADIT_SIMD=baseline|avx2|avx512` forces one, and `select` switches
/// (tests walk every supported path). `baseline` is SSE2 on x86-64 and NEON on arm64.
public enum SIMDPath: String, CaseIterable, Sendable {
    case baseline, avx2, avx512

    @usableFromInline var c: RaditSIMDPath {
        switch self {
        case .baseline: RADIT_SIMD_BASELINE
        case .avx2: RADIT_SIMD_AVX2
        case .avx512: RADIT_SIMD_AVX512
        }
    }

    /// The path every Float kernel takes now.
    public static var active: SIMDPath {
        let p = radit_simd_active()
        return allCases.first { $0.c == p } ?? .baseline
    }

    /// The paths this CPU can run, narrowest first.
    public static var supported: [SIMDPath] { allCases.filter { radit_simd_supported($0.c) != 0 } }

    /// Switches every later Float kernel call to `path`; false (nothing changes) when the
    /// CPU lacks it.
    @discardableResult
    public static func select(_ path: SIMDPath) -> Bool { radit_simd_select(path.c) != 0 }

    /// A `RADIT_SIMD` value start-up could not honour (unknown name or a path this CPU
    /// lacks; the widest supported path runs instead), for the CLI to report.
    public static var refusedRequest: String? { radit_simd_refused().map { String(cString: $0) } }

    /// Float lanes per vector on this path.
    public var lanes: Int { Int(radit_simd_lanes(c)) }
}
