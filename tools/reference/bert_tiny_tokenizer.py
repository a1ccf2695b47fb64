"""A tiny WordPiece tokenizer.json (Tests/Fixtures/bert/tiny-tokenizer.json) for tests
that need a whole model folder without the real 30522-token vocabulary (radit embed's
kill-and-resume test). Same pipeline as all-MiniLM-L6-v2's tokenizer.json (BERT
normaliser, BERT pre-tokeniser, WordPiece, [CLS] … [SEP]) with a 100-token vocabulary:
the five specials, 26 letters, their ## continuations and common words.

Run: /work/venv/bin/python tools/reference/bert_tiny_tokenizer.py [models/all-MiniLM-L6-v2]
"""
import json
import string
import sys

import tokenizers

SRC = (sys.argv[1] if len(sys.argv) > 1 else "models/all-MiniLM-L6-v2") + "/tokenizer.json"
OUT = "Tests/Fixtures/bert/tiny-tokenizer.json"

j = json.load(open(SRC, encoding="utf-8"))
specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
words = ("the of and a to in is was for on that with as by at from river museum protein "
         "galaxy algorithm election harvest melody voltage theorem retrieval encoder gradient "
         "passage question answer document corpus tuning").split()
vocab_list = specials + list(string.ascii_lowercase) + ["##" + c for c in string.ascii_lowercase] + words
vocab_list += [p for p in string.punctuation if p not in vocab_list]
vocab = {t: i for i, t in enumerate(vocab_list)}
j["model"]["vocab"] = vocab
j["truncation"] = None
j["padding"] = None
j["added_tokens"] = [dict(t, id=vocab[t["content"]]) for t in j["added_tokens"] if t["content"] in vocab]
for name in ("[CLS]", "[SEP]"):
    j["post_processor"]["special_tokens"][name]["ids"] = [vocab[name]]
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(j, f, ensure_ascii=False, indent=1)
t = tokenizers.Tokenizer.from_file(OUT)
print(f"wrote {OUT}: {len(vocab)} tokens; 'The river museum!' ->", t.encode("The river museum!").ids,
      "tokenizers", tokenizers.__version__)
