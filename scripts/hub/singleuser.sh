#!/usr/bin/env bash
# A student's Notebook server, as the hub starts it (c.Spawner.cmd in scripts/hub/jupyterhub_config.py),
# running as the student in their home:
#   1. pulls the course into ~/$DESCENT_COURSE_DIR with nbgitpuller (first start: a clone; later starts: the
#      lecturer's new files and changes merged in, the student's own changes always kept — nbgitpuller's rules);
#   2. starts the classic Notebook server under JupyterHub (jupyterhub-singleuser) with idle culling:
#      kernels idle for DESCENT_CULL_KERNEL_MIN minutes are shut down, and the server itself after
#      DESCENT_CULL_SERVER_MIN minutes without activity (0 = never).
# The hub's arguments (--port, …) are passed on.
set -uo pipefail
cd "$HOME"
course="${DESCENT_COURSE_DIR:-descent}"
if [ -n "${DESCENT_COURSE_REPO:-}" ]; then
  # The course repository belongs to root: git reads it only where its "global" configuration says it is
  # safe (safe.directory is ignored in command-line or environment configuration): a global configuration
  # of this run's own, the student's ~/.gitconfig untouched.
  gitcfg="$(mktemp)"
  printf '[safe]\n\tdirectory = *\n[user]\n\tname = %s\n\temail = %s@localhost\n' "$USER" "$USER" >"$gitcfg"
  if ! GIT_CONFIG_GLOBAL="$gitcfg" gitpuller \
      "file://$DESCENT_COURSE_REPO" main "$HOME/$course" >"$HOME/.descent-pull.log" 2>&1; then
    echo "descent: could not update the course in ~/$course (see ~/.descent-pull.log); starting anyway" >&2
  fi
  rm -f "$gitcfg"
fi
# the Descent kernel runs in the student's own copy (scripts/hub/studentKernel.js), with the hub's read-only
# node_modules linked in (a student who removes the link gets it back at the next start)
export DESCENT_KERNEL_ROOT="$HOME/$course"
if [ -d "$DESCENT_KERNEL_ROOT" ] && [ -n "${DESCENT_KERNEL_NODE_MODULES:-}" ] && [ ! -e "$DESCENT_KERNEL_ROOT/node_modules" ]; then
  rm -f "$DESCENT_KERNEL_ROOT/node_modules" # a broken link
  ln -s "$DESCENT_KERNEL_NODE_MODULES" "$DESCENT_KERNEL_ROOT/node_modules"
fi
kmin="${DESCENT_CULL_KERNEL_MIN:-30}"
smin="${DESCENT_CULL_SERVER_MIN:-60}"
export JUPYTERHUB_SINGLEUSER_APP=notebook.notebookapp.NotebookApp
exec jupyterhub-singleuser \
  --MappingKernelManager.cull_idle_timeout=$((kmin * 60)) \
  --MappingKernelManager.cull_interval=$(( kmin > 0 && kmin < 2 ? 10 : 60 )) \
  --MappingKernelManager.cull_connected=True \
  --NotebookApp.shutdown_no_activity_timeout=$((smin * 60)) \
  "$@"
