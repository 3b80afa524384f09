#!/usr/bin/env bash
# Descent set-up: installs whatever is missing, and nothing that is already there.
#   1. node modules (npm ci from package-lock.json)
#   2. Jupyter Notebook, nbconvert and nbclient
#        Debian/Ubuntu as root: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient
#        elsewhere: stops and prints the pip command to run
#   3. the project kernelspec `descent` in <project>/.jupyter (never in your global Jupyter set-up)
#   4. with --for-hub: JupyterHub for serving a class (Debian: jupyterhub, node-configurable-http-proxy,
#      python3-nbgitpuller, git), see README "Serving a class"
# Usage: bash scripts/setup/setup.sh [--for-tests] [--for-bench] [--for-hub] [--quiet]
#   --for-tests  also installs Chromium (Debian package `chromium`) for the browser test, when root
#   --for-bench  also installs numpy with OpenBLAS (Debian packages `python3-numpy`, `libopenblas0-pthread`) for
#                `npm run bench`'s numpy rows, when root
set -euo pipefail
cd "$(dirname "$0")/../.."

FOR_TESTS=0
FOR_BENCH=0
FOR_HUB=0
QUIET=0
for a in "$@"; do
  case "$a" in
    --for-tests) FOR_TESTS=1 ;;
    --for-bench) FOR_BENCH=1 ;;
    --for-hub) FOR_HUB=1 ;;
    --quiet) QUIET=1 ;;
    *) echo "setup: unknown option $a" >&2; exit 2 ;;
  esac
done
say() { if [ "$QUIET" = 0 ]; then echo "[descent setup] $*"; fi; }

# --- 1. node modules -------------------------------------------------------------------------
if [ -L node_modules ] && [ -d node_modules/tslab ]; then
  # a link to an install shared by several checkouts: npm ci would empty the shared directory for all of them
  say "node_modules links to a shared install ($(readlink node_modules)); not reinstalling it"
elif [ ! -d node_modules/tslab ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules (npm ci)…"
  npm ci --no-audit --no-fund
fi

# --- 2. Jupyter --------------------------------------------------------------------------------
have_jupyter() {
  command -v jupyter-notebook >/dev/null 2>&1 && command -v jupyter-nbconvert >/dev/null 2>&1 && node scripts/setup/python.js >/dev/null 2>&1
}
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${DESCENT_APT_UPDATED:-}" ]; then
    apt-get update -qq </dev/null
    export DESCENT_APT_UPDATED=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}
if ! have_jupyter; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Jupyter from Debian packages (jupyter-notebook jupyter-nbconvert python3-nbclient)…"
    apt_install jupyter-notebook jupyter-nbconvert python3-nbclient
  else
    cat >&2 <<'MSG'
