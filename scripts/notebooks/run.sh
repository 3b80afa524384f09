#!/usr/bin/env bash
# Run notebooks headlessly in the project kernel:  npm run nb -- notebooks/01-perceptron.ipynb [...]
# With no argument, runs every notebook in notebooks/. Executed copies go to build/notebooks/.
set -euo pipefail
cd "$(dirname "$0")/../.."
node scripts/kernel/kernelspec.js >/dev/null
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
PY=$(node scripts/setup/python.js)
if [ $# -eq 0 ]; then set -- notebooks/[0-9][0-9]-*.ipynb; fi
exec "$PY" scripts/kernel/driver.py run --out build/notebooks "$@"
