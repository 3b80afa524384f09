#!/usr/bin/env bash
# npm start: set up what is missing, then open the course in Jupyter Notebook.
#   npm start                      Jupyter on http://127.0.0.1:8888 (or the next free port), notebooks/
#   PORT=9000 npm start            another port
#   npm start -- --no-browser      any further options go to `jupyter notebook`
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
PORT="${PORT:-8888}"
extra=()
if [ "$(id -u)" = 0 ]; then extra+=(--allow-root); fi
echo "[descent] starting Jupyter Notebook on http://127.0.0.1:${PORT}/ (notebooks/, kernel 'TypeScript (Descent)')"
echo "[descent] open the URL with the token that Jupyter prints below; stop with Ctrl-C twice"
exec jupyter notebook --ip=127.0.0.1 --port="$PORT" --notebook-dir="$PWD/notebooks" "${extra[@]}" "$@"
