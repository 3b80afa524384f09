# JupyterHub configuration for serving the Descent course to a class (README, "Serving a class").
#
# Started by `npm run hub` (scripts/hub/hub.ts), which prepares the machine (users, course repository,
# inbox) and passes everything below through DESCENT_HUB_* environment variables, so this one file serves
# the lecturer's class, the demo (--demo N) and the tests alike. Edit the defaults here or override them
# with a file of your own: `npm run hub -- --config extra_config.py` loads it after this one.
#
# What it sets up:
#   - PAM sign-in with each student's Unix account (OAuth: see the README), the lecturer as admin, only
#     the users in the class list (DESCENT_HUB_USERS_FILE) and the lecturer may sign in;
#   - LocalProcessSpawner: each student's Notebook server runs as that Unix user in their home, inside a
#     memory cgroup of its own (cgroups v1: DESCENT_HUB_MEM_LIMIT_MB per student) — see DescentSpawner;
#   - the Descent kernel for every user (JUPYTER_PATH → the hub's kernelspec in <state>/kernel, outside the
#     lecturer's repository), run in the student's own course copy, its Node heap capped;
#   - the course content pulled with nbgitpuller into ~/<DESCENT_HUB_COURSE_DIR> at every server start
#     (scripts/hub/singleuser.sh), never overwriting a student's changes;
#   - idle culling: the Notebook server culls idle kernels and shuts itself down when idle
#     (jupyterhub-idle-culler is not packaged in Debian);
#   - the submission inbox: a hub service (scripts/hub/inbox_service.py) running as another Unix user,
#     which students reach with their own API token and cannot read;
#   - servers and the proxy survive a restart of the hub (cleanup_servers / cleanup_proxy off).
import os
import pwd
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from descent_spawner import DescentSpawner  # noqa: E402

env = os.environ.get
c = get_config()  # noqa: F821 (provided by JupyterHub)

state = env("DESCENT_HUB_STATE", "/var/lib/descent-hub")
port = int(env("DESCENT_HUB_PORT", "8000"))
hub_port = int(env("DESCENT_HUB_API_PORT", str(port + 1)))
proxy_api_port = int(env("DESCENT_HUB_PROXY_API_PORT", str(port + 2)))
inbox_port = int(env("DESCENT_HUB_INBOX_PORT", str(port + 3)))
lecturer = env("DESCENT_HUB_LECTURER", "lecturer")

# --- network: 127.0.0.1 unless told otherwise (behind HTTPS: see the README) -----------------------------
c.JupyterHub.ip = env("DESCENT_HUB_IP", "127.0.0.1")
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
# The proxy runs on its own (started by scripts/hub/hub.ts, pid in <state>/proxy.pid): a hub that starts the
# proxy also stops any proxy it finds at start-up, which would cut every student's connection at each restart.
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.auth_token = open(os.path.join(state, "proxy-token")).read().strip()
c.JupyterHub.cookie_secret_file = os.path.join(state, "cookie_secret")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
# A restart of the hub in the middle of a class leaves the proxy and the students' servers running (open
# notebooks keep working); the restarted hub finds them again (LocalProcessSpawner keeps each pid in the database).
c.JupyterHub.cleanup_servers = False
c.JupyterHub.cleanup_proxy = False

# --- who signs in ---------------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = env("DESCENT_HUB_AUTHENTICATOR", "pam")
users_file = env("DESCENT_HUB_USERS_FILE", os.path.join(state, "students.txt"))
students = set()
if os.path.exists(users_file):
    with open(users_file) as f:
        students = {line.strip() for line in f if line.strip() and not line.startswith("#")}
c.Authenticator.allowed_users = students | {lecturer}
c.Authenticator.admin_users = {lecturer}
c.JupyterHub.admin_access = False  # the lecturer manages servers, but does not open students' notebooks

