#!/usr/bin/env bash
# npm start: set up what is missing, then open the course in Jupyter Notebook.
#   npm start                      Jupyter on http://127.0.0.1:8888 (or the next free port; the banner says which), notebooks/
#   PORT=9000 npm start            another port
#   npm start -- --no-browser      any further options go to `jupyter notebook`
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup/setup.sh
node scripts/kernel/kernelCache.js || true # compile src/ for the kernel now, not in the first notebook (once per content)
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
WANTED="${PORT:-8888}"
# Pick the port here (the first free one from $WANTED up) and forbid Jupyter to move on by itself,
# so the banner below names the port Jupyter really listens on.
PORT="$(node -e '
  const net = require("net");
  const first = Number(process.argv[1]);
  const attempt = (p) => {
    if (p > first + 50) { console.error(`[descent] no free port in ${first}..${first + 50}`); process.exit(1); }
    const s = net.createServer();
    s.once("error", () => attempt(p + 1));
    s.listen(p, "127.0.0.1", () => s.close(() => console.log(p)));
  };
  attempt(first);' "$WANTED")"
if [ "$PORT" != "$WANTED" ]; then echo "[descent] port ${WANTED} is in use; using ${PORT} instead"; fi
extra=(--NotebookApp.port_retries=0)
if [ "$(id -u)" = 0 ]; then extra+=(--allow-root); fi
# Homework: the student versions (npm run release → build/homework/) are copied to notebooks/homework/,
# never over a copy that is already there (a student's work). The masters (with solutions) are hidden
# from Jupyter's file list and not served (404, scripts/setup/hidden_masters.py) unless DESCENT_SHOW_MASTERS=1.
if compgen -G "notebooks/homework-masters/*.ipynb" >/dev/null; then
  node --import tsx scripts/homework/release.ts --no-edition >/dev/null || echo "[descent] homework: npm run release failed (see above); starting without new exercises"
fi
if compgen -G "build/homework/*.ipynb" >/dev/null; then
  mkdir -p notebooks/homework
  for f in build/homework/*.ipynb; do [ -e "notebooks/homework/${f##*/}" ] || cp "$f" notebooks/homework/; done
  echo "[descent] homework: your exercises are in notebooks/homework/"
fi
if [ "${DESCENT_SHOW_MASTERS:-}" != 1 ]; then
  for g in __pycache__ '*.pyc' '*.pyo' .DS_Store '*.so' '*.dylib' '*~' homework-masters; do extra+=("--ContentsManager.hide_globs=$g"); done
  # …and not served either: /notebooks/homework-masters/… and /api/contents/homework-masters answer 404
  export PYTHONPATH="$PWD/scripts/setup${PYTHONPATH:+:$PYTHONPATH}"
  extra+=("--NotebookApp.contents_manager_class=hidden_masters.MastersHiddenContentsManager")
fi
echo "[descent] starting Jupyter Notebook on http://127.0.0.1:${PORT}/ (notebooks/, kernel 'TypeScript (Descent)')"
echo "[descent] open the URL with the token that Jupyter prints below; stop with Ctrl-C twice"
exec jupyter notebook --ip=127.0.0.1 --port="$PORT" --notebook-dir="$PWD/notebooks" "${extra[@]}" "$@"
