#!/usr/bin/env bash
# npm start: set up what is missing, then open the course in Jupyter Notebook.
#   npm start                      Jupyter on http://127.0.0.1:8888 (or the next free port; the banner says which), notebooks/
#   PORT=9000 npm start            another port
#   npm start -- --no-browser      any further options go to `jupyter notebook`
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/kernel-cache.js || true # compile src/ for the kernel now, not in the first notebook (once per content)
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
echo "[descent] starting Jupyter Notebook on http://127.0.0.1:${PORT}/ (notebooks/, kernel 'TypeScript (Descent)')"
echo "[descent] open the URL with the token that Jupyter prints below; stop with Ctrl-C twice"
exec jupyter notebook --ip=127.0.0.1 --port="$PORT" --notebook-dir="$PWD/notebooks" "${extra[@]}" "$@"
