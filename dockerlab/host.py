"""Small facts about this host that several demos need: free ports and live processes."""

from __future__ import annotations

import os
import socket
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nothing listens on right now, chosen by the kernel (``bind`` to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """Whether TCP ``port`` on ``host`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie (a process of another user
    counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True  # no /proc (macOS): kill(0) said it exists


def runs(pid: int, program: str) -> bool:
    """True when ``pid`` is a running process whose command line names ``program`` (read
    from ``/proc/<pid>/cmdline``: a zombie's is empty)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return program in command


def is_dockerd(pid: int) -> bool:
    """True when ``pid`` is a running ``dockerd``."""
    return runs(pid, "dockerd")


def uid_of(pid: int) -> int | None:
    """The real uid of process ``pid`` (``/proc/<pid>/status``), or ``None`` once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None
