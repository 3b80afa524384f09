"""LocalProcessSpawner with a memory cap per student (cgroups v1).

Each student's Notebook server (and so every kernel it starts) runs in the memory cgroup
/sys/fs/cgroup/memory/<cgroup_parent>/<user> with memory.limit_in_bytes = mem_limit_mb: a student whose
kernel takes more is stopped by the kernel's OOM killer inside their own cgroup (the largest process: their
kernel), and nobody else's server or kernel is touched. The Descent kernel notices it was killed for memory
and says so in the next cell it runs (scripts/kernel/launcher.js, scripts/kernel/kernelProcess.js).

Where no writable cgroup v1 memory controller exists, servers start without a cap (a warning in the log).
"""
import os

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
