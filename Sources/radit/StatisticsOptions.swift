import ArgumentParser

/// How `radit table` and `radit report` resample: stated in every table's footnote.
struct StatisticsOptions: ParsableArguments {
    @Option(help: "Bootstrap resamples and randomization swaps.")
    var resamples: Int = 10_000

    @Option(help: "Seed of the resampling plans.")
    var seed: UInt64 = 0

    func validate() throws {
        if resamples < 1 { throw ValidationError("--resamples must be ≥ 1") }
    }
}
