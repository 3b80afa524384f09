#!/usr/bin/env bash
# npm run book [-- --edition student|lecturer]: execute every notebook in the descent kernel and build the
# static site (build/book/, or build/book-lecturer/ for the lecturer edition).
# The executed notebooks (with outputs) go to build/notebooks/; nothing in notebooks/ changes.
# Inputs are named, never picked up from a folder: the chapters notebooks/NN-topic.ipynb (not a notebook a
# reader saved beside them), their executed copies from this run, and the edition's homework (book.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup/setup.sh --quiet
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
PY=$(node scripts/setup/python.js)
chapters=(notebooks/[0-9][0-9]-*.ipynb)
"$PY" scripts/kernel/driver.py run --out build/notebooks "${chapters[@]}"
executed=()
for nb in "${chapters[@]}"; do executed+=("build/notebooks/$(basename "$nb")"); done
# The site: shared KaTeX and vega files, an index, contents and prev/next links (scripts/book/book.ts).
# Extra options (e.g. --edition lecturer) are passed on.
# Homework: the student edition releases the masters afresh (never an earlier build/homework/), the
# lecturer edition shows the masters.
edition=student
prev=
for a in "$@"; do
  if [ "$prev" = --edition ]; then edition="$a"; fi
  prev="$a"
done
homework=notebooks/homework-masters
if [ "$edition" = student ]; then
  homework=$(mktemp -d "${TMPDIR:-/tmp}/descent-book-homework-XXXXXX")
  trap 'rm -rf "$homework"' EXIT
  node --import tsx scripts/homework/release.ts --out "$homework" >/dev/null
fi
node scripts/setup/nodeFlags.js --import tsx scripts/book/book.ts --homework "$homework" "$@" "${executed[@]}"
