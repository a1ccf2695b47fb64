import RaditBase
import RaditData
import RaditIndex

// The library types the `radit` CLI names in its arguments and rendering, so that it
// imports RaditExperiments alone (plus the read-only Store/Models pieces behind `inspect`,
// `lm` and `models`). Each is the lower layer's own type, not a copy.

public typealias ProgressEvent = RaditBase.ProgressEvent
public typealias ProgressAction = RaditBase.ProgressAction
public typealias ProgressHandler = RaditBase.ProgressHandler
public typealias RaditVersion = RaditBase.RaditVersion
public typealias DatasetFormat = RaditData.DatasetFormat
public typealias ReadOptions = RaditData.ReadOptions
public typealias SynthSplit = RaditData.SynthSplit
public typealias SynthKB = RaditData.SynthKB
public typealias SynthKBConfig = RaditData.SynthKBConfig
public typealias DistractorSourceKind = RaditData.DistractorSourceKind
public typealias RaftNoOracleAnswer = RaditData.RaftNoOracleAnswer
public typealias RAITMode = RaditData.RAITMode
public typealias PromptTemplate = RaditData.PromptTemplate
public typealias BM25Parameters = RaditIndex.BM25Parameters
public typealias BM25Variant = RaditIndex.BM25Variant
