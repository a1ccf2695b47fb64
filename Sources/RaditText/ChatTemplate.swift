import RaditBase

/// Who speaks a chat turn.
public enum ChatRole: String, Sendable, Codable, CaseIterable {
    case system, user, assistant
}

/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: ChatRole
    public var content: String
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}

/// A chat template Radit can render natively. Models carry their template as Jinja text
/// (`tokenizer.chat_template`); Radit recognises the ChatML family instead of running
/// Jinja, and says so when a template is something else.
public enum ChatTemplate: Sendable, Equatable {
    /// `<|im_start|>{role}\n{content}<|im_end|>\n` per message, the generation prompt
    /// `<|im_start|>assistant\n`; when `defaultSystem` is set and the conversation does not
    /// open with a system message, that system turn is put first (SmolLM2's template).
    case chatML(defaultSystem: String?)

    /// SmolLM2-135M-Instruct's template with its default system prompt.
    public static let smolLM2 = ChatTemplate.chatML(
        defaultSystem: "You are a helpful AI assistant named SmolLM, trained by Hugging Face")

    /// Recognises a Jinja chat template. Whitespace outside string literals does not matter;
    /// a newline inside a literal may be written raw or as `\n`.
    public init(jinja: String) throws {
        let t = Self.canonical(jinja)
        let loopStart = "{%formessageinmessages%}"
        let turn = "{{'<|im_start|>'+message['role']+'\n'+message['content']+'<|im_end|>'+'\n'}}{%endfor%}"
        let generation = "{%ifadd_generation_prompt%}{{'<|im_start|>assistant\n'}}{%endif%}"
        if t == loopStart + turn + generation {
            self = .chatML(defaultSystem: nil)
            return
        }
        let sysOpen = "{%ifloop.firstandmessages[0]['role']!='system'%}{{'<|im_start|>system\n"
        let sysClose = "<|im_end|>\n'}}{%endif%}"
        if t.hasPrefix(loopStart + sysOpen), t.hasSuffix(sysClose + turn + generation) {
            let inner = t.dropFirst(loopStart.count + sysOpen.count).dropLast(sysClose.count + turn.count + generation.count)
            if !inner.contains("'") && !inner.contains("{") {
                self = .chatML(defaultSystem: String(inner))
                return
            }
        }
        throw ChatTemplateError.unsupported(excerpt: String(jinja.prefix(120)))
    }

    /// The prompt text for `messages`; `addGenerationPrompt` opens the assistant's turn.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        switch self {
        case .chatML(let defaultSystem):
            var out = ""
            if let sys = defaultSystem, let first = messages.first, first.role != .system {
                out += "<|im_start|>system\n\(sys)<|im_end|>\n"
            }
            for m in messages { out += "<|im_start|>\(m.role.rawValue)\n\(m.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
            return out
        }
    }

    /// The token that ends an assistant turn, where generation stops.
    public var endOfTurn: String {
        switch self {
        case .chatML: return "<|im_end|>"
        }
    }

    /// Drops whitespace outside quoted literals, turns the escape `\n` inside literals into
    /// a newline and double quotes into single ones, so layout variants compare equal.
    static func canonical(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var quote: Unicode.Scalar? = nil
        var it = Array(s.unicodeScalars)[...]
        while let c = it.popFirst() {
            if let q = quote {
                if c == "\\", let n = it.first {
                    it.removeFirst()
                    if n == "n" { out.append("\n") } else { out.append("\\"); out.append(n) }
                    continue
                }
                if c == q { quote = nil; out.append("'"); continue }
                out.append(c)
            } else {
                if c == "'" || c == "\"" { quote = c; out.append("'"); continue }
                if c == " " || c == "\n" || c == "\t" || c == "\r" { continue }
                if c == "-" && (out.last == "%" || out.last == "{") { continue }  // `{%-` trim markers
                if (c == "%" || c == "}") && out.last == "-" { out.removeLast() }
                out.append(c)
            }
        }
        return String(out)
    }
}

/// Chat templates Radit cannot render.
public enum ChatTemplateError: RaditError, Equatable {
    case unsupported(excerpt: String)

    public var message: String {
        switch self {
        case .unsupported(let excerpt):
            return "chat template is not one Radit can render (it renders ChatML templates such as SmolLM2's); starts with: \(excerpt.debugDescription). Set the prompt template in the config instead, or disable the chat template"
        }
    }
}
