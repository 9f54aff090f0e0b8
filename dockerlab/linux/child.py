"""The child process that applies an :class:`~dockerlab.linux.isolation.Isolation`.

Run as ``python -I -S .../dockerlab/linux/child.py RECIPE_JSON SHELL SCRIPT``. It is a fresh,
single-threaded interpreter, so the system calls below change *its* state only; the
notebook kernel that started it keeps its own namespaces. The order is runc's:

1. join the cgroup (while still root in the host's user namespace);
2. optionally drop to an unprivileged UID and create a user namespace where it is root;
3. ``unshare`` the other namespaces, set the hostname;
4. for a PID namespace, fork: the child is PID 1 of the new namespace;
5. mount (overlay...), ``pivot_root`` into the new root, mount ``/proc`` and ``/dev``;
6. ``exec`` the shell that runs the demo's script.

A failure in steps 1-5 prints ``dockerlab-child: <what failed>`` and exits with 125
(the status ``docker run`` uses when the runtime, not the command, failed).
"""

from __future__ import annotations

import os
import sys

if __package__:
    from . import syscalls as sc
    from .isolation import Isolation
else:  # started by path: only the standard library and its two neighbours are needed,
    # which keeps the start fast (importing the whole kit would cost ~0.3 s per demo)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import syscalls as sc  # noqa: E402
    from isolation import Isolation  # noqa: E402

SETUP_FAILED = 125
MARK = "dockerlab-child: "


def join_cgroups(directories) -> None:
    """Write our PID into each cgroup's ``cgroup.procs`` (children inherit it)."""
    for directory in directories:
        with open(os.path.join(directory, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))


def become_root_in_user_namespace(outside_uid: int) -> None:
    """Drop to ``outside_uid``, then create a user namespace where that UID is root (0)."""
    os.setgroups([])
    os.setgid(outside_uid)
    os.setuid(outside_uid)        # from here on, unprivileged on the host
    sc.set_dumpable()             # setuid made /proc/self root-owned; take it back
    sc.unshare(sc.CLONE_NEWUSER)  # new user namespace: full capabilities inside it only
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {outside_uid} 1"),
                       ("gid_map", f"0 {outside_uid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def enter_namespaces(pid: int, kinds) -> None:
    """Join the namespaces of process ``pid``; like ``nsenter -t PID``."""
    handles = [(kind, os.open(f"/proc/{pid}/ns/{kind}", os.O_RDONLY)) for kind in kinds]
    for kind, handle in handles:  # all opened first: joining mnt changes what /proc shows
        sc.setns(handle, sc.NAMESPACES[kind])
        os.close(handle)


def fork_into_pid_namespace() -> None:
    """Fork; the parent waits and exits with the child's status, the child goes on as PID 1."""
    child = os.fork()
    if child:
        _, status = os.waitpid(child, 0)
        code = os.waitstatus_to_exitcode(status)
        os._exit(128 - code if code < 0 else code)
    sc.die_with_parent()


def make_root(rootfs: str, with_proc: bool) -> None:
    """``pivot_root`` into ``rootfs``, give it ``/proc`` and a tiny ``/dev``, drop the old root."""
    sc.mount(rootfs, rootfs, None, sc.MS_BIND | sc.MS_REC)  # new root must be a mount point
    os.chdir(rootfs)
    os.makedirs(".oldroot", exist_ok=True)
    sc.pivot_root(".", ".oldroot")                          # swap: old / is now /.oldroot
    os.chdir("/")
    if with_proc:
        os.makedirs("/proc", exist_ok=True)
        sc.mount("proc", "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    os.makedirs("/dev", exist_ok=True)
    sc.mount("tmpfs", "/dev", "tmpfs", sc.MS_NOSUID, "mode=755,size=64k")
    for device in ("null", "zero", "urandom"):
        open(f"/dev/{device}", "w").close()
        sc.mount(f"/.oldroot/dev/{device}", f"/dev/{device}", None, sc.MS_BIND)
    sc.umount2("/.oldroot", sc.MNT_DETACH)                  # the host's tree is gone from view
    os.rmdir("/.oldroot")


def apply(recipe: Isolation) -> None:
    """Apply ``recipe`` to this process, in runc's order (see the module docstring)."""
    join_cgroups(recipe.cgroups)
    if recipe.enter is not None:
        enter_namespaces(recipe.enter, recipe.enter_namespaces)
        if "pid" in recipe.enter_namespaces:
            fork_into_pid_namespace()
        return
    if recipe.user_outside is not None:
        become_root_in_user_namespace(recipe.user_outside)
    flags = 0
    for kind in recipe.namespaces:
        if kind != "user":
            flags |= sc.NAMESPACES[kind]
    if flags:
        sc.unshare(flags)
    if "mnt" in recipe.namespaces:  # stop mounts from propagating back to the host
        sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    if recipe.hostname and "uts" not in recipe.namespaces:  # it would rename the host
        raise OSError(f"sethostname({recipe.hostname!r}) refused: the recipe has no new "
                      "UTS namespace ('uts'), so it would change the host's own hostname")
    if recipe.hostname:
        sc.sethostname(recipe.hostname)
    if "pid" in recipe.namespaces:
        fork_into_pid_namespace()
    for item in recipe.mounts:
        sc.mount(item.source, item.target, item.fstype, 0, item.options)
    if recipe.rootfs:
        make_root(recipe.rootfs, recipe.mounts_proc)
    elif recipe.mounts_proc:
        sc.mount("proc", "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)


def main(argv) -> None:
    recipe_json, shell, script = argv[1:4]
    recipe = Isolation.from_json(recipe_json)
    try:
        sc.die_with_parent()  # if the notebook's kernel is killed, its demo goes too
        apply(recipe)
    except OSError as error:
        sys.stderr.write(f"{MARK}{error}\n")
        sys.stderr.flush()
        os._exit(SETUP_FAILED)
    if recipe.rootfs or recipe.enter is not None:
        shell = "/bin/sh"  # the image's own shell, inside the new root
    os.execv(shell, ["sh", "-c", script])


if __name__ == "__main__":
    main(sys.argv)
