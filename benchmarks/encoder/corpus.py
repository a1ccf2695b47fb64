"""A real-text corpus for the `radit embed` benchmark, written as corpus JSONL ({"_id", "title",
"text"}): every distinct paragraph of ../shared/data's HotpotQA dev sample (title + its sentences
joined as HotpotQA's readers join them) and every distinct XQuAD context. Deterministic: records
in file order, first occurrence kept. Prints the record count."""
import json
import sys

hotpot, xquad, out = sys.argv[1:4]
seen, records = set(), []
for q in json.load(open(hotpot, encoding="utf-8")):
    for title, sentences in q["context"]:
        text = "".join(sentences).strip()
        if (title, text) in seen:
            continue
        seen.add((title, text))
        records.append({"_id": f"hotpot-{len(records)}", "title": title, "text": text})
for article in json.load(open(xquad, encoding="utf-8"))["data"]:
    for paragraph in article["paragraphs"]:
        text = paragraph["context"].strip()
        if ("", text) in seen:
            continue
        seen.add(("", text))
        records.append({"_id": f"xquad-{len(records)}", "title": article["title"], "text": text})
with open(out, "w", encoding="utf-8") as f:
    for r in records:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(records))
