"""One client, two daemons: a second, private engine to talk to.

:class:`PrivateEngine` starts a second ``dockerd`` next to the main one, similar to::

    dockerd --data-root D --exec-root E --pidfile E/dockerd.pid -H unix://E/docker.sock \\
            -H tcp://127.0.0.1:PORT --tlsverify --tlscacert ca.pem \\
            --tlscert server-cert.pem --tlskey server-key.pem \\
            --bridge=dlb-NAME --iptables=false --ip-masq=false --ip-forward=false

Everything it owns is its own: image store, containerd (started under its exec root, in its
own namespace), pid file, UNIX socket, and a bridge of its own (``dlb-...``, made by the kit
on a free 10.199.N.0/24: :mod:`dockerlab.engine.bridge`) instead of ``docker0``; it adds
no firewall rule, so the main engine does not notice it. The network endpoint is TLS-only
on 127.0.0.1 with certificates from a throwaway authority (:mod:`dockerlab.engine.certs`): a
client without the kit's client certificate is refused. :meth:`PrivateEngine.remove` stops
it and deletes its state.

A client for it comes from :func:`dockerlab.engine.locate.connect` (``connect(engine.url)``,
or ``connect(engine.tcp_url, engine.certs.tls_config())``), the kit's one ``connect``; what
it holds, from :func:`dockerlab.engine.inventory.describe`.
"""

from __future__ import annotations

import atexit
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DockerLabError, EngineSetupFailed, NeedsRoot
from ..host import free_port, is_dockerd, runs
from .bridge import create_bridge, delete_bridge
from .certs import CertBundle, make_certificates
from .install import state_dir
from .inventory import describe  # noqa: F401 - dockerlab.daemons.describe, for old code
from .locate import EngineLocation
from .locate import connect as connect  # dockerlab.daemons.connect, for old code

START_TIMEOUT = 60
STOP_TIMEOUT = 30
#: exec roots (pid file, socket, containerd state) of private engines live here
RUN_BASE = Path("/run/dockerlab")
SYSTEM_CONTAINERD = Path("/run/containerd/containerd.sock")


# --- a second, private engine ---------------------------------------------------------------

def availability() -> str | None:
    """``None`` when a private engine can be started here, otherwise why not."""
    if platform.system() != "Linux":
        return (f"A second engine needs a Linux host; this is {platform.system()} (Docker "
                "Desktop runs its one engine inside a VM).")
    if os.geteuid() != 0:
        return "Starting a second dockerd needs root, and this kernel runs as a normal user."
    if not shutil.which("dockerd"):
        return "dockerd is not installed here (Debian's docker.io package provides it)."
    if not shutil.which("ip"):
        return "the `ip` command (Debian's iproute2) is missing: the private bridge needs it."
    return None


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the direct children of ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                child = int(stat.parent.name)
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found.append((child, cmdline.decode(errors="replace").strip()))
        except (OSError, IndexError, ValueError):
            continue
    return found


