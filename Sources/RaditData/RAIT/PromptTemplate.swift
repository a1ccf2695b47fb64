/// A one-chunk prompt with `{c}` (background), `{x}` (question) and a final `{y}` (answer),
/// RA-DIT's `Background: {c}\n\nQuestion: {x}\nAnswer: {y}` by default. Everything before
/// `{y}` is the prompt, `{y}` the completion the loss is taken on.
public struct PromptTemplate: Codable, Equatable, Sendable {
    public let text: String

    public static let raDIT = PromptTemplate(checked: "Background: {c}\n\nQuestion: {x}\nAnswer: {y}")

    private init(checked text: String) { self.text = text }

    public init(_ text: String) throws {
        guard text.hasSuffix("{y}") else { throw RaftError.badTemplate(template: text, reason: "it must end with {y}") }
        for p in ["{c}", "{x}"] where !text.contains(p) {
            throw RaftError.badTemplate(template: text, reason: "it has no \(p)")
        }
        guard text.components(separatedBy: "{y}").count == 2 else {
            throw RaftError.badTemplate(template: text, reason: "{y} must appear exactly once")
        }
        self.text = text
    }

    /// The prompt for background `c` and question `x` (the text before `{y}`, trailing
    /// space removed; the completion carries it).
    public func prompt(background c: String, question x: String) -> String {
        var head = String(text.dropLast(3))
        while head.last == " " { head.removeLast() }
        // One pass over the template, so a chunk or question containing "{x}" stays as is.
        var out = ""
        var rest = head[...]
        while let r = rest.range(of: "{") {
            out += rest[..<r.lowerBound]
            let tail = rest[r.lowerBound...]
            if tail.hasPrefix("{c}") { out += c; rest = tail.dropFirst(3) }
            else if tail.hasPrefix("{x}") { out += x; rest = tail.dropFirst(3) }
            else { out += "{"; rest = tail.dropFirst() }
        }
        return out + rest
    }

    /// The completion for answer `y`: the space the template puts before `{y}`, then `y`.
    public func completion(answer y: String) -> String {
        var spaces = ""
        for ch in text.dropLast(3).reversed() {
            if ch == " " { spaces += " " } else { break }
        }
        return spaces + y
    }

    /// The whole text `prompt + completion`.
    public func render(background c: String, question x: String, answer y: String) -> String {
        prompt(background: c, question: x) + completion(answer: y)
    }
}
