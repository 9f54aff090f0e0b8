"""The registry's host side: its binary, its config and password file, its process's life.

Pure helpers of :mod:`dockerlab.registry.local` (no engine): find Debian's ``docker-registry``
binary, write the ``config.yml`` and the bcrypt ``htpasswd`` line, make the process die with
the Python process that started it, and sweep the temporary directories of crashed sessions.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import tempfile
from pathlib import Path

from ..errors import RegistryStartFailed
from ..host import pid_alive

BINARY_ENV = "DOCKERLAB_REGISTRY_BINARY"
BINARY_CANDIDATES = ("/usr/bin/docker-registry", "/usr/local/bin/registry",
                     "/usr/bin/registry")
WORKDIR_PREFIX = "dockerlab-registry-"


def find_binary() -> str | None:
    """The distribution registry binary (``DOCKERLAB_REGISTRY_BINARY`` wins), or ``None``."""
    configured = os.environ.get(BINARY_ENV)
    for candidate in ([configured] if configured else []) + list(BINARY_CANDIDATES):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("docker-registry")


def htpasswd_line(username: str, password: str) -> str:
    """One ``user:bcrypt-hash`` line; the distribution registry accepts bcrypt only.

    Similar to ``htpasswd -nbB user password``.
    """
    import bcrypt

    if not username or ":" in username:
        raise RegistryStartFailed(f"'{username}' cannot be a registry user name.",
                                  "Use letters and digits, without ':'.")
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()
    return f"{username}:{hashed}"


def registry_config(storage: str, address: str, *, htpasswd: str | None = None,
                    realm: str = "dockerlab-registry") -> str:
    """The registry's ``config.yml``: filesystem storage, deletes enabled, optional htpasswd.

    Similar to the file ``/etc/docker/registry/config.yml`` of the ``registry:2`` image.
    """
    lines = [
        "version: 0.1",
        "log:",
        "  level: info",
        "  formatter: text",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {storage}",
        "  delete:",
        "    enabled: true",
        "  maintenance:",
        "    uploadpurging:",
        "      enabled: false",
        "http:",
        f"  addr: {address}",
        f"  secret: {secrets.token_hex(16)}",
        "  headers:",
        "    X-Content-Type-Options: [nosniff]",
    ]
    if htpasswd:
        lines += ["auth:", "  htpasswd:", f"    realm: {realm}", f"    path: {htpasswd}"]
    return "\n".join(lines) + "\n"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to SIGTERM the registry when the Python process that started it dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def with_parent_death_signal(command: list[str]) -> tuple[list[str], object]:
    """``command`` arranged to get SIGTERM when the Python process that starts it dies.

    util-linux's ``setpriv --pdeathsig TERM`` sets it and then execs the command (so the
    process id stays the registry's); without ``setpriv`` a ``preexec_fn`` sets it, which
    Python documents as unsafe when threads run (as they do in a Jupyter kernel).
    """
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--pdeathsig", "TERM", "--", *command], None
    return command, _die_with_parent




def sweep_stale(root: str | None = None) -> list[str]:
    """Delete registry temp dirs whose owning Python process is gone; return what went."""
    removed = []
    for workdir in Path(root or tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*"):
        try:
            owner = int((workdir / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if pid_alive(owner):
            continue
        _kill_recorded_process(workdir)
        shutil.rmtree(workdir, ignore_errors=True)
        removed.append(str(workdir))
    return removed


def _kill_recorded_process(workdir: Path) -> None:
    """Stop the registry recorded in ``workdir`` if it still runs (and is really ours)."""
    try:
        pid = int((workdir / "registry.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if str(workdir).encode() in cmdline:
        os.kill(pid, signal.SIGTERM)
