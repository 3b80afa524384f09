#!/usr/bin/env bash
# npm run book [-- --edition student|lecturer]: execute every notebook in the descent kernel and build the
# static site (build/book/, or build/book-lecturer/ for the lecturer edition).
# The executed notebooks (with outputs) go to build/notebooks/; nothing in notebooks/ changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup/setup.sh --quiet
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
PY=$(node scripts/setup/python.js)
"$PY" scripts/kernel/driver.py run --out build/notebooks notebooks/*.ipynb
# The site: shared KaTeX and vega files, an index, contents and prev/next links (scripts/book/book.ts).
# Extra options (e.g. --edition lecturer) are passed on.
node scripts/setup/nodeFlags.js --import tsx scripts/book/book.ts --in build/notebooks "$@"