# --- each student's server ------------------------------------------------------------------------------
c.JupyterHub.spawner_class = DescentSpawner
# what runs as a student or as the inbox's user: copies in the hub's state folder (npm run hub makes them), which
# they can read even when the lecturer's folder is private
bin_dir = env("DESCENT_HUB_BIN", here)
c.Spawner.cmd = ["bash", os.path.join(bin_dir, "singleuser.sh")]
c.Spawner.default_url = "/tree/" + env("DESCENT_HUB_COURSE_DIR", "descent")
c.Spawner.start_timeout = int(env("DESCENT_HUB_START_TIMEOUT", "120"))
c.Spawner.http_timeout = int(env("DESCENT_HUB_START_TIMEOUT", "120"))
c.Spawner.notebook_dir = "~"
c.DescentSpawner.mem_limit_mb = int(env("DESCENT_HUB_MEM_LIMIT_MB", "1024"))
c.DescentSpawner.class_mem_limit_mb = int(env("DESCENT_HUB_CLASS_MEM_LIMIT_MB", "0"))
c.DescentSpawner.cgroup_parent = env("DESCENT_HUB_CGROUP", "descent-hub")
kernel = env("DESCENT_HUB_KERNEL", os.path.join(state, "kernel"))
c.Spawner.environment = {
    # the Descent kernel for every user: the hub's kernelspec, outside the lecturer's repository (<state>/kernel,
    # scripts/hub/hub.ts prepareKernel); it runs tslab in the student's own ~/descent (scripts/hub/studentKernel.js)
    "JUPYTER_PATH": os.path.join(kernel, "share", "jupyter"),
    "DESCENT_KERNEL_NODE_MODULES": os.path.join(kernel, "node_modules"),
    "DESCENT_KERNEL_SHARED_CACHE": os.path.join(kernel, ".cache", "kernel"),
    "DESCENT_COURSE_REPO": env("DESCENT_HUB_COURSE_REPO", os.path.join(state, "course.git")),
    "DESCENT_COURSE_DIR": env("DESCENT_HUB_COURSE_DIR", "descent"),
    "DESCENT_SUBMIT_URL": f"http://127.0.0.1:{inbox_port}/services/descent-inbox/",
    # idle culling inside each server (minutes; 0 = never)
    "DESCENT_CULL_KERNEL_MIN": env("DESCENT_HUB_CULL_KERNEL_MIN", "30"),
    "DESCENT_CULL_SERVER_MIN": env("DESCENT_HUB_CULL_SERVER_MIN", "60"),
    # Node's heap limit for the kernel: a runaway cell ends with "heap out of memory" below the cgroup cap
    "DESCENT_KERNEL_HEAP_MB": env("DESCENT_HUB_KERNEL_HEAP_MB", str(max(256, int(env("DESCENT_HUB_MEM_LIMIT_MB", "1024")) * 3 // 4))),
}

# --- the submission inbox: a service running as another Unix user ---------------------------------------
inbox_user = env("DESCENT_HUB_INBOX_USER", "descent-inbox")
c.JupyterHub.services = [
    {
        "name": "descent-inbox",
        "url": f"http://127.0.0.1:{inbox_port}",
        "command": [sys.executable, os.path.join(bin_dir, "inbox_service.py")],
        "user": inbox_user,
        "environment": {
            "DESCENT_INBOX": env("DESCENT_HUB_INBOX", os.path.join(state, "inbox")),
            "DESCENT_DEADLINES": env("DESCENT_HUB_DEADLINES", os.path.join(bin_dir, "deadlines.json")),
            "DESCENT_INBOX_PORT": str(inbox_port),
            "DESCENT_INBOX_MAX_MB": env("DESCENT_HUB_INBOX_MAX_MB", "20"),
        },
    }
]
c.JupyterHub.load_roles = [{"name": "descent-inbox", "scopes": ["read:users:name"], "services": ["descent-inbox"]}]

# --- extra configuration of the lecturer's own ----------------------------------------------------------
extra = env("DESCENT_HUB_EXTRA_CONFIG")
if extra:
    load_subconfig(extra)  # noqa: F821
