#!/usr/bin/env bash
# Runs every benchmark beside its peer; each appends its record to benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in benchmarks/*/run.sh; do
  [ -f "$b" ] && bash "$b"
done
