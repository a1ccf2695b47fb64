#!/usr/bin/env bash
# Compiles `radit table`'s LaTeX with pdflatex (a client nobody here wrote): every layout
# that applies to the given runs is rendered with --format latex, wrapped in a minimal
# article with booktabs, and compiled with -halt-on-error. Needs pdflatex and booktabs
# (Debian: texlive-latex-base texlive-latex-recommended); the test suite cannot install them.
# Usage: tools/check_latex.sh RUN_OR_SWEEP [LAYOUT ...]   (default layout: radit-table6)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:?usage: tools/check_latex.sh RUN_OR_SWEEP [LAYOUT ...]}
shift
LAYOUTS=("${@:-radit-table6}")
command -v pdflatex >/dev/null || { echo "pdflatex not found: apt-get install texlive-latex-base texlive-latex-recommended" >&2; exit 2; }
RADIT=${RADIT:-$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/radit}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for layout in "${LAYOUTS[@]}"; do
    "$RADIT" table "$RUNS" --layout "$layout" --format latex > "$WORK/$layout.tex"
    {
        echo '\documentclass{article}'
        echo '\usepackage{booktabs}'
        echo '\usepackage[margin=1.5cm,landscape]{geometry}'
        echo '\begin{document}'
        cat "$WORK/$layout.tex"
        echo '\end{document}'
    } > "$WORK/doc-$layout.tex"
    (cd "$WORK" && pdflatex -interaction=nonstopmode -halt-on-error "doc-$layout.tex" > "doc-$layout.out" 2>&1) || {
        tail -30 "$WORK/doc-$layout.out" >&2
        echo "FAIL: pdflatex could not compile the $layout table" >&2
        exit 1
    }
    pages=$(grep -o 'Output written on [^ ]* ([0-9]* page' "$WORK/doc-$layout.out" | grep -o '[0-9]* page')
    echo "OK: $layout compiled with $(pdflatex --version | head -1) ($pages)"
done
