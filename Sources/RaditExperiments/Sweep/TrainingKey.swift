/// What a cell's trained LM and retriever depend on, as one comparable string: the resolved
/// value of every `[data]`, `[index]`, `[retriever]`, `[lm]`, `[train]` and `[remote]` key
/// (recipe presets applied), i.e. everything except the evaluation-only `[eval]` keys. The
/// data source, splits, limits and chunking, both models, their starting points
/// (`*.from_run`), templates, every optimiser, schedule and instance setting and the seed are
/// all in it, so two cells with equal keys train the same parameters (training is
/// deterministic: same config + seed = same numbers). `[eval]` is left out because the
/// final evaluation reads the trained parameters without changing them; with
/// `train.eval_every > 0`, however, the dev evaluations during training use the `[eval]`
/// keys to pick `best.h5` and fill the dev metric series, so then they are in the key too.
/// A few keys in it do not change the parameters (`lm.scoring_batch`,
/// `train.lm_micro_batch`, `train.checkpoint_every`, `train.keep_checkpoints`, `remote.timeout`,
/// …); they stay in on purpose: a cell that differs in one of them is trained again rather
/// than risking a wrong share. `[sweep]` is not a cell's key (a cell's config has no grid)
/// and the run's name and folder are not config keys. Two cells of one sweep with equal keys
/// train once (`Sweep.plannedTrainingSource(of:)`).
struct TrainingKey: Hashable {
    let text: String

    init(_ config: ExperimentConfig) {
        let evalDuringTraining = config.int(AnalysisKey.evalEvery) > 0
        text = ConfigSchema.fields
            .filter { $0.section != "eval" || evalDuringTraining }
            .map { "\($0.key)=\(config[$0.key])" }
            .joined(separator: "\n")
    }
}
