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
  # The course repository belongs to root: tell git it may be read (git's safe.directory, for this run only).
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0='*'
  export GIT_AUTHOR_NAME="$USER" GIT_AUTHOR_EMAIL="$USER@localhost" GIT_COMMITTER_NAME="$USER" GIT_COMMITTER_EMAIL="$USER@localhost"
  if ! /usr/bin/python3 -m nbgitpuller.pull "file://$DESCENT_COURSE_REPO" main "$HOME/$course" >"$HOME/.descent-pull.log" 2>&1; then
    echo "descent: could not update the course in ~/$course (see ~/.descent-pull.log); starting anyway" >&2
  fi
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
