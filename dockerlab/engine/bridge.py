"""A private engine's own Linux bridge, in place of ``docker0``.

A second ``dockerd`` started with ``--bridge=dlb-NAME`` uses a bridge the kit made on a free
10.199.N.0/24 (``ip link add NAME type bridge``), so that it never touches the main engine's
``docker0``. (Never ``--bridge=none``: dockerd then deletes the host's ``docker0``, cutting
the main engine's containers off.)
"""

from __future__ import annotations

import subprocess

from ..errors import EngineSetupFailed

BRIDGE_NET = "10.199"


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True)


def free_subnet() -> str:
    """The gateway address of a /24 in 10.199.0.0/16 that no host route uses yet."""
    routes = _ip("-4", "route").stdout + _ip("-4", "addr").stdout
    for third in range(1, 255):
        if f"{BRIDGE_NET}.{third}." not in routes:
            return f"{BRIDGE_NET}.{third}.1/24"
    raise EngineSetupFailed(f"No free /24 left in {BRIDGE_NET}.0.0/16 for a private bridge.",
                            "Remove leftover private engines (`leftover_engines()`).")


def link_exists(name: str) -> bool:
    """Whether this network namespace has an interface ``name`` (``ip link show NAME``).

    Asked with ``ip``, not ``/sys/class/net``: a /sys mounted in another network namespace
    (a container's or a chroot's bind mount of the host's) lists that namespace's links."""
    return _ip("link", "show", "dev", name).returncode == 0


def create_bridge(name: str) -> str:
    """Create and bring up a Linux bridge ``name``; similar to ``ip link add ... type bridge``."""
    if link_exists(name):
        return name
    address = free_subnet()
    for step in (("link", "add", "name", name, "type", "bridge"),
                 ("addr", "add", address, "dev", name), ("link", "set", name, "up")):
        done = _ip(*step)
        if done.returncode != 0:
            _ip("link", "delete", name)
            raise EngineSetupFailed(f"`ip {' '.join(step)}` failed: {done.stderr.strip()}",
                                    "Check that iproute2 is installed and you are root.")
    return name


def delete_bridge(name: str) -> None:
    """Delete the bridge ``name`` if it is there; similar to ``ip link delete NAME``."""
    if link_exists(name):
        _ip("link", "delete", name)
