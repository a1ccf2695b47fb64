import RaditData
import RaditModels
import RaditTuning

/// The typed engine options a config resolves to.
extension ExperimentConfig {
    public var tuningOptions: TuningOptions {
        var o = TuningOptions()
        o.schedule = choice("train.schedule")
        o.steps = int("train.steps")
        o.batchSize = int("train.batch_size")
        o.candidates = int("train.candidates")
        o.lmTopK = int("train.lm_top_k")
        o.objective = RetrieverObjective(kind: choice("train.loss"), direction: choice("train.kl_direction"),
                                         scoreMode: choice("train.score_mode"),
                                         retrieverTemperature: double("train.retriever_temperature"),
                                         lmTemperature: double("train.lm_temperature"))
        let shape: LearningRateShape = choice("train.lr_schedule")
        o.lmRate = LearningRateSchedule(peak: double("train.lm_lr"), warmupSteps: int("train.warmup_steps"), shape: shape)
        o.retrieverRate = LearningRateSchedule(peak: double("train.retriever_lr"), warmupSteps: int("train.warmup_steps"), shape: shape)
        o.oracleShare = double("train.oracle_share")
        o.lmSource = choice("train.lm_source")
        o.seed = UInt64(bitPattern: Int64(int("train.seed")))
        return o
    }

    public var inferenceOptions: InferenceOptions {
        var o = InferenceOptions()
        o.mode = choice("eval.mode")
        o.k = int("eval.top_k")
        o.temperature = double("eval.temperature")
        o.maxTokens = int("eval.max_tokens")
        return o
    }

    /// Valid after `validate()` (which checks the template).
    public var promptFormat: PromptFormat {
        get throws {
            PromptFormat(template: try RaditData.PromptTemplate(string("lm.template")),
                         closedBook: string("lm.closed_book_template"), answerTag: string("lm.answer_tag"))
        }
    }
}
