"""The helper container: the same demos where the learner is not root on a Linux host.

On Docker Desktop (macOS, Windows) or with rootless Docker, the notebook cannot make the
system calls itself; the engine's own Linux (a small VM, or this host) can. The kit then
starts ONE helper container per session from its busybox image, with elevated rights and
the label ``io.dockerlab.privileged``, and runs every demo's script there with busybox's
``unshare``, ``nsenter``, ``mount`` and ``pivot_root``. Similar to::

    docker run -d --privileged --pid host --network host --uts host --ipc host \\
        --cgroupns host --label io.dockerlab.privileged=... dockerlab/busybox sleep ...

It shares the host's PID, network, UTS and IPC namespaces, so "outside" in a demo means the
engine's host, as it does in host mode. Its scratch space ``/lab`` is a tmpfs (an overlay's
upper directory cannot live on the container's own overlay root). These are the only
privileged containers in the kit; ``lab.cleanup()`` removes it like any session object.

Some engines refuse ``--privileged`` (a sandbox whose capability bounding set lacks
``CAP_SYS_RESOURCE``, for example); the helper then asks for the capabilities the demos
need, with seccomp and AppArmor profiles turned off, and says so in its label.
"""

from __future__ import annotations

import atexit
import io
import shlex
import tarfile
import threading

from .. import labels
from ..containers.run import launch
from ..errors import DemoFailed, DockerLabError
from .boxes import SETUP_FAILED, Box, Run, _raise_setup_failure
from .isolation import Isolation

#: what the helper needs when --privileged is refused
CAPABILITIES = ["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_CHROOT", "MKNOD", "SETUID",
                "SETGID", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "CHOWN", "KILL",
                "IPC_OWNER", "IPC_LOCK"]
SCRATCH = "/lab"
#: on the container's own root: the engine's archive API (``docker cp``) cannot see /lab
STAGING = "/tmp"
KEEP_ALIVE = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"
FLAGS = {"uts": "-u", "ipc": "-i", "net": "-n", "mnt": "-m", "pid": "-p", "user": "-U"}


def _q(text: str) -> str:
    return shlex.quote(str(text))


def inner_script(recipe: Isolation) -> str:
    """Commands run inside the new namespaces, before the demo's script (busybox sh)."""
    lines = []
    if recipe.hostname and "uts" not in recipe.namespaces:  # it would rename the host
        lines.append("echo 'sethostname refused: the recipe has no new UTS namespace "
                     "(uts), so it would change the host hostname' >&2; false")
    elif recipe.hostname:
        lines.append(f"hostname {_q(recipe.hostname)}")
    for item in recipe.mounts:
        options = f" -o {_q(item.options)}" if item.options else ""
        fstype = f" -t {_q(item.fstype)}" if item.fstype else ""
        lines.append(f"mount{fstype}{options} {_q(item.source)} {_q(item.target)}")
    if recipe.rootfs:
        bb = "/.oldroot/bin/busybox"
        lines += [f"mount --bind {_q(recipe.rootfs)} {_q(recipe.rootfs)}",
                  f"cd {_q(recipe.rootfs)}", "mkdir -p .oldroot",
                  "pivot_root . .oldroot", "cd /"]
        if recipe.mounts_proc:
            lines += [f"{bb} mkdir -p /proc", f"{bb} mount -t proc proc /proc"]
        lines += [f"{bb} mkdir -p /dev",
                  f"{bb} mount -t tmpfs -o mode=755,size=64k tmpfs /dev",
                  f"for d in null zero urandom; do {bb} touch /dev/$d; "
                  f"{bb} mount --bind /.oldroot/dev/$d /dev/$d; done",
                  f"{bb} umount -l /.oldroot", "rmdir /.oldroot 2>/dev/null || true"]
    elif recipe.mounts_proc:
        lines.append("mount -t proc proc /proc")
    # a failed step stops here with docker's "the runtime failed" status, never runs the demo
    lines = [line if line.endswith("|| true") else f"{line} || exit {SETUP_FAILED}"
             for line in lines]
    lines.append('exec /bin/sh -c "$SCRIPT"')
    return "\n".join(lines) + "\n"


