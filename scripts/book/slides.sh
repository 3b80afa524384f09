#!/usr/bin/env bash
# npm run slides [-- notebooks/NN-topic.ipynb ...]: execute the notebooks (all by default) in the descent
# kernel and make one reveal.js deck per notebook in build/slides/ (offline; scripts/book/slides.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup/setup.sh --quiet
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
PY=$(node scripts/setup/python.js)
if [ $# -eq 0 ]; then set -- notebooks/[0-9][0-9]-*.ipynb; fi
"$PY" scripts/kernel/driver.py run --out build/notebooks "$@"
executed=()
for nb in "$@"; do executed+=("build/notebooks/$(basename "$nb")"); done
node scripts/setup/nodeFlags.js --import tsx scripts/book/slides.ts --out build/slides "${executed[@]}"
