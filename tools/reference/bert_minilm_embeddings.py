"""Reference embeddings of all-MiniLM-L6-v2 for Tests/Fixtures/bert/minilm_reference.json.

Builds the sentence-transformers pipeline by hand (the fetched model folder has no
modules.json): Transformer(max_seq_length=256) -> mean Pooling -> Normalize, exactly what
the published all-MiniLM-L6-v2 pipeline does. Records the token ids the tokenizer made
(after truncation to 256, with [CLS]/[SEP]) so the Swift test can check the encoder fed
with ids alone and, separately, the WordPiece tokenizer.

Run: /work/venv/bin/python tools/reference/bert_minilm_embeddings.py [models/all-MiniLM-L6-v2]
"""
import json
import sys
import random

import numpy as np
import sentence_transformers
import tokenizers
import torch
import transformers
from sentence_transformers import SentenceTransformer, models

MODEL = sys.argv[1] if len(sys.argv) > 1 else "models/all-MiniLM-L6-v2"
OUT = "Tests/Fixtures/bert/minilm_reference.json"
SEED = 20251122
MAX_SEQ = 256


def sentences():
    rng = random.Random(SEED)
    short = [
        "The cat sat on the mat.",
        "A man is playing a guitar.",
        "What is the capital of France?",
        "Paris is the capital and most populous city of France.",
        "Retrieval-augmented language models fetch documents before answering.",
        "How many legs does a spider have?",
        "Spiders have eight legs.",
        "I like green tea in the morning.",
        "The stock market fell sharply on Tuesday.",
        "Photosynthesis converts light energy into chemical energy.",
        "hello",
        "OK",
        "a",
        "",
        "   leading and trailing spaces   ",
        "UPPER CASE SENTENCE WITH NUMBERS 12345 AND 3.14159",
        "Punctuation!!! ... ??? (parentheses) [brackets] {braces} -- dashes; semi: colons",
        "email@example.com and https://example.org/path?x=1&y=2",
        "The quick brown fox jumps over the lazy dog.",
        "Who wrote the novel 'Pride and Prejudice'?",
        "Jane Austen published Pride and Prejudice in 1813.",
        "Water boils at 100 degrees Celsius at sea level.",
        "Mount Everest is Earth's highest mountain above sea level.",
        "The mitochondria is the powerhouse of the cell.",
        "Can you recommend a good Italian restaurant nearby?",
        "Neural networks are trained with gradient descent.",
        "The Great Wall of China is visible from low orbit, or so the myth goes.",
        "Tabs\tand\nnewlines\r\nin text",
        "don't won't can't shouldn't it's",
        "co-operation, re-entry, e-mail, well-known",
    ]
    unicode = [
        "Café au lait, naïve façade, résumé, coöperate.",
        "Zürich, München und Köln sind Städte in Deutschland und der Schweiz.",
        "El niño comió una manzana en la mañana.",
        "Ελληνικά: η γρήγορη καφέ αλεπού.",
        "Русский текст: быстрая коричневая лиса.",
        "日本語のテキストです。東京は日本の首都です。",
        "中文句子：北京是中国的首都。",
        "한국어 문장입니다.",
        "العربية: القاهرة عاصمة مصر.",
        "עברית: ירושלים",
        "हिन्दी: नई दिल्ली भारत की राजधानी है।",
        "Emoji test 😀🚀🎉 and symbols ™ © ® ∑ ∞ ≠ ≤",
        "Accents with combining marks: e\u0301 a\u0300 o\u0308",
        "Full-width: ＡＢＣ１２３ and ligature ﬁ",
        "Thai: ภาษาไทย",
        "Mixed: The 東京 Tower is 333 m tall ✓",
        "Ångström, Øresund, Æsir, ß, ŝ, ł",
        "Zero\u200bwidth space and non\u00a0breaking space",
        "Vietnamese: Tiếng Việt có dấu.",
        "Turkish: İstanbul ve Ankara şehirleri.",
    ]
    words = ("the of and a to in is was for on that with as by at from his her it an were are "
             "which this be or has had not but first one their its new after who they have two "
             "city river museum protein galaxy algorithm election harvest melody voltage theorem "
             "retrieval encoder gradient passage question answer document corpus tuning").split()
    generated = []
    for i in range(40):
        n = rng.randint(5, 40)
        generated.append(" ".join(rng.choice(words) for _ in range(n)).capitalize() + ".")
    long = []
    for i in range(12):
        n = rng.randint(300, 700)  # words, well over 256 tokens
        long.append(" ".join(rng.choice(words) for _ in range(n)) + f" end{i}")
    # One long unicode text too, so truncation happens inside multi-piece words.
    long.append(" ".join(["Zürich café naïve 東京 résumé"] * 80))
    return short + unicode + generated + long


def main():
    torch.manual_seed(SEED)
    transformer = models.Transformer(MODEL, max_seq_length=MAX_SEQ)
    pooling = models.Pooling(getattr(transformer, "get_embedding_dimension", transformer.get_word_embedding_dimension)(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu")
    model.eval()
    texts = sentences()
    tok = transformer.tokenizer
    ids = [tok(t, truncation=True, max_length=MAX_SEQ)["input_ids"] for t in texts]
    with torch.no_grad():
        emb = model.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
    out = {
        "model": "all-MiniLM-L6-v2",
        "max_seq_length": MAX_SEQ,
        "seed": SEED,
        "versions": {
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "tokenizers": tokenizers.__version__,
            "numpy": np.__version__,
        },
        "pipeline": "Transformer(max_seq_length=256) -> Pooling(mean) -> Normalize",
        "dimension": int(emb.shape[1]),
        "items": [
            {"text": t, "ids": i, "embedding": [float(x) for x in e.astype(np.float32)]}
            for t, i, e in zip(texts, ids, emb)
        ],
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {OUT}: {len(texts)} sentences, {sum(len(i) == MAX_SEQ for i in ids)} truncated")


if __name__ == "__main__":
    main()
