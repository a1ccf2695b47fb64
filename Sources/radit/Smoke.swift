import ArgumentParser
import RaditExperiments

/// `radit smoke`: proves the BLAS link works and shows which OpenBLAS and which SIMD path
/// are in use (and refuses a RADIT_SIMD value the CPU cannot honour).
struct Smoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that BLAS and LAPACK are linked and compute correctly.")

    func run() throws {
        for line in try SmokeCheck.run() { print(line) }
    }
}