@dataclass
class PrivateEngine:
    """A second ``dockerd`` with its own state, reachable on a UNIX socket and TLS on loopback."""

    name: str = field(default_factory=lambda: f"private-{secrets.token_hex(3)}")
    base: Path | None = None
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)
    #: its daemon.json, e.g. ``{"features": {"containerd-snapshotter": True}}``
    daemon_config: dict = field(default_factory=dict)

    def __post_init__(self):
        self.base = Path(self.base or state_dir() / "engines" / self.name)
        self.exec_root = RUN_BASE / self.name
        self.port = self.port or free_port()
        self.certs = CertBundle(self.base / "certs")

    # --- where things are -------------------------------------------------------------
    @property
    def data_root(self) -> Path:
        return self.base / "data"

    @property
    def pidfile(self) -> Path:
        return self.exec_root / "dockerd.pid"

    @property
    def socket(self) -> Path:
        return self.exec_root / "docker.sock"

    @property
    def log(self) -> Path:
        return self.base / "dockerd.log"

    @property
    def bridge(self) -> str:
        """The private engine's own bridge (at most 15 characters, as Linux wants)."""
        return f"dlb-{self.name.rsplit('-', 1)[-1]}"[:15]

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def tcp_url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def location(self, tls: bool = False) -> EngineLocation:
        """Where a :class:`~dockerlab.lab.Lab` finds this engine (UNIX socket or TLS)."""
        if tls:
            return EngineLocation(self.tcp_url, f"private engine {self.name} (TLS)",
                                  self.certs.tls_config())
        return EngineLocation(self.url, f"private engine {self.name}")

    def command(self) -> list[str]:
        """The ``dockerd`` command line that starts this engine."""
        ns = f"dockerlab-{self.name}"
        return ["dockerd", "--config-file", str(self.base / "daemon.json"),
                "--data-root", str(self.data_root), "--exec-root", str(self.exec_root),
                "--pidfile", str(self.pidfile), "-H", self.url, "-H", self.tcp_url,
                "--tlsverify", "--tlscacert", str(self.certs.ca),
                "--tlscert", str(self.certs.server_cert), "--tlskey", str(self.certs.server_key),
                f"--bridge={self.bridge}", "--iptables=false", "--ip-masq=false",
                "--ip-forward=false",
                "--containerd-namespace", ns, "--containerd-plugins-namespace", f"{ns}-plugins",
                "--log-level=warn"]

    # --- life cycle -------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if is_dockerd(pid) else None

    @property
    def running(self) -> bool:
        return self.pid is not None and self.socket.exists()

    def start(self, timeout: float = START_TIMEOUT) -> PrivateEngine:
        """Start (or restart) this engine and wait until it answers; similar to ``dockerd &``."""
        reason = availability()
        if reason:
            raise NeedsRoot(f"The kit cannot start a second engine here: {reason}",
                            "The rest of the notebook works with your one engine; read these "
                            "cells, or run the kit on a Linux machine where you are root.")
        if self.running:
            return self
        self.data_root.mkdir(parents=True, exist_ok=True)
        self.exec_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        # its own daemon.json: /etc/docker/daemon.json is never read
        (self.base / "daemon.json").write_text(json.dumps(self.daemon_config) + "\n")
        if not self.certs.exists():
            make_certificates(self.certs.directory)
        create_bridge(self.bridge)
        forget_dead_containerd(self.exec_root)
        if not getattr(self, "_atexit", False):  # a kernel that exits takes its engine along
            atexit.register(self._remove_at_exit)
            self._atexit = True
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_until_up(timeout)
        return self

    def _wait_until_up(self, timeout: float) -> None:
        import docker

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineSetupFailed(
                    f"The private dockerd exited at once (code {self.process.returncode}). "
                    f"Its log says:\n{self.tail()}", f"The full log is {self.log}.")
            if self.socket.exists():
                try:
                    with docker.APIClient(base_url=self.url, version="auto", timeout=5) as api:
                        api.ping()
                    return
                except Exception:  # not ready yet: the socket exists before the API answers
                    pass
            time.sleep(0.3)
        self.stop()
        raise EngineSetupFailed(f"The private dockerd did not answer within {timeout:.0f} s.",
                                f"Its log is {self.log}:\n{self.tail()}")

    def tail(self, lines: int = 12) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log written)"

    def containerd(self) -> str | None:
        """The command line of the containerd this engine started for itself, if any."""
        pid = self.pid
        for _, cmdline in _children(pid) if pid else []:
            if "containerd" in cmdline:
                return cmdline
        return None

    def stop(self, timeout: float = STOP_TIMEOUT) -> str:
        """Stop this engine (its state stays); similar to ``kill -TERM $(cat pidfile)``."""
        pid = self.pid or (self.process.pid if self.process and self.process.poll() is None
                           else None)
        if pid is None:
            return f"The private engine {self.name} is not running."
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while is_dockerd(pid) and time.monotonic() < deadline:
            if self.process is not None and self.process.pid == pid:
                self.process.poll()  # reap it, so it does not linger as a zombie
            time.sleep(0.2)
        if is_dockerd(pid):
            os.kill(pid, signal.SIGKILL)
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        return f"Stopped the private engine {self.name} (pid {pid})."

    def remove(self) -> str:
        """Stop this engine and delete its data root, exec root, certificates and log."""
        said = self.stop()
        _unmount_below(self.exec_root)
        _unmount_below(self.data_root)
        shutil.rmtree(self.exec_root, ignore_errors=True)
        shutil.rmtree(self.base, ignore_errors=True)
        delete_bridge(self.bridge)
        return (f"{said} Its state ({self.base}, {self.exec_root}) and its bridge "
                f"{self.bridge} are removed.")

    def _remove_at_exit(self) -> None:
        if self.exec_root.exists() or self.base.exists():
            self.remove()

    def __enter__(self) -> PrivateEngine:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.remove()

    def state(self) -> dict:
        """Where this engine keeps what, for display."""
        return {"data root": str(self.data_root), "exec root": str(self.exec_root),
                "bridge": self.bridge,
                "pid file": str(self.pidfile), "socket": self.url, "TLS": self.tcp_url,
                "certificates": str(self.certs.directory)}


def try_private_engine(**kwargs) -> PrivateEngine | None:
    """Start a private engine, or print why it cannot start here and return ``None``.

    For notebooks: the cells after it check ``if engine:`` and skip cleanly.
    """
    reason = availability()
    if reason is None:
        try:
            return PrivateEngine(**kwargs).start()
        except DockerLabError as error:
            reason = error.message
    print(f"Skipping the second engine: {reason}")
    return None


def _unmount_below(path: Path) -> None:
    """Unmount anything a stopped engine left mounted below ``path`` (deepest first)."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return
    prefix = str(path.resolve()) + "/"
    targets = [line.split()[1] for line in mounts if len(line.split()) > 1]
    for target in sorted((t for t in targets if (t + "/").startswith(prefix)), key=len,
                         reverse=True):
        subprocess.run(["umount", "-l", target], capture_output=True)


def leftover_engines() -> list[PrivateEngine]:
    """Private engines whose exec root still exists (a kernel that died before cleanup)."""
    if not RUN_BASE.exists():
        return []
    return [PrivateEngine(name=p.name, port=1) for p in sorted(RUN_BASE.iterdir()) if p.is_dir()]


def engine_record(engine: PrivateEngine) -> str:
    """A JSON line describing the engine, for logs."""
    return json.dumps({"name": engine.name, **engine.state()})


def forget_dead_containerd(exec_root: Path) -> None:
    """Remove the pid file of a containerd that is gone. dockerd (20.10) reuses the containerd
    this file names while that pid exists, and a zombie exists: a SIGKILLed dockerd's
    containerd dies with it but can stay a zombie for seconds (until pid 1 reaps it), and a
    dockerd restarted meanwhile waits for its socket until it gives up ("failed to start
    containerd: timeout waiting for containerd to start")."""
    pidfile = exec_root / "containerd" / "containerd.pid"
    try:
        alive = runs(int(pidfile.read_text().strip()), "containerd")
    except (OSError, ValueError):
        alive = False
    if not alive:
        pidfile.unlink(missing_ok=True)
