"""LocalProcessSpawner with a memory cap per student (cgroups v1).

Each student's Notebook server (and so every kernel it starts) runs in the memory cgroup
/sys/fs/cgroup/memory/<cgroup_parent>/<user> with memory.limit_in_bytes = mem_limit_mb: a student whose
kernel takes more is stopped by the kernel's OOM killer inside their own cgroup (the largest process: their
kernel), and nobody else's server or kernel is touched. The Descent kernel notices it was killed for memory
and says so in the next cell it runs (scripts/kernel/launcher.js, scripts/kernel/kernelProcess.js).

Where no writable cgroup v1 memory controller exists, servers start without a cap (a warning in the log).

Each student's server listens on a port of its own (own_port), not JupyterHub's random_port(): that takes a
port free at that moment, and the server binds it seconds later; with a class starting at once, another
server or a kernel (Jupyter picks kernels' ports the same way) could take it first, and the proxy then sent
the student's requests to another student's server (npm run hub:load, 30 students: one student's requests
answered by a classmate's server with 404, their own server gone). The ports come from a range below the
one the system hands out for port 0 (ip_local_port_range, 32768-60999), so no kernel takes them.
"""
import os
import pwd
import socket

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Integer, Unicode

CGROUP_MEMORY = "/sys/fs/cgroup/memory"


def cgroup_dir(parent, user):
    return os.path.join(CGROUP_MEMORY, parent, user)


def make_cgroup(parent, user, limit_mb, class_limit_mb=0):
    """Creates (or resets) the user's memory cgroup; returns its directory, or None without cgroups v1.

    class_limit_mb > 0 caps the parent (the whole class together, hierarchical in cgroups v1): a class that
    outgrows it loses kernels inside the class, never the machine's other processes."""
    base = os.path.join(CGROUP_MEMORY, parent)
    if not os.access(CGROUP_MEMORY, os.W_OK):
        return None
    os.makedirs(base, exist_ok=True)
    if class_limit_mb > 0:
        with open(os.path.join(base, "memory.limit_in_bytes"), "w") as f:
            f.write(str(class_limit_mb * 1024 * 1024))
    d = os.path.join(base, user)
    os.makedirs(d, exist_ok=True)
    limit = str(limit_mb * 1024 * 1024)
    with open(os.path.join(d, "memory.limit_in_bytes"), "w") as f:
        f.write(limit)
    sw = os.path.join(d, "memory.memsw.limit_in_bytes")
    if os.path.exists(sw):
        try:
            with open(sw, "w") as f:
                f.write(limit)
        except OSError:
            pass
    return d


def port_free(port, ip="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((ip, port))
        except OSError:
            return False
    return True


def own_port(uid, base, count, taken, free=port_free):
    """The first port from base + uid mod count on (wrapping within base … base+count-1) that is neither in
    `taken` (ports given to other students by this hub) nor in use; None if there is none."""
    for k in range(count):
        port = base + (uid + k) % count
        if port not in taken and free(port):
            return port
    return None


def remove_cgroup(parent, user):
    d = cgroup_dir(parent, user)
    try:
        os.rmdir(d)
    except OSError:
        pass


class DescentSpawner(LocalProcessSpawner):
    mem_limit_mb = Integer(1024, config=True, help="Memory cap per student's server and kernels, MB (cgroups v1).")
    class_mem_limit_mb = Integer(0, config=True, help="Memory cap of the whole class together, MB (0 = none).")
    cgroup_parent = Unicode("descent-hub", config=True, help="Parent memory cgroup of the students' cgroups.")
    port_base = Integer(10000, config=True, help="Students' servers listen on port_base … port_base+port_count-1.")
    port_count = Integer(10000, config=True, help="How many ports students' servers may use.")
    ports = {}  # user name -> the port their server was given (this hub process)

    async def start(self):
        taken = {p for u, p in DescentSpawner.ports.items() if u != self.user.name}
        port = own_port(pwd.getpwnam(self.user.name).pw_uid, self.port_base, self.port_count, taken)
        if port is None:
            raise RuntimeError(f"no free port for {self.user.name}'s server in {self.port_base}-"
                               f"{self.port_base + self.port_count - 1} (DescentSpawner.port_base / port_count)")
        DescentSpawner.ports[self.user.name] = self.port = port
        return await super().start()

    def make_preexec_fn(self, name):
        setuid = set_user_setuid(name)
        d = None
        try:
            d = make_cgroup(self.cgroup_parent, name, self.mem_limit_mb, self.class_mem_limit_mb)
        except OSError as e:
            self.log.warning("No memory cap for %s: cannot create its cgroup (%s)", name, e)
        if d is None:
            self.log.warning("No memory cap for %s: %s is not writable (cgroups v1)", name, CGROUP_MEMORY)
        procs = os.path.join(d, "cgroup.procs") if d else None

        def preexec():
            if procs:
                with open(procs, "w") as f:  # still root here: join the cgroup, then drop privileges
                    f.write(str(os.getpid()))
            setuid()

        return preexec

    def get_env(self):
        env = super().get_env()
        env["DESCENT_MEM_LIMIT_MB"] = str(self.mem_limit_mb)
        env["DESCENT_MEM_CGROUP"] = cgroup_dir(self.cgroup_parent, self.user.name)
        return env

    async def stop(self, now=False):
        await super().stop(now=now)
        remove_cgroup(self.cgroup_parent, self.user.name)
