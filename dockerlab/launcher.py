"""Starting JupyterLab on the kit's notebooks: what ``./kit lab`` and ``python -m dockerlab lab`` run.

Similar to ``jupyter lab --ip=127.0.0.1 --no-browser --notebook-dir=notebooks``, with the
choices a shared learning machine wants made for you:

- it listens on loopback only (127.0.0.1), on a free port, so two labs never collide;
- a fresh random token guards it; it travels in ``JUPYTER_TOKEN``, not on the command line
  (so ``ps`` does not show it), and only the URL printed for you carries it;
- ``notebooks/`` is the root directory, no browser is opened, ``--allow-root`` is added when
  you are root (the usual case in a container or a CI machine);
- JupyterLab's news feed (and its pop-up), update check and PyPI extension listing are off:
  the kit sends no traffic off the machine (:mod:`dockerlab.lab_settings` says how);
- it opens on the first notebook, ``00_welcome.ipynb``.

:func:`running_lab` is the same start-up as a context manager: it waits until the server
answers, yields a :class:`RunningLab` (URL, token, a tiny REST client) and shuts everything
down afterwards: the server, its kernels, nothing left listening. The browser tests use it,
so they start JupyterLab exactly the way the run command does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LabStartFailed
from .host import LOOPBACK, free_port, pid_alive
from .lab_settings import SERVER_SETTINGS, config_path, start_path, write_config_dir

DEFAULT_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
STARTUP_TIMEOUT = 120
SHUTDOWN_TIMEOUT = 30
START_ATTEMPTS = 3

#: the settings every lab gets: loopback, our port, no browser, no traffic off the machine
FIXED_SETTINGS = SERVER_SETTINGS


def new_token() -> str:
    """A random token for one lab (48 hex digits)."""
    return secrets.token_hex(24)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(notebook_dir: Path, port: int, *, as_root: bool | None = None,
                python: str = sys.executable, extra: tuple[str, ...] = ()) -> list[str]:
    """The command line that starts JupyterLab; similar to ``jupyter lab --no-browser ...``."""
    as_root = is_root() if as_root is None else as_root
    return [python, "-m", "jupyterlab", *FIXED_SETTINGS, f"--ServerApp.port={port}",
            f"--ServerApp.root_dir={Path(notebook_dir).resolve()}",
            f"--LabApp.default_url=/{start_path(notebook_dir)}",
            *(["--allow-root"] if as_root else []), *extra]


def lab_environment(token: str, base: dict | None = None, extra: dict | None = None,
                    config_dir: Path | None = None) -> dict:
    """The server's environment: ``base`` (os.environ) plus the token and ``extra``, and the
    kit's JupyterLab settings folder ``config_dir`` first on ``JUPYTER_CONFIG_PATH``."""
    env = dict(os.environ if base is None else base)
    env.pop("JUPYTER_PORT", None)  # our --ServerApp.port decides
    env.update(extra or {})
    env["JUPYTER_TOKEN"] = token
    if config_dir is not None:
        env["JUPYTER_CONFIG_PATH"] = config_path(config_dir, env.get("JUPYTER_CONFIG_PATH"))
    return env


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, read from /proc (empty where there is no /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process started (directly or not) by ``pid``: the server's kernels, for one."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _end(pids: list[int], timeout: float = 5) -> None:
    """SIGTERM, then SIGKILL after ``timeout``, for the given processes (ours only)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while any(pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        pids = [pid for pid in pids if pid_alive(pid)]
        if not pids:
            return


@dataclass
class RunningLab:
    """One JupyterLab server this process started."""

    notebook_dir: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path | None = None
    config_dir: Path | None = None
    _opener: urllib.request.OpenerDirector = field(
        default_factory=lambda: urllib.request.build_opener(urllib.request.ProxyHandler({})),
        repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"

    def url(self, path: str = "lab") -> str:
        """The URL of ``path`` (``lab``, ``lab/tree/00_welcome.ipynb``) with the token."""
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}{path.lstrip('/')}{separator}token={self.token}"

    def start_url(self) -> str:
        """The URL a learner opens: the first notebook (``00_welcome.ipynb``), with the token."""
        return self.url(start_path(self.notebook_dir))

    def __repr__(self) -> str:  # never show the token
        return f"<RunningLab {self.base_url} root={str(self.notebook_dir)!r}>"

    # --- a tiny client for the server's REST API ----------------------------------------
    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        """Call the Jupyter Server REST API; similar to ``curl -H 'Authorization: token ...'``."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}api/{path.lstrip('/')}", data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with self._opener.open(request, timeout=timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def answers(self) -> bool:
        """True when the server answers an authenticated request."""
        try:
            self.api("GET", "status", timeout=2)
        except (OSError, urllib.error.URLError, ValueError):
            return False
        return True

    def kernels(self) -> list[dict]:
        """The kernels running in this server; similar to ``jupyter server list`` + REST."""
        return self.api("GET", "kernels")

    def shutdown_kernels(self) -> None:
        """Shut down every kernel of this server (their notebooks stay open)."""
        for kernel in self.kernels():
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"kernels/{kernel['id']}", timeout=SHUTDOWN_TIMEOUT)

    def log_tail(self, lines: int = 15) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def shutdown(self, timeout: float = SHUTDOWN_TIMEOUT) -> None:
        """Stop the server and its kernels; whatever does not stop in time is killed."""
        started = descendants(self.process.pid)
        if self.process.poll() is None:
            with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
                self.api("POST", "shutdown", timeout=timeout)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            _end([self.process.pid])
            self.process.wait(timeout)
        _end([pid for pid in started + descendants(self.process.pid) if pid_alive(pid)])
        if self.config_dir is not None:
            shutil.rmtree(self.config_dir, ignore_errors=True)


def start_lab(notebook_dir: Path = DEFAULT_NOTEBOOKS, *, port: int | None = None,
              token: str | None = None, env: dict | None = None, log: Path | None = None,
              extra_args: tuple[str, ...] = ()) -> RunningLab:
    """Start the server in the background (its own session, so Ctrl-C reaches only us)."""
    notebook_dir = Path(notebook_dir).resolve()
    if not notebook_dir.is_dir():
        raise LabStartFailed(f"There is no notebook directory at {notebook_dir}.",
                             "Run this from the kit's folder, or pass --notebook-dir.")
    port = port or free_port()
    token = token or new_token()
    config_dir = write_config_dir(Path(tempfile.mkdtemp(prefix="dockerlab-lab-settings-")))
    output = open(log, "ab") if log else None  # noqa: SIM115 (closed below; the child keeps it)
    try:
        process = subprocess.Popen(
            lab_command(notebook_dir, port, extra=tuple(extra_args)),
            env=lab_environment(token, extra=env, config_dir=config_dir), cwd=notebook_dir,
            stdin=subprocess.DEVNULL, stdout=output,
            stderr=subprocess.STDOUT if output else None, start_new_session=True)
    except BaseException:
        shutil.rmtree(config_dir, ignore_errors=True)
        raise
    finally:
        if output:
            output.close()
    return RunningLab(notebook_dir, port, token, process, log, config_dir)


def wait_until_ready(lab: RunningLab, timeout: float = STARTUP_TIMEOUT) -> None:
    """Return once the server answers; raise :class:`LabStartFailed` if it exits or hangs."""
    deadline = time.monotonic() + timeout
    while not lab.answers():
        if lab.process.poll() is not None:
            raise LabStartFailed(
                f"JupyterLab exited (status {lab.process.returncode}) before answering on "
                f"port {lab.port}." + (f" Its last lines:\n{lab.log_tail()}" if lab.log_path
                                      else ""),
                "Read its messages above; `python -m jupyterlab --version` checks the install "
                "(`./kit lab` reinstalls the virtual environment when pyproject.toml changes).")
        if time.monotonic() > deadline:
            lab.shutdown()
            raise LabStartFailed(
                f"JupyterLab did not answer on {lab.base_url} within {timeout:.0f} s.",
                "The machine may be very busy: try again, or look at its log"
                + (f" in {lab.log_path}." if lab.log_path else " above."))
        time.sleep(0.2)


def launch(notebook_dir: Path = DEFAULT_NOTEBOOKS, *, port: int | None = None,
           token: str | None = None, env: dict | None = None, log: Path | None = None,
           extra_args: tuple[str, ...] = (), timeout: float = STARTUP_TIMEOUT) -> RunningLab:
    """Start JupyterLab and wait until it answers; a port taken meanwhile is retried."""
    for attempt in range(1, START_ATTEMPTS + 1):
        lab = start_lab(notebook_dir, port=port, token=token, env=env, log=log,
                        extra_args=extra_args)
        try:
            wait_until_ready(lab, timeout)
            return lab
        except LabStartFailed:
            lab.shutdown()
            if port is not None or attempt == START_ATTEMPTS:
                raise
        except BaseException:  # Ctrl-C while it starts: stop it, then let the signal go on
            lab.shutdown()
            raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def running_lab(notebook_dir: Path = DEFAULT_NOTEBOOKS, **options):
    """``with running_lab("notebooks") as lab: open(lab.url())``; everything stops afterwards.

    ``options`` are those of :func:`launch` (``port``, ``token``, ``env``, ``log``...).
    """
    lab = launch(notebook_dir, **options)
    try:
        yield lab
    finally:
        lab.shutdown()


def parser() -> argparse.ArgumentParser:
    described = argparse.ArgumentParser(
        prog="dockerlab lab", description="Start JupyterLab on the kit's notebooks "
        "(loopback only, a free port, a fresh token; no browser is opened).")
    described.add_argument("--notebook-dir", type=Path, default=DEFAULT_NOTEBOOKS,
                           help="the folder JupyterLab shows (default: the kit's notebooks/)")
    described.add_argument("--port", type=int, default=None,
                           help="listen on this port (default: any free one)")
    return described


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """``dockerlab lab``: start JupyterLab, print its URL, stop it on Ctrl-C."""
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the lab as cleanly as Ctrl-C
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with `&`
    lab = launch(args.notebook_dir, port=args.port)
    try:
        print(f"\nJupyterLab is running on {lab.notebook_dir}.\n"
              f"Open this address in your browser (it carries your access token):\n\n"
              f"    {lab.start_url()}\n\nPress Ctrl-C here to stop it.\n", flush=True)
        return lab.process.wait()
    except KeyboardInterrupt:
        print("\nStopping JupyterLab and its kernels...", flush=True)
        return 0
    finally:
        lab.shutdown()