def outer_script(recipe: Isolation | None, inner_path: str) -> str:
    """The commands that create (or enter) the namespaces and start :func:`inner_script`."""
    lines = ['SCRIPT=$(cat "$1"); export SCRIPT']
    if recipe is None:
        return lines[0] + '\nexec sh -c "$SCRIPT"\n'
    for directory in recipe.cgroups:
        lines.append(f"echo $$ > {_q(directory)}/cgroup.procs || exit {SETUP_FAILED}")
    if recipe.enter is not None:
        flags = " ".join(FLAGS[kind] for kind in recipe.enter_namespaces)
        lines.append(f"exec nsenter -t {int(recipe.enter)} {flags} /bin/sh -c \"$SCRIPT\"")
        return "\n".join(lines) + "\n"
    flags = [FLAGS[kind] for kind in recipe.namespaces if kind in FLAGS and kind != "user"]
    if "pid" in recipe.namespaces:
        flags.append("-f")
    if "mnt" in recipe.namespaces:
        flags.append("--propagation private")
    unshare = f"unshare {' '.join(flags)} sh {_q(inner_path)}" if flags else \
        f"sh {_q(inner_path)}"
    if recipe.user_outside is not None:
        user = f"$(awk -F: '$3=={int(recipe.user_outside)}{{print $1; exit}}' /etc/passwd)"
        lines.append(f"exec su -s /bin/sh {user} -c {_q('exec unshare -U -r ' + unshare)}")
    else:
        lines.append(f"exec {unshare}")
    return "\n".join(lines) + "\n"


def _tar_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def start_helper(lab):
    """Start the session's helper container; similar to the ``docker run`` above."""
    common = dict(pid_mode="host", network_mode="host", uts_mode="host", ipc_mode="host",
                  cgroupns="host")
    attempts = [({"privileged": True}, "privileged"),
                ({"cap_add": CAPABILITIES,
                  "security_opt": ["seccomp=unconfined", "apparmor=unconfined"]},
                 "capabilities:" + ",".join(CAPABILITIES))]
    last_error = None
    for options, how in attempts:
        try:
            return launch(lab, KEEP_ALIVE, labels={labels.PRIVILEGED: how}, **common, **options)
        except DockerLabError as error:  # the engine refused these rights: try the next way
            last_error = error
    raise DemoFailed(f"The helper container could not start: {lab.explain(last_error).message}",
                     "The engine must allow privileged containers (or SYS_ADMIN) for the "
                     "under-the-hood demos; check `dockerlab doctor`.")


