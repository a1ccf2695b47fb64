"""Drives `radit serve` with the official openai Python client (see check_openai_client.sh).

Usage: python check_openai_client.py BASE_URL MODEL. Exits non-zero on any mismatch.
"""
import sys

import openai
from openai import OpenAI

base_url, model = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=600)
print(f"openai {openai.__version__}, python {sys.version.split()[0]}")

ids = [m.id for m in client.models.list().data]
print("models.list:", ids)
assert ids == [model], ids

text = "Question: What is the capital of France?\nAnswer: Paris"
scored = client.completions.create(model=model, prompt=text, max_tokens=0, echo=True, logprobs=1)
lp = scored.choices[0].logprobs
assert "".join(lp.tokens) == text and len(lp.tokens) == len(lp.token_logprobs) == len(lp.text_offset)
assert lp.token_logprobs[0] is None and all(v is not None and v <= 0 for v in lp.token_logprobs[1:])
answer = [v for v, o in zip(lp.token_logprobs, lp.text_offset) if o >= len(text) - len(" Paris")]
print(f"completions echo+logprobs: {len(lp.tokens)} tokens; log p(' Paris' | prompt) = {sum(answer):.4f} "
      f"over {len(answer)} token(s); last tokens {list(zip(lp.tokens, [None if v is None else round(v, 3) for v in lp.token_logprobs]))[-4:]}")
print("  top_logprobs of the last token:", lp.top_logprobs[-1])

cont = client.completions.create(model=model, prompt="The capital of France is", max_tokens=8, temperature=0, logprobs=2)
c = cont.choices[0]
print(f"completions greedy: {c.text!r} finish={c.finish_reason} usage={cont.usage.prompt_tokens}+{cont.usage.completion_tokens}")
print("  first token alternatives:", c.logprobs.top_logprobs[0])

stream = client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "Name three primary colours."}],
    max_tokens=40, temperature=0, stream=True)
pieces, finish = [], None
for chunk in stream:
    if chunk.choices:
        pieces.append(chunk.choices[0].delta.content or "")
        finish = chunk.choices[0].finish_reason or finish
streamed = "".join(pieces)
print(f"chat stream: {sum(1 for p in pieces if p)} content chunks, finish={finish}: {streamed!r}")
whole = client.chat.completions.create(
    model=model, messages=[{"role": "user", "content": "Name three primary colours."}], max_tokens=40, temperature=0)
assert whole.choices[0].message.content == streamed, (whole.choices[0].message.content, streamed)
print("chat (not streamed) equals the streamed text")

try:
    client.completions.create(model=model, prompt="x", max_tokens=-1)
    raise SystemExit("a negative max_tokens was accepted")
except openai.BadRequestError as e:
    print(f"bad request: HTTP {e.status_code}: {e.body}")
try:
    client.completions.create(model="no-such-model", prompt="x")
    raise SystemExit("an unknown model was accepted")
except openai.NotFoundError as e:
    print(f"unknown model: HTTP {e.status_code}")
print("OK")
