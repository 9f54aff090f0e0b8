"""A rootless Docker Engine per learner, where the host allows it (``--engine rootless``).

A rootful engine is root on the machine: whoever opens its socket can ``docker run -v /:/host``
and read every other learner's home. A rootless one runs as the learner, in a user namespace
where "root" is the learner's own uid, similar to::

    echo dl-ada:165536:65536 >> /etc/subuid    # and /etc/subgid: her containers' other ids
    install -d -o dl-ada -m 0700 /run/user/1001
    runuser -u dl-ada -- env HOME=~dl-ada XDG_RUNTIME_DIR=/run/user/1001 \\
        PATH=/usr/share/docker.io/contrib:$PATH dockerd-rootless.sh
    # its socket: /run/user/1001/docker.sock

What a container started there may read or write on the host is what the learner may.
:func:`why_not` says, from the host's facts (:func:`host_facts`), why it cannot run here;
the subordinate id ranges are allocated by :func:`allocate` (pure) and written by
:func:`grant`; the engine itself is :class:`RootlessEngine` (in :mod:`.rootless_engine`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

#: where Debian's docker.io puts the rootless scripts (not on PATH); Docker's own packages
#: (docker-ce-rootless-extras) put them in /usr/bin
CONTRIB = Path("/usr/share/docker.io/contrib")
SCRIPT = "dockerd-rootless.sh"
TOOLS = ("newuidmap", "newgidmap", "rootlesskit", "slirp4netns", "dockerd")
#: the Debian packages that bring the tools (dockerd: docker.io, which the kit installs)
PACKAGES = {"newuidmap": "uidmap", "newgidmap": "uidmap", "rootlesskit": "rootlesskit",
            "slirp4netns": "slirp4netns", "dockerd": "docker.io"}
SUBUID, SUBGID = Path("/etc/subuid"), Path("/etc/subgid")
SUB_FIRST = 100000  # where useradd's own allocation starts (SUB_UID_MIN in login.defs)
SUB_COUNT = 65536   # one container's worth of ids: 0-65535 inside
KINDS = ("auto", "rootless", "rootful")


@dataclass
class HostFacts:
    """What decides whether a rootless engine can run here (see :func:`host_facts`)."""

    linux: bool = True
    root: bool = True
    #: /proc/sys/kernel/unprivileged_userns_clone (Debian's switch; gone on newer kernels)
    userns_clone: str | None = None
    #: /proc/sys/user/max_user_namespaces (None: the file is missing)
    max_user_namespaces: int | None = None
    #: /proc/sys/kernel/apparmor_restrict_unprivileged_userns (Ubuntu 23.10 and later)
    apparmor_restricts: str | None = None
    #: tool -> its path, None when missing
    tools: dict = field(default_factory=dict)
    #: whether newuidmap/newgidmap may set other ids (setuid root or file capabilities)
    idmap_privileged: bool = True
    script: str | None = None


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _privileged(path: str | None) -> bool:
    """Whether ``path`` is setuid root or carries file capabilities (as newuidmap must)."""
    if not path:
        return False
    info = os.stat(path)
    if info.st_mode & stat.S_ISUID and info.st_uid == 0:
        return True
    try:
        return bool(os.getxattr(path, "security.capability"))
    except OSError:
        return False


def find_script() -> str | None:
    """dockerd-rootless.sh: on PATH, or in Debian's contrib directory."""
    found = shutil.which(SCRIPT)
    if found:
        return found
    return str(CONTRIB / SCRIPT) if (CONTRIB / SCRIPT).is_file() else None


def host_facts() -> HostFacts:
    """This host's facts, read from /proc and PATH."""
    import platform

    maximum = _read("/proc/sys/user/max_user_namespaces")
    tools = {name: shutil.which(name, path=search_path()) for name in TOOLS}
    return HostFacts(
        linux=platform.system() == "Linux", root=os.geteuid() == 0,
        userns_clone=_read("/proc/sys/kernel/unprivileged_userns_clone"),
        max_user_namespaces=int(maximum) if maximum and maximum.isdigit() else None,
        apparmor_restricts=_read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"),
        tools=tools, script=find_script(),
        idmap_privileged=all(_privileged(tools[n]) for n in ("newuidmap", "newgidmap")))


def search_path() -> str:
    """The PATH a rootless engine starts with (the contrib directory first, and sbin)."""
    return f"{CONTRIB}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def why_not(facts: HostFacts) -> str | None:
    """``None`` when a rootless engine per learner can run with these facts, else why not."""
    if not facts.linux:
        return "rootless Docker needs a Linux kernel."
    if not facts.root:
        return "the classroom runs as root (it makes each learner's user and id ranges)."
    if facts.userns_clone == "0":
        return ("the kernel forbids user namespaces to normal users "
                "(kernel.unprivileged_userns_clone = 0; `sysctl -w "
                "kernel.unprivileged_userns_clone=1` allows them).")
    if facts.max_user_namespaces == 0:
        return ("the kernel allows no user namespaces (user.max_user_namespaces = 0; "
                "`sysctl -w user.max_user_namespaces=15000` allows them).")
    if facts.apparmor_restricts == "1":
        return ("AppArmor forbids user namespaces to unconfined programs "
                "(kernel.apparmor_restrict_unprivileged_userns = 1).")
    missing = [name for name in TOOLS if not facts.tools.get(name)]
    if missing:
        packages = " ".join(dict.fromkeys(PACKAGES[name] for name in missing))
        return f"{', '.join(missing)} missing (install Debian's {packages})."
    if not facts.idmap_privileged:
        return ("newuidmap/newgidmap are neither setuid root nor given capabilities, so "
                "they cannot map a learner's id ranges (reinstall Debian's uidmap).")
    if not facts.script:
        return (f"{SCRIPT} is not here (Debian's docker.io ships it in {CONTRIB}; Docker's "
                "packages in docker-ce-rootless-extras).")
    return None


