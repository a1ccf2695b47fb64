import RaditData
import RaditKernels
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
        func schedule(_ peak: Double) -> LearningRateSchedule {
            string("train.lr_schedule") == "cosine"
                ? .cosine(peak: peak, minimum: peak * double("train.min_lr_ratio"), warmupSteps: int("train.warmup_steps"),
                          totalSteps: int("train.steps"))
                : .constant(peak: peak)
        }
        o.lmRate = schedule(double("train.lm_lr"))
        o.retrieverRate = schedule(double("train.retriever_lr"))
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
