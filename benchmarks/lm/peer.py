#!/usr/bin/env python3
"""PyTorch CPU peer for bench-lm: the same configs, tasks and token counts.

Scoring: a forward over B sequences of T tokens (HF LlamaForCausalLM, float32, no grad)
and the log-softmax of the answer positions. Train step: forward + backward of the mean
next-token loss over all tokens + AdamW step. Threads: torch.set_num_threads(N).
Prints one JSON object per case.
"""
import json
import os
import statistics
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

threads = int(os.environ.get("BENCH_THREADS", "2"))
repeats = int(os.environ.get("BENCH_REPEATS", "3"))
torch.set_num_threads(threads)
torch.manual_seed(0)

CASES = {
    "small": dict(cfg=dict(num_hidden_layers=4, hidden_size=256, num_attention_heads=4, num_key_value_heads=4,
                           intermediate_size=768, vocab_size=8192, tie_word_embeddings=True),
                  batch=8, length=256, answer=32, train_batch=4),
    "smollm2-135m": dict(cfg=dict(num_hidden_layers=30, hidden_size=576, num_attention_heads=9, num_key_value_heads=3,
                                  intermediate_size=1536, vocab_size=49152, tie_word_embeddings=True,
                                  rope_theta=100000.0, rms_norm_eps=1e-5),
                         batch=4, length=128, answer=32, train_batch=1),
}


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def run(name, c):
    cfg = LlamaConfig(max_position_embeddings=1024, **c["cfg"])
    model = LlamaForCausalLM(cfg).float()
    model.config._attn_implementation = "sdpa"
    B, T, A = c["batch"], c["length"], c["answer"]
    ids = torch.randint(0, cfg.vocab_size, (B, T))

    def score():
        with torch.no_grad():
            logits = model(ids).logits[:, T - A - 1:T - 1]
            lp = logits.log_softmax(-1).gather(-1, ids[:, T - A:, None])[..., 0]
            return lp.sum(-1)

    model.eval()
    score()
    st = statistics.median([timed(score) for _ in range(repeats)])
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1)
    tids = torch.randint(0, cfg.vocab_size, (c["train_batch"], T))

    def step():
        opt.zero_grad()
        out = model(tids, labels=tids)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    step()
    tt = statistics.median([timed(step) for _ in range(repeats)])
    print(json.dumps(dict(case=name, impl="pytorch", threads=threads, torch=torch.__version__,
                          score_tokens_per_s=B * T / st, train_tokens_per_s=c["train_batch"] * T / tt)), flush=True)


def smollm2():
    cfg = LlamaConfig(max_position_embeddings=1024, **CASES["smollm2-135m"]["cfg"])
    model = LlamaForCausalLM(cfg).float()
    model.config._attn_implementation = "sdpa"
    return cfg, model


def run_lora(targets, length=128, batch=4):
    """PEFT LoRA r = 8, alpha = 16, no dropout, on the attention or all linear projections."""
    from peft import LoraConfig, get_peft_model
    import peft
    cfg, model = smollm2()
    modules = ["q_proj", "k_proj", "v_proj", "o_proj"] + (["gate_proj", "up_proj", "down_proj"] if targets == "all" else [])
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=modules))
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4, weight_decay=0.0)
    tids = torch.randint(0, cfg.vocab_size, (batch, length))

    def step():
        opt.zero_grad()
        out = model(tids, labels=tids)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        opt.step()

    step()
    tt = statistics.median([timed(step) for _ in range(repeats)])
    print(json.dumps(dict(case=f"smollm2-135m-lora-{targets}", impl="pytorch+peft", threads=threads, torch=torch.__version__,
                          peft=peft.__version__, train_tokens_per_s=batch * length / tt)), flush=True)


def left_padded_prompts(V, count):
    """bench-lm's generation prompts (40–120 tokens), left-padded into ids and attention mask."""
    prompts = [[1 + (i * 131 + j * 7) % (V - 1) for j in range(40 + (i * 37) % 81)] for i in range(count)]
    T = max(len(p) for p in prompts)
    ids = torch.zeros((count, T), dtype=torch.long)
    mask = torch.zeros((count, T), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, T - len(p):] = torch.tensor(p)
        mask[i, T - len(p):] = 1
    return prompts, ids, mask


def run_generate(count=16, tokens=16):
    """Batched greedy `generate` of `count` left-padded prompts (bench-lm's formula), exactly
    `tokens` new tokens each, KV cache on."""
    import transformers
    cfg, model = smollm2()
    model.eval()
    _, ids, mask = left_padded_prompts(cfg.vocab_size, count)

    def gen():
        with torch.no_grad():
            model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=tokens, min_new_tokens=tokens,
                           do_sample=False, pad_token_id=0, use_cache=True)

    gen()
    t = statistics.median([timed(gen) for _ in range(repeats)])
    print(json.dumps(dict(case="smollm2-135m-generate", impl="transformers", threads=threads, torch=torch.__version__,
                          transformers=transformers.__version__, prompts=count, new_tokens=tokens,
                          prompts_per_s=count / t)), flush=True)


def run_rerank(questions=16, k=3, tokens=8):
    """A rerank evaluation pass as transformers code does it: one batched greedy `generate`
    over every question's k chunk prompts (left-padded, exactly `tokens` new tokens), then,
    per question, log p(answer | prompt) of each of its k answers after each of its k prompts
    from one right-padded forward over the k² prompt + answer sequences."""
    import transformers
    cfg, model = smollm2()
    model.eval()
    prompts, ids, mask = left_padded_prompts(cfg.vocab_size, questions * k)
    T = ids.shape[1]

    def rerank():
        with torch.no_grad():
            out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=tokens, min_new_tokens=tokens,
                                 do_sample=False, pad_token_id=0, use_cache=True)
            answers = out[:, T:].tolist()
            for q in range(questions):
                seqs = [(prompts[q * k + c], answers[q * k + a]) for a in range(k) for c in range(k)]
                L = max(len(p) + len(y) for p, y in seqs)
                x = torch.zeros((len(seqs), L), dtype=torch.long)
                m = torch.zeros((len(seqs), L), dtype=torch.long)
                for b, (p, y) in enumerate(seqs):
                    x[b, :len(p) + len(y)] = torch.tensor(p + y)
                    m[b, :len(p) + len(y)] = 1
                logits = model(input_ids=x, attention_mask=m).logits
                for b, (p, y) in enumerate(seqs):
                    rows = torch.log_softmax(logits[b, len(p) - 1:len(p) + len(y) - 1].float(), dim=-1)
                    rows[torch.arange(len(y)), torch.tensor(y)].sum().item()

    rerank()
    t = statistics.median([timed(rerank) for _ in range(repeats)])
    print(json.dumps(dict(case="smollm2-135m-rerank", impl="transformers", threads=threads, torch=torch.__version__,
                          transformers=transformers.__version__, questions=questions, k=k, new_tokens=tokens,
                          questions_per_s=questions / t)), flush=True)


only = sys.argv[1] if len(sys.argv) > 1 else None
if only == "lora":
    for targets in ("attention", "all"):
        run_lora(targets)
elif only == "generate":
    run_generate()
    run_rerank()
else:
    for name, c in CASES.items():
        # bench-lm's group `smollm2` is the case `smollm2-135m`.
        if only is None or only == name or (only == "smollm2" and name == "smollm2-135m"):
            run(name, c)
