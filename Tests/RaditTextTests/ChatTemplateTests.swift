import Foundation
import RaditTestSupport
import XCTest
@testable import RaditText

final class ChatTemplateTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            let name: String
            let messages: [ChatMessage]
            let add_generation_prompt: Bool
            let rendered: String
        }
        let template: String
        let cases: [Case]
    }

    func testRendersLikeJinjaForSmolLM2() throws {
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Fixtures.file("chat/smollm2.json")))
        let template = try ChatTemplate(jinja: ref.template)
        XCTAssertEqual(template, .smolLM2)
        XCTAssertTrue(ref.cases.contains { $0.name == "three_turns" && $0.messages.count == 3 })
        for c in ref.cases {
            XCTAssertEqual(template.render(c.messages, addGenerationPrompt: c.add_generation_prompt), c.rendered,
                           "\(c.name) add_generation_prompt=\(c.add_generation_prompt)")
        }
    }

    func testPlainChatMLWithEscapedNewlinesAndOtherLayout() throws {
        let jinja = """
        {%- for message in messages -%}
            {{ "<|im_start|>" + message['role'] + "\\n" + message['content'] + "<|im_end|>" + "\\n" }}
        {%- endfor %}
        {% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}
        """
        let t = try ChatTemplate(jinja: jinja)
        XCTAssertEqual(t, .chatML(defaultSystem: nil))
        XCTAssertEqual(t.render([ChatMessage(role: .user, content: "hi")], addGenerationPrompt: true),
                       "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
    }

    func testUnsupportedTemplateIsReported() {
        let llama3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}"
        XCTAssertThrowsError(try ChatTemplate(jinja: llama3)) { e in
            XCTAssertEqual(e as? ChatTemplateError, .unsupported(excerpt: String(llama3.prefix(120))))
            XCTAssertTrue("\(e)".hasPrefix("chat template is not one Radit can render (it renders ChatML templates such as SmolLM2's); starts with: \"{% set loop_messages"), "\(e)")
        }
    }
}
