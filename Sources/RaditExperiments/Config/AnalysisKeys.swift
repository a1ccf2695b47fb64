/// The config keys `radit table` and `radit report` group and label runs by, and `radit
/// sweep` shares training by (key literals live only in Config/, beside the schema that
/// defines them).
enum AnalysisKey {
    static let seed = "train.seed"
    static let steps = "train.steps"
    static let evalEvery = "train.eval_every"
    static let raftDistractors = "train.raft_distractors"
    static let topK = "eval.top_k"
    static let oracleShare = "train.oracle_share"
    static let recallAt = "eval.recall_at"
    static let lmSource = "train.lm_source"
}
