import Foundation
import RaditTensor

/// The split names hosted fine-tuning APIs take.
public enum ExportSplit: String, Codable, CaseIterable, Sendable {
    case train, validation, test
}

/// A chat role in the OpenAI fine-tuning format.
public enum ChatRole: String, Codable, Sendable {
    case system, user, assistant
}

/// One training example in neutral form: the exporters write it as a chat or as a
/// prompt–completion pair.
public struct TrainingExample: Equatable, Sendable {
    public var id: String
    public var system: String?
    public var user: String
    public var assistant: String
    /// The split the source data fixes (SynthKB questions have one); nil: hashed by `group`.
    public var split: ExportSplit?
    /// What must stay in one split: the question id (a question's instances never straddle
    /// train and test); the example's own id when it stands alone.
    public var group: String

    public init(id: String, system: String? = nil, user: String, assistant: String, split: ExportSplit? = nil,
                group: String? = nil) {
        self.id = id
        self.system = system
        self.user = user
        self.assistant = assistant
        self.split = split
        self.group = group ?? id
    }

    /// A RAFT instance: the documents and question as the user turn, the CoT as the reply.
    public init(_ r: RaftInstance, system: String?, split: ExportSplit? = nil) {
        self.init(id: r.id, system: system, user: r.instruction, assistant: r.cotAnswer, split: split, group: r.questionID)
    }

    /// An RA-IT instance: the filled-in prompt as the user turn, the answer as the reply.
    public init(_ r: RAITInstance, system: String?, split: ExportSplit? = nil) {
        self.init(id: r.id, system: system, user: r.prompt,
                  assistant: r.completion.trimmingCharacters(in: .whitespaces), split: split, group: r.questionID)
    }
}

/// Writes `<name>.<split>.jsonl` files in the OpenAI chat fine-tuning shape
/// (`{"messages":[{"role":"system",…},{"role":"user",…},{"role":"assistant",…}]}`) or as
/// `{"prompt":…,"completion":…}` lines. Examples without a fixed split go to train /
/// validation / test by a coin keyed by (seed, question id), so a question's instances share
/// one split and adding examples moves none.
///
/// Prompt–completion lines follow the legacy completion fine-tuning convention: the prompt
/// ends with `promptSeparator` (so the model knows where the prompt stops) and the
/// completion starts with a space and ends with `completionStop` (the stop sequence to
/// pass at inference), e.g. `…Answer:\n\n###\n\n` → ` Obpra River END`.
public struct FineTuningExporter {
    public static let promptSeparator = "\n\n###\n\n"
    public static let completionStop = " END"

    public enum Format: String, Codable, CaseIterable, Sendable {
        case chat
        case promptCompletion = "prompt-completion"
    }

    public let trainShare: Double
    public let validationShare: Double
    public let testShare: Double
    public let seed: UInt64

    public init(trainShare: Double = 0.8, validationShare: Double = 0.1, testShare: Double = 0.1, seed: UInt64) throws {
        let shares = [trainShare, validationShare, testShare]
        guard !shares.contains(where: { $0 < 0 }), shares.reduce(0, +) > 0 else {
            throw RaftError.invalidOption(name: "split shares", value: "\(shares)", reason: "must be ≥ 0 with a positive sum")
        }
        self.trainShare = trainShare
        self.validationShare = validationShare
        self.testShare = testShare
        self.seed = seed
    }

    public func split(of e: TrainingExample) -> ExportSplit {
        if let s = e.split { return s }
        var rng = RandomSource(seed: seed, key: "export-split/" + e.group)
        return ExportSplit.allCases[rng.categorical([trainShare, validationShare, testShare])]
    }

    /// One JSON line for an example.
    public static func line(_ e: TrainingExample, format: Format) throws -> String {
        switch format {
        case .chat:
            var messages: [ChatMessage] = []
            if let s = e.system, !s.isEmpty { messages.append(ChatMessage(role: .system, content: s)) }
            messages.append(ChatMessage(role: .user, content: e.user))
            messages.append(ChatMessage(role: .assistant, content: e.assistant))
            return try JSONLine.encode(ChatLine(messages: messages))
        case .promptCompletion:
            let prompt = (e.system.map { $0.isEmpty ? "" : $0 + "\n\n" } ?? "") + e.user + promptSeparator
            let completion = " " + e.assistant.trimmingCharacters(in: .whitespaces) + completionStop
            return try JSONLine.encode(PromptCompletionLine(prompt: prompt, completion: completion))
        }
    }

    /// Writes `<dir>/<name>.<split>.jsonl` for every split (empty splits give empty files),
    /// each through a temporary file; returns the paths and the lines per split.
    @discardableResult
    public func write(_ examples: [TrainingExample], format: Format, to dir: URL, name: String) throws -> ExportFiles {
        var text: [ExportSplit: String] = [:]
        var counts: [ExportSplit: Int] = [:]
        for e in examples {
            let s = split(of: e)
            text[s, default: ""] += try Self.line(e, format: format) + "\n"
            counts[s, default: 0] += 1
        }
        var urls: [ExportSplit: URL] = [:]
        for s in ExportSplit.allCases {
            let url = dir.appendingPathComponent("\(name).\(s.rawValue).jsonl")
            try AtomicFile.write(text[s] ?? "", to: url)
            urls[s] = url
        }
        return ExportFiles(urls: urls, counts: counts)
    }
}

/// What `FineTuningExporter.write` wrote.
public struct ExportFiles: Sendable, Equatable {
    public var urls: [ExportSplit: URL]
    /// Lines per split (absent: none).
    public var counts: [ExportSplit: Int]

    /// Splits with no line, in `ExportSplit` order.
    public var emptySplits: [ExportSplit] { ExportSplit.allCases.filter { (counts[$0] ?? 0) == 0 } }
}

public struct ChatMessage: Codable, Equatable, Sendable {
    public var role: ChatRole
    public var content: String
}

struct ChatLine: Codable { var messages: [ChatMessage] }
struct PromptCompletionLine: Codable { var prompt: String; var completion: String }