class HelperBox(Box):
    """Demos inside the session's privileged helper container (busybox tools)."""

    mode = "helper container"

    def __init__(self, lab):
        self.lab = lab
        self.container = start_helper(lab)
        self._counter = 0
        self._lock = threading.Lock()
        self._exec(f"mkdir -p {SCRATCH} && mount -t tmpfs -o mode=755 tmpfs {SCRATCH} && "
                   f"mkdir -p {SCRATCH}/cgroup")
        self._mount_cgroups()
        atexit.register(self.close)  # after the Lab's own: runs first, while the helper exists

    def _mount_cgroups(self) -> None:
        """Mount the cgroup hierarchies afresh, writable and from their real root.

        The container's own ``/sys/fs/cgroup`` shows only its own cgroup, read-only; with
        ``--cgroupns host`` a new mount shows the whole tree (Docker's part is only read).
        """
        from .cgroups import controllers_of, parse_mountinfo

        done = set()
        for mount in parse_mountinfo(self.read("/proc/self/mountinfo")):
            if mount.fstype == "cgroup2" and "unified" not in done:
                done.add("unified")
                self.sh(f"mkdir -p {SCRATCH}/cgroup/unified && "
                        f"mount -t cgroup2 cgroup2 {SCRATCH}/cgroup/unified")
            elif mount.fstype == "cgroup":
                controllers = controllers_of(mount.super_options)
                name = ",".join(controllers)
                if name in done or not {"memory", "cpu"} & set(controllers):
                    continue
                done.add(name)
                self.sh(f"mkdir -p {SCRATCH}/cgroup/{name} && "
                        f"mount -t cgroup -o {name} cgroup {SCRATCH}/cgroup/{name}")

    def alive(self) -> bool:
        """True while the helper container exists and runs."""
        if self.container is None:
            return False
        try:
            self.container.reload()
        except Exception:
            return False
        return self.container.status == "running"

    def _exec(self, script: str, timeout: int = 60) -> Run:
        code, (out, err) = self.container.exec_run(
            ["timeout", str(timeout), "sh", "-c", script], demux=True)
        return Run(code, (out or b"").decode(errors="replace"),
                   (err or b"").decode(errors="replace"))

    def run(self, script: str, isolation: Isolation | None = None, timeout: int = 60) -> Run:
        with self._lock:
            self._counter += 1
            folder = f"{STAGING}/run-{self._counter}"
        self.container.put_archive(STAGING, _tar_of({
            f"run-{self._counter}/script.sh": script,
            f"run-{self._counter}/inner.sh": inner_script(isolation) if isolation else "",
            f"run-{self._counter}/outer.sh": outer_script(isolation, f"{folder}/inner.sh")}))
        run = self._exec(f"sh {folder}/outer.sh {folder}/script.sh", timeout)
        run.cgroups = tuple(isolation.cgroups) if isolation else ()
        self._exec(f"rm -rf {folder}")
        if run.exit_code == 143 and timeout:
            raise DemoFailed(f"The demo did not finish within {timeout} seconds and was "
                             "stopped.", "Run the cell again.")
        if run.exit_code == SETUP_FAILED and "dockerlab-child: " not in run.errors:
            run.errors = "dockerlab-child: " + run.errors
        _raise_setup_failure(run)
        return run

    # --- file primitives: small commands in the helper ----------------------------------
    def read(self, path: str) -> str:
        return self.sh(f"cat {_q(path)}")

    def write(self, path: str, text: str) -> None:
        self.sh(f"printf %s {_q(text)} > {_q(path)}")

    def exists(self, path: str) -> bool:
        return self.run(f"test -e {_q(path)} -o -L {_q(path)}").exit_code == 0

    def mkdir(self, path: str) -> None:
        self.sh(f"mkdir -p {_q(path)}")

    def rmdir(self, path: str) -> None:
        self.sh(f"rmdir {_q(path)} 2>/dev/null || test ! -e {_q(path)}")

    def mkdtemp(self, prefix: str) -> str:
        return self.sh(f"mktemp -d {SCRATCH}/{prefix}XXXXXX").strip()

    def rmtree(self, path: str) -> None:
        self.run(f"rm -rf {_q(path)}")

    def readlink(self, path: str) -> str:
        return self.sh(f"readlink {_q(path)}").strip()

    def put_tar(self, directory: str, fileobj) -> None:
        """Unpack a tar stream into ``directory``; similar to ``docker cp`` then ``tar -x``."""
        with self._lock:
            self._counter += 1
            name = f"upload-{self._counter}.tar"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            data = fileobj.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        self.container.put_archive(STAGING, buffer.getvalue())
        self.sh(f"tar -xf {STAGING}/{name} -C {_q(directory)}; status=$?; "
                f"rm -f {STAGING}/{name}; exit $status")

    def set_opaque(self, directory: str) -> bool:
        """busybox has no ``setfattr``: opaque directories are left as plain ones here."""
        return False

    def engine_listing(self, path: str) -> list:
        """List a directory of the engine's host, from inside dockerd's mount namespace.

        The helper shares the host's PID namespace, so ``nsenter -t $(pidof dockerd) -m``
        reaches the host's files (read only: ``find`` and ``stat``).
        """
        from .boxes import listing_script, parse_listing

        pid = self.sh("pidof dockerd").split()
        if not pid:
            raise DemoFailed("The helper cannot find the dockerd process.",
                             "Docker's overlay2 directories can only be listed where "
                             "dockerd runs; the paths above are still what it uses.")
        run = self.run(listing_script(_q(path)),
                       Isolation(enter=int(pid[0]), enter_namespaces=("mnt",)))
        return parse_listing(run.output, root=path)

    def close(self) -> None:
        """Undo what is left (cgroups, trees), then remove the helper container."""
        if self.container is None:
            return
        self.run_leftovers()
        if getattr(self.lab, "_linux_helper", None) is self:
            self.lab._linux_helper = None
        container, self.container = self.container, None
        try:
            container.remove(force=True)
        except Exception:  # already gone with lab.cleanup()
            pass
