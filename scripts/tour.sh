#!/usr/bin/env bash
# Runs every command of README.md's "A 5-minute tour" as the README writes it, so the tour
# cannot fall behind the CLI (.ci/run calls this after `make test`). The commands are read
# from the README itself: each `radit …` in backticks, in order, then the section's curl
# lines against `radit serve`. Needs the release build and the models (`make test` made both).
#
# TOUR_SET (default below) appends `--set` overrides to the commands that train (`radit run`,
# `radit sweep`) so the tour takes minutes on 2 cores; every other word of each command is
# the README's. TOUR_SET="" runs them exactly as written.
set -euo pipefail
cd "$(dirname "$0")/.."
RADIT="$PWD/.build/release/radit"
[ -x "$RADIT" ] || { echo "tour: $RADIT missing; run make build (or make test) first" >&2; exit 1; }
TOUR_SET="${TOUR_SET---set train.steps=2 --set train.warmup_steps=0 --set data.test_limit=8 --set data.dev_limit=4}"

section=$(awk '/^## A 5-minute tour/{on=1; next} /^## /{on=0} on' README.md)
[ -n "$section" ] || { echo "tour: README.md has no '## A 5-minute tour' section" >&2; exit 1; }
mapfile -t commands < <(grep -o '`radit [^`]*`' <<<"$section" | tr -d '`')
[ "${#commands[@]}" -ge 7 ] || { echo "tour: found ${#commands[@]} radit commands in the tour, expected at least 7" >&2; exit 1; }

# A fresh clone has no runs/ (it is git-ignored): the logs below and the tour's outputs go there.
# The export step refuses a non-empty target folder; a rerun of the tour starts it afresh.
mkdir -p runs
rm -rf runs/export
serve_pid=""
cleanup() { if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

for cmd in "${commands[@]}"; do
  read -r -a words <<<"$cmd"
  words[0]="$RADIT"
  case "${words[1]}" in
    run|sweep) read -r -a extra <<<"$TOUR_SET"; words+=("${extra[@]}") ;;
  esac
  if [ "${words[1]}" = serve ]; then
    echo "tour: ${cmd} (background)"
    "${words[@]}" > runs/tour-serve.log 2>&1 &
    serve_pid=$!
    port=$(grep -o -- '--port [0-9]*' <<<"$cmd" | awk '{print $2}')
    for _ in $(seq 120); do
      curl -s -o /dev/null "127.0.0.1:${port}/v1/models" && break
      kill -0 "$serve_pid" 2>/dev/null || { cat runs/tour-serve.log >&2; echo "tour: radit serve exited" >&2; exit 1; }
      sleep 1
    done
    continue
  fi
  echo "tour: ${cmd}"
  "${words[@]}" > runs/tour-last.log 2>&1 || { tail -40 runs/tour-last.log >&2; echo "tour: failed: ${cmd}" >&2; exit 1; }
done

[ -n "$serve_pid" ] || { echo "tour: the tour has no radit serve step" >&2; exit 1; }
# The curl examples: each backslash-continued curl line of the section's sh block.
curls=$(awk '/^```sh/{on=1; next} /^```/{on=0} on' <<<"$section" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
[ -n "$curls" ] || { echo "tour: no curl examples in the tour" >&2; exit 1; }
while IFS= read -r line; do
  [ -n "$line" ] || continue
  echo "tour: ${line:0:80}…"
  out=$(bash -c "$line --fail-with-body")
  grep -q '"' <<<"$out" || { echo "tour: empty answer from: $line" >&2; exit 1; }
done <<<"$curls"
echo "tour: all ${#commands[@]} commands and the curl examples ran"