[descent setup] Jupyter is missing (need: jupyter-notebook, jupyter-nbconvert and Python's nbclient).
  Debian/Ubuntu:  sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient
  Anywhere else:  python3 -m pip install --user notebook nbconvert nbclient
Then run the command again.
MSG
    exit 1
  fi
  have_jupyter || { echo "[descent setup] Jupyter is still not usable after installing it" >&2; exit 1; }
fi

# --- 2b. Chromium for the browser test (tests only) --------------------------------------------
if [ "$FOR_TESTS" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Chromium for the browser test (Debian package chromium)…"
    apt_install chromium || say "could not install chromium: the browser test will be skipped"
  else
    say "Chromium (/usr/bin/chromium) is missing and we are not root: the browser test will be skipped"
  fi
fi

# --- 2b'. nbgrader's own code for test/nbgrader.test.ts (tests only) ------------------------------
# The test runs nbgrader's validator and preprocessors (vendored in test/vendor/nbgrader) with Debian's
# python3; they need nbformat, nbconvert, traitlets, jsonschema, dateutil and tornado.
have_nbgrader_deps() {
  /usr/bin/python3 -c "import nbformat, nbconvert, traitlets, jsonschema, dateutil, tornado" >/dev/null 2>&1
}
if [ "$FOR_TESTS" = 1 ] && ! have_nbgrader_deps; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing the Python packages nbgrader's code needs (Debian: python3-nbformat python3-nbconvert python3-traitlets python3-jsonschema python3-dateutil python3-tornado)…"
    apt_install python3-nbformat python3-nbconvert python3-traitlets python3-jsonschema python3-dateutil python3-tornado || say "could not install them: the nbgrader test will fail"
  else
    say "python3 lacks nbformat/nbconvert/traitlets/jsonschema/dateutil/tornado and we are not root: the nbgrader test will fail"
  fi
fi

# --- 2b''. The grader's isolation (npm run grade as root; scripts/homework/grading/isolation.ts) ----------
# Students' kernels run as a system user (useradd: Debian's passwd) in namespaces of their own
# (unshare, setpriv: util-linux). Both are part of every Debian; a slim image may lack them.
if [ "$(id -u)" = 0 ] && ! { command -v setpriv && command -v unshare && command -v useradd; } >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    say "installing util-linux and passwd (setpriv, unshare, useradd) for grading students' code in isolation…"
    apt_install util-linux passwd || say "could not install util-linux and passwd: npm run grade will need --unisolated"
  else
    say "setpriv, unshare or useradd is missing: npm run grade will need --unisolated"
  fi
fi

# --- 2c. numpy for the benchmark's numpy rows (bench only) --------------------------------------
# numpy links the reference BLAS unless an optimised one is installed: OpenBLAS (libopenblas0-pthread,
# which Debian's alternatives then pick) is what "numpy with OpenBLAS" means in the README's speed table.
have_bench_numpy() {
  /usr/bin/python3 -c "import numpy" >/dev/null 2>&1 && { ! command -v dpkg >/dev/null 2>&1 || dpkg -s libopenblas0-pthread >/dev/null 2>&1; }
}
if [ "$FOR_BENCH" = 1 ] && ! have_bench_numpy; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing numpy with OpenBLAS for the benchmark (Debian packages python3-numpy libopenblas0-pthread)…"
    apt_install python3-numpy libopenblas0-pthread || say "could not install python3-numpy and libopenblas0-pthread: the bench's numpy rows will be skipped or slow"
  else
    say "numpy is missing for /usr/bin/python3 and we are not root: the bench's numpy rows will be skipped (or set DESCENT_PYTHON to a Python with numpy)"
  fi
fi

# --- 2d. JupyterHub for serving a class (npm run hub, and the hub tests) ----------------------------
# Debian's jupyterhub 3.0 (with node-configurable-http-proxy) and python3-nbgitpuller, installed the way
# Jupyter is above: apt-get as root, a printed command elsewhere.
have_hub() {
  command -v jupyterhub >/dev/null 2>&1 &&
    NODE_PATH=/usr/share/nodejs:/usr/lib/nodejs configurable-http-proxy --version >/dev/null 2>&1 &&
    /usr/bin/python3 -c "import nbgitpuller" >/dev/null 2>&1 && command -v git >/dev/null 2>&1
}
if [ "$FOR_HUB" = 1 ] && ! have_hub; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing JupyterHub from Debian packages (jupyterhub node-configurable-http-proxy python3-nbgitpuller git)…"
    apt_install jupyterhub node-configurable-http-proxy python3-nbgitpuller git
  else
    cat >&2 <<'MSG'
[descent setup] JupyterHub is missing (need: jupyterhub 3.0, configurable-http-proxy, nbgitpuller, git).
  Debian/Ubuntu:  sudo apt-get install jupyterhub node-configurable-http-proxy python3-nbgitpuller git
  Anywhere else:  python3 -m pip install 'jupyterhub==3.*' nbgitpuller && npm install -g configurable-http-proxy
Then run the command again.
MSG
    exit 1
  fi
  have_hub || { echo "[descent setup] JupyterHub is still not usable after installing it" >&2; exit 1; }
fi

# --- 3. the project kernel ---------------------------------------------------------------------
node scripts/kernel/kernelspec.js >/dev/null
say "ready: kernel 'descent' registered in $(node scripts/kernel/kernelspec.js --print-dir)"
