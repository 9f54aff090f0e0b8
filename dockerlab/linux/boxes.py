"""Where the demos run: on this host (root on Linux) or in the privileged helper container.

Both kinds of box offer the same few operations, so every demo is written once:

``box.run(script, isolation)``  run a busybox shell script in an isolated child process
``box.sh(script)``              run a script with no isolation (raises if it fails)
``box.read/write/mkdir/rmdir``  small file operations
``box.tempdir()``               a temporary tree, deleted on exit (even on errors)
``box.listing(path)``           what a tree holds: files, dirs, symlinks, whiteouts

:class:`HostBox` starts ``python dockerlab/linux/child.py`` (system calls through
:mod:`~dockerlab.linux.syscalls`); :class:`~dockerlab.linux.helper.HelperBox` runs busybox's
``unshare``/``nsenter``/``mount`` in a helper container.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DemoFailed
from .isolation import Isolation

SETUP_FAILED = 125
#: the child program, started by path with ``python -I -S`` (see :mod:`.child`)
CHILD = str(Path(__file__).with_name("child.py"))


@dataclass
class Run:
    """What an isolated script did: its exit status and what it printed."""

    exit_code: int
    output: str
    errors: str = ""
    #: the cgroup directories the process was put in (``Isolation.cgroups``)
    cgroups: tuple = ()

    @property
    def killed(self) -> bool:
        """True when SIGKILL ended it (exit status 137, as a shell reports it)."""
        return self.exit_code == 128 + signal.SIGKILL

    def lines(self) -> list[str]:
        return self.output.splitlines()

    def values(self) -> dict[str, str]:
        """``key=value`` lines of the output as a dict (the demos' scripts print those)."""
        return dict(line.split("=", 1) for line in self.lines() if "=" in line)


@dataclass(frozen=True)
class Entry:
    """One path in a tree listing."""

    path: str
    kind: str  # file, dir, symlink, chardev, whiteout, other
    size: int = 0
    #: the directory that was listed (so a check can tell an upper's entry from a lower's)
    root: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.kind:<9} {self.path}"


_KINDS = {"regular file": "file", "regular empty file": "file", "directory": "dir",
          "symbolic link": "symlink", "character special file": "chardev"}

LISTING_SCRIPT = ("cd {path} && find . -mindepth 1 {depth}| sort | while read -r p; do "
                  "stat -c '%F|%t,%T|%s|%n' \"$p\"; done")


def listing_script(path: str, depth: int | None = None) -> str:
    """The script that lists ``path`` (``depth`` levels deep; all of it when ``None``)."""
    return LISTING_SCRIPT.format(path=path, depth=f"-maxdepth {depth} " if depth else "")


def parse_listing(text: str, root: str = "") -> list[Entry]:
    """Parse ``stat -c '%F|%t,%T|%s|%n'`` lines; a 0,0 character device is a whiteout."""
    entries = []
    for line in text.splitlines():
        parts = line.split("|", 3)
        if len(parts) != 4:
            continue
        kind, device, size, name = parts
        kind = _KINDS.get(kind, "other")
        if kind == "chardev" and device == "0,0":
            kind = "whiteout"
        entries.append(Entry(name[2:] if name.startswith("./") else name, kind, int(size),
                             root))
    return entries


# --- leftovers are removed at exit even when a cell was interrupted ----------------------
_pending: dict[int, callable] = {}
_pending_lock = threading.Lock()
_counter = itertools.count(1)


def _inside(tar, directory: str):
    """The members of a tar stream, refusing any that would land outside ``directory``."""
    for member in tar:
        if member.name.startswith("/") or ".." in Path(member.name).parts:
            raise DemoFailed(f"A layer holds '{member.name}', a path outside its folder "
                             f"{directory}; nothing of it is unpacked further.",
                             "Unpack only layers of images you built or trust.")
        yield member


def on_exit(action) -> int:
    """Remember ``action`` to run at interpreter exit; returns a key for :func:`done`."""
    with _pending_lock:
        key = next(_counter)
        _pending[key] = action
    return key


def done(key: int) -> None:
    with _pending_lock:
        _pending.pop(key, None)


@atexit.register
def _run_pending() -> None:
    for key in list(_pending)[::-1]:
        action = _pending.pop(key, None)
        with contextlib.suppress(Exception):
            action()


