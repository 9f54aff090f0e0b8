"""A thin ctypes layer over the Linux system calls a container runtime is made of.

Each function is one system call, named as in ``man 2``; a failure raises
:class:`SyscallError`, an :class:`OSError` that keeps the ``errno`` and names the call and
its arguments, e.g. ``unshare(CLONE_NEWUTS) failed: [EPERM] Operation not permitted``.

These calls change the state of the process that makes them (its namespaces, its root,
its mounts). The kit therefore only calls them in a *child* process
(:mod:`dockerlab.linux.child`), never in a notebook kernel or in the test process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno as errno_names
import os

# --- clone(2) flags: one per namespace kind ------------------------------------------------
CLONE_NEWNS = 0x00020000      # mount table
CLONE_NEWCGROUP = 0x02000000  # cgroup root
CLONE_NEWUTS = 0x04000000     # hostname and domain name
CLONE_NEWIPC = 0x08000000     # System V IPC and POSIX message queues
CLONE_NEWUSER = 0x10000000    # user and group IDs, capabilities
CLONE_NEWPID = 0x20000000     # process IDs (applies to the children made afterwards)
CLONE_NEWNET = 0x40000000     # network devices, addresses, routes, ports

#: namespace short names (as in /proc/<pid>/ns/) and their flags
NAMESPACES = {"mnt": CLONE_NEWNS, "uts": CLONE_NEWUTS, "ipc": CLONE_NEWIPC,
              "net": CLONE_NEWNET, "pid": CLONE_NEWPID, "user": CLONE_NEWUSER,
              "cgroup": CLONE_NEWCGROUP}

# --- mount(2) flags ------------------------------------------------------------------------
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_MOVE = 8192
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_SLAVE = 1 << 19
MS_SHARED = 1 << 20

# --- umount2(2) flags ----------------------------------------------------------------------
MNT_FORCE = 1
MNT_DETACH = 2

_FLAG_NAMES = {value: ("CLONE_NEWNS" if name == "mnt" else f"CLONE_NEW{name.upper()}")
               for name, value in NAMESPACES.items()}


class SyscallError(OSError):
    """A system call failed; ``errno``, ``syscall`` and ``arguments`` say which and why."""

    def __init__(self, number: int, syscall: str, arguments: str = ""):
        self.syscall = syscall
        self.arguments = arguments
        name = errno_names.errorcode.get(number, str(number))
        super().__init__(number, f"{syscall}({arguments}) failed: [{name}] "
                                 f"{os.strerror(number)}")

    def __str__(self) -> str:
        return self.strerror

    def __reduce__(self):
        return (type(self), (self.errno, self.syscall, self.arguments))


_libc = None


def libc() -> ctypes.CDLL:
    """The C library, loaded once with ``errno`` capture."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def available() -> bool:
    """True when this C library has the calls below (Linux with glibc or musl)."""
    try:
        lib = libc()
    except OSError:
        return False
    return all(hasattr(lib, name) for name in ("unshare", "setns", "mount", "umount2",
                                               "sethostname", "syscall"))


def _function(name: str, arguments: str = ""):
    """The C library's ``name``, or :class:`SyscallError` ``ENOSYS`` where it has none
    (macOS, for instance: the call is Linux's own)."""
    function = getattr(libc(), name, None)
    if function is None:
        raise SyscallError(errno_names.ENOSYS, name, arguments)
    return function


def _check(result: int, syscall: str, arguments: str = "") -> int:
    if result == -1:
        raise SyscallError(ctypes.get_errno(), syscall, arguments)
    return result


def flag_names(flags: int) -> str:
    """``CLONE_NEWUTS|CLONE_NEWPID`` for a flag set (for messages)."""
    names = [name for value, name in _FLAG_NAMES.items() if flags & value]
    return "|".join(names) or "0"


def unshare(flags: int) -> None:
    """Move the calling process into new namespaces; like the ``unshare`` command."""
    _check(_function("unshare")(ctypes.c_int(flags)), "unshare", flag_names(flags))


def setns(fd: int, nstype: int = 0) -> None:
    """Join the namespace that ``fd`` (an open ``/proc/<pid>/ns/<kind>``) refers to."""
    _check(_function("setns")(ctypes.c_int(fd), ctypes.c_int(nstype)), "setns",
           f"{fd}, {flag_names(nstype)}")


def _path(value) -> bytes | None:
    return None if value is None else os.fsencode(value)


def mount(source, target, fstype=None, flags: int = 0, data: str | None = None) -> None:
    """Attach a filesystem at ``target``; like ``mount -t fstype -o data source target``."""
    _check(_function("mount")(_path(source), _path(target), _path(fstype), ctypes.c_ulong(flags),
                        _path(data)),
           "mount", f"{source!r}, {str(target)!r}, {fstype!r}, {flags:#x}, {data!r}")


def umount2(target, flags: int = 0) -> None:
    """Detach the filesystem mounted at ``target``; like ``umount [-l] target``."""
    _check(_function("umount2")(_path(target), ctypes.c_int(flags)), "umount2",
           f"{str(target)!r}, {flags}")


SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41, "riscv64": 41, "i686": 217,
                  "i386": 217, "armv7l": 218, "ppc64le": 203, "s390x": 217}


def pivot_root(new_root, put_old) -> None:
    """Make ``new_root`` the root of this mount namespace and move the old one to ``put_old``.

    glibc has no wrapper for it, so this goes through ``syscall(2)`` with the number for
    this machine's architecture.
    """
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    if number is None:
        raise SyscallError(errno_names.ENOSYS, "pivot_root", "unknown architecture")
    _check(_function("syscall")(ctypes.c_long(number), _path(new_root), _path(put_old)),
           "pivot_root", f"{str(new_root)!r}, {str(put_old)!r}")


def sethostname(name: str) -> None:
    """Set the hostname of the current UTS namespace; like the ``hostname NAME`` command."""
    raw = name.encode()
    _check(_function("sethostname")(raw, ctypes.c_size_t(len(raw))), "sethostname", repr(name))


PR_SET_DUMPABLE = 4


def set_dumpable() -> None:
    """Let this process write its own ``/proc/self/uid_map`` after dropping root."""
    _check(_function("prctl")(ctypes.c_int(PR_SET_DUMPABLE), ctypes.c_ulong(1), ctypes.c_ulong(0),
                        ctypes.c_ulong(0), ctypes.c_ulong(0)), "prctl", "PR_SET_DUMPABLE, 1")


PR_SET_PDEATHSIG = 1


def die_with_parent(signal_number: int = 9) -> None:
    """Ask the kernel to send ``signal_number`` to this process when its parent dies."""
    _check(_function("prctl")(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signal_number),
                        ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)),
           "prctl", f"PR_SET_PDEATHSIG, {signal_number}")
