"""Deterministic benchmark texts: N sentences of 8 to 120 words (many reach the 128-token cap)."""
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
words = ("the of and a to in is was for on that with as by at from his her it an were are which this be or "
         "city river museum protein galaxy algorithm election harvest melody voltage theorem retrieval encoder "
         "gradient passage question answer document corpus tuning Zürich café naïve").split()
with open(out, "w", encoding="utf-8") as f:
    for _ in range(n):
        f.write(" ".join(rng.choice(words) for _ in range(rng.randint(8, 120))) + "\n")