class Box:
    """Operations shared by both boxes, written with the primitives each one provides."""

    mode = "?"

    def remember(self, action) -> int:
        """Run ``action`` at exit or at :meth:`close`, unless :meth:`forget` comes first."""
        key = on_exit(action)
        self.__dict__.setdefault("_keys", set()).add(key)
        return key

    def forget(self, key: int) -> None:
        done(key)
        self.__dict__.setdefault("_keys", set()).discard(key)

    def run_leftovers(self) -> None:
        """Run the cleanups still pending for this box (newest first)."""
        for key in sorted(self.__dict__.get("_keys", set()), reverse=True):
            action = _pending.get(key)
            self.forget(key)
            if action is not None:
                with contextlib.suppress(Exception):
                    action()

    def sh(self, script: str, timeout: int = 60) -> str:
        """Run ``script`` without isolation; its output, or :class:`DemoFailed`."""
        run = self.run(script, None, timeout)
        if run.exit_code:
            raise DemoFailed(f"The command `{script[:80]}` failed with status {run.exit_code}: "
                             f"{(run.errors or run.output).strip()[:400]}",
                             "Read the message: it names the file or command that failed.")
        return run.output

    def listing(self, path: str, depth: int | None = None) -> list[Entry]:
        """Every path under ``path`` with its kind; similar to ``find PATH | xargs stat``."""
        return parse_listing(self.sh(listing_script(path, depth)), root=path)

    @contextlib.contextmanager
    def tempdir(self, prefix: str = "dockerlab-linux-"):
        """A temporary directory, removed when the block ends (or at exit, at the latest)."""
        path = self.mkdtemp(prefix)
        key = self.remember(lambda: self.rmtree(path))
        try:
            yield path
        finally:
            self.rmtree(path)
            self.forget(key)


class HostBox(Box):
    """Demos on this host: root on Linux, system calls made by a child Python process."""

    mode = "host"

    def __init__(self, shell: str | None = None):
        from ..images.base import find_static_busybox

        busybox = find_static_busybox()
        self.shell = shell or (str(busybox) if busybox else "/bin/sh")

    def run(self, script: str, isolation: Isolation | None = None, timeout: int = 60) -> Run:
        """Run ``script`` in a child process isolated as ``isolation`` asks."""
        if isolation is None:
            command = [self.shell, "sh", "-c", script] if "busybox" in self.shell \
                else [self.shell, "-c", script]
        else:
            command = [sys.executable, "-I", "-S", CHILD, isolation.to_json(), self.shell,
                       script]
        try:
            done_process = subprocess.run(command, capture_output=True, timeout=timeout,
                                          text=True, errors="replace", start_new_session=True)
        except subprocess.TimeoutExpired:
            raise DemoFailed(f"The demo did not finish within {timeout} seconds and was "
                             "stopped.", "Run the cell again; if it hangs again, restart "
                             "the kernel.") from None
        code = done_process.returncode
        code = 128 - code if code < 0 else code
        run = Run(code, done_process.stdout, done_process.stderr,
                  tuple(isolation.cgroups) if isolation else ())
        _raise_setup_failure(run)
        return run

    # --- file primitives: plain Python on the host --------------------------------------
    def read(self, path: str) -> str:
        return Path(path).read_text()

    def write(self, path: str, text: str) -> None:
        with open(path, "w") as handle:
            handle.write(text)

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)

    def mkdir(self, path: str) -> None:
        os.makedirs(path, exist_ok=True)

    def rmdir(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(path)

    def mkdtemp(self, prefix: str) -> str:
        """A new directory named ``<prefix><our PID>-<random>`` (see :func:`clean_leftovers`)."""
        return tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-")

    def rmtree(self, path: str) -> None:
        shutil.rmtree(path, ignore_errors=True)

    def readlink(self, path: str) -> str:
        return os.readlink(path)

    def put_tar(self, directory: str, fileobj) -> None:
        """Unpack a tar stream into ``directory``; similar to ``tar -x -C directory``."""
        import tarfile

        with tarfile.open(fileobj=fileobj, mode="r|*") as tar:
            if hasattr(tarfile, "tar_filter"):  # Python 3.11.4 and later
                tar.extractall(directory, filter="tar")
            else:  # Debian 12's Python 3.11.2 has no filters; refuse what "tar" refuses
                tar.extractall(directory, members=_inside(tar, directory))

    def set_opaque(self, directory: str) -> bool:
        """Mark ``directory`` opaque for overlayfs (hides the lower layers' content below it)."""
        os.setxattr(directory, "trusted.overlay.opaque", b"y")
        return True

    def engine_listing(self, path: str) -> list[Entry]:
        """List a directory of the engine's host (such as Docker's overlay2 dirs)."""
        return self.listing(path)

    def close(self) -> None:
        self.run_leftovers()


def _raise_setup_failure(run: Run) -> None:
    """Turn the child's own failure (status 125 plus its mark) into :class:`DemoFailed`."""
    mark = "dockerlab-child: "
    if run.exit_code == SETUP_FAILED and mark in run.errors:
        what = run.errors.split(mark, 1)[1].strip()
        advice = "The kernel refused: run as root on Linux, or use the helper container " \
                 "(DOCKERLAB_DEMO_MODE=helper)." if "EPERM" in what else \
                 "The message names the system call and the file it was given."
        raise DemoFailed(f"Setting up the isolated process failed: {what}", advice)