def choose(requested: str, facts: HostFacts) -> tuple[str, str]:
    """The engine kind for ``--engine requested`` and the sentence to print about it.

    ``auto`` is rootless where :func:`why_not` finds nothing against it (a learner whose
    rootless engine still fails to start gets a rootful one, said in the log), else rootful.
    ``rootless`` where it cannot run raises ``ValueError`` with the reason.
    """
    if requested not in KINDS:
        raise ValueError(f"--engine is one of {', '.join(KINDS)}, not {requested!r}.")
    if requested == "rootful":
        return "rootful", ("each learner gets a rootful engine (root-equivalent: a learner "
                           "can read the others' homes through it)")
    reason = why_not(facts)
    if reason is None:
        return ("auto" if requested == "auto" else "rootless",
                "each learner gets a rootless engine (their containers can read and write "
                "only what the learner can)")
    if requested == "rootless":
        raise ValueError(f"A rootless engine cannot run here: {reason}")
    return "rootful", (f"rootless engines cannot run here: {reason} Each learner gets a "
                       "rootful engine instead (root-equivalent: a learner can read the "
                       "others' homes through it).")


def install_tools() -> list[str]:
    """``apt-get install uidmap rootlesskit slirp4netns`` where they are missing and this
    is Debian or Ubuntu as root; what was installed (``[]`` elsewhere: :func:`why_not`
    then names what is missing)."""
    from ..engine import install

    missing = [name for name, marker in install.CLASSROOM_PACKAGES.items()
               if not install.installed(marker)]
    if not missing or os.geteuid() != 0 or not install.is_debian_like():
        return []
    install.install_packages(missing, [])
    return missing


# --- subordinate ids ------------------------------------------------------------------------

def parse_ranges(text: str) -> list[tuple[str, int, int]]:
    """The ``name:start:count`` lines of /etc/subuid or /etc/subgid (others skipped)."""
    ranges = []
    for line in text.splitlines():
        parts = line.strip().split(":")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            ranges.append((parts[0], int(parts[1]), int(parts[2])))
    return ranges


def allocate(ranges: list[tuple[str, int, int]], name: str, count: int = SUB_COUNT,
             first: int = SUB_FIRST) -> tuple[int, int] | None:
    """A ``(start, count)`` range for ``name`` that overlaps no other entry's; ``None`` when
    ``name`` has one of at least ``count`` ids already (useradd often allocates it)."""
    if any(owner == name and size >= count for owner, _, size in ranges):
        return None
    start = first
    for _, begin, size in sorted((r for r in ranges if r[0] != name), key=lambda r: r[1]):
        if begin + size <= start:
            continue
        if begin >= start + count:
            break
        start = begin + size
    return start, count


def range_of(ranges: list[tuple[str, int, int]], name: str) -> tuple[int, int] | None:
    """``name``'s first range of at least :data:`SUB_COUNT` ids, if any."""
    return next(((b, s) for owner, b, s in ranges if owner == name and s >= SUB_COUNT), None)


def _grant_in(path: Path, name: str) -> tuple[int, int]:
    text = path.read_text() if path.exists() else ""
    ranges = parse_ranges(text)
    new = allocate(ranges, name)
    if new is None:
        return range_of(ranges, name)
    with open(path, "a") as file:
        file.write(("" if text.endswith("\n") or not text else "\n") +
                   f"{name}:{new[0]}:{new[1]}\n")
    os.chmod(path, 0o644)
    return new


def grant(user: pwd.struct_passwd) -> tuple[int, int]:
    """Give ``user`` subordinate uid and gid ranges (if they have none); their uid range."""
    _grant_in(SUBGID, user.pw_name)
    return _grant_in(SUBUID, user.pw_name)


def without(text: str, name: str) -> str:
    """/etc/subuid's ``text`` without ``name``'s lines."""
    kept = [line for line in text.splitlines() if line.split(":", 1)[0] != name]
    return "".join(f"{line}\n" for line in kept)


def release(user: pwd.struct_passwd) -> None:
    """Remove ``user``'s subordinate id ranges and runtime directory (the learner goes)."""
    for path in (SUBUID, SUBGID):
        if path.exists():
            path.write_text(without(path.read_text(), user.pw_name))
    shutil.rmtree(runtime_dir(user), ignore_errors=True)


def runtime_dir(user: pwd.struct_passwd) -> Path:
    """The learner's XDG_RUNTIME_DIR (as systemd-logind would make it)."""
    return Path("/run/user") / str(user.pw_uid)


def make_runtime_dir(user: pwd.struct_passwd) -> Path:
    """``install -d -o USER -g GROUP -m 0700 /run/user/UID``."""
    path = runtime_dir(user)
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(path, 0o700)
    return path
