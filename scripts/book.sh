#!/usr/bin/env bash
# npm run book: execute every notebook in the descent kernel and export the HTML book to build/book/.
# The executed notebooks (with outputs) go to build/notebooks/; nothing in notebooks/ changes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --quiet
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
PY=$(node scripts/python.js)
"$PY" scripts/run_notebooks.py --out build/notebooks notebooks/*.ipynb
mkdir -p build/book
jupyter nbconvert --to html --output-dir build/book build/notebooks/*.ipynb
{
  echo '<!doctype html><meta charset="utf-8"><title>Descent</title><h1>Descent: neural networks from scratch</h1><ol>'
  for f in build/book/*.html; do
    b=$(basename "$f"); [ "$b" = index.html ] && continue
    echo "<li><a href=\"$b\">${b%.html}</a></li>"
  done
  echo '</ol>'
} > build/book/index.html
echo "[descent] the book is in build/book/index.html"
