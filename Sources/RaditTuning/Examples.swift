import RaditData

// The engine works on the data layer's `Example` and `Corpus`: an index id is a corpus
// position, and a prompt's chunk text is `Chunk.indexedText`, the text the retriever embeds.

extension Example {
    /// The answer trained on and scored for LSR: the first alias ("" when there is none;
    /// `radit run` refuses data without answers before training).
    public var target: String { answers.first ?? "" }
}

extension Corpus {
    /// Positions of an example's relevant gold chunks (grade > 0), in source order; gold
    /// ids the corpus lacks (HotpotQA fullwiki) are left out.
    public func goldPositions(_ example: Example) -> [Int] {
        var out: [Int] = []
        for r in example.gold where r.grade > 0 {
            if let p = position(of: r.id), !out.contains(p) { out.append(p) }
        }
        return out
    }

    /// The indexed text of the chunk at `position` (what a prompt shows under
    /// `DocumentFormat.text`; `PromptFormat.chunkText` is the rule prompts follow).
    public func text(_ position: Int) -> String { self[position].indexedText }
}
