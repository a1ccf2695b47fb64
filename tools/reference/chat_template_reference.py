#!/usr/bin/env python3
"""Reference renderings of SmolLM2-135M-Instruct's chat template (tokenizer.chat_template
in its GGUF) with jinja2 configured as Hugging Face transformers does
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks).

Writes Tests/Fixtures/chat/smollm2.json: the template string and, per case, the messages,
add_generation_prompt and the rendered text.
"""
import json
from importlib.metadata import version

import gguf
from jinja2.sandbox import ImmutableSandboxedEnvironment

SMOL = "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
template = gguf.GGUFReader(SMOL).fields["tokenizer.chat_template"].contents()
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
compiled = env.from_string(template)

three_turns = [
    {"role": "user", "content": "What is the capital of France?"},
    {"role": "assistant", "content": "Paris."},
    {"role": "user", "content": "And of Italy? Answer in one word.\nThanks!"},
]
with_system = [{"role": "system", "content": "You answer tersely."}] + three_turns
cases = []
for name, messages in [("three_turns", three_turns), ("with_system", with_system),
                       ("single_user", [{"role": "user", "content": "Hi <there> & 'quotes' \"double\" ünïcode 😀"}]),
                       ("empty", [])]:
    for gen in (True, False):
        cases.append({"name": name, "messages": messages, "add_generation_prompt": gen,
                      "rendered": compiled.render(messages=messages, add_generation_prompt=gen)})
json.dump({"generator": "tools/reference/chat_template_reference.py",
           "versions": {"jinja2": version("jinja2"), "gguf": version("gguf")},
           "template": template, "cases": cases},
          open("Tests/Fixtures/chat/smollm2.json", "w"), indent=1, ensure_ascii=False)
