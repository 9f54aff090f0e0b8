"""The learners' own Python, for a machine where the kit's is closed to them.

Each learner's Jupyter server (and its kernels) runs as that learner, so the interpreter, the
venv and the kit's code must be reachable by every user. Where they are not (pyenv's Python
under a 0700 ``/root``, a checkout in root's home), the classroom builds a venv of its own
from Debian's ``/usr/bin/python3``, similar to::

    apt-get install python3-venv                      # when it is missing
    python3 -m venv /var/lib/dockerlab/classroom-kit/venv
    /var/lib/dockerlab/classroom-kit/venv/bin/pip install -e 'CHECKOUT[classroom]' \\
        jupyterhub==THE_HUB_S_VERSION

``CHECKOUT`` is the kit's checkout itself when learners can read it (editable: learners'
kernels import the instructor's code as it is on disk); otherwise the code, exercises and
are copied to
``classroom-kit/src`` at every class start and that copy is installed
(editable too, so a fresh copy needs no reinstall). The venv is reused while its stamp
(pyproject.toml, the kit's version, the source, the Python and JupyterHub versions) matches.
Everything under ``classroom-kit`` is world-readable; it holds no secret (the class's secrets
stay in the 0700 ``/var/lib/dockerlab/classroom``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import NeedsRoot
from . import users

ROOT = Path("/var/lib/dockerlab/classroom-kit")
BASE_PYTHON = Path("/usr/bin/python3")
#: what learners' servers read from the checkout: the package, its metadata and the exercises
#: the checker finds next to it (the hub, as root, copies the notebooks from the checkout)
COPIED = ("dockerlab", "exercises", "pyproject.toml", "README.md")
STAMP = ".kit-stamp"
#: a progress line at most this often while pip works (a first build takes a minute or more)
PROGRESS_EVERY = 15.0


def closed_to_learners(*paths: Path) -> Path | None:
    """The first directory on the way to ``paths`` that other users cannot pass, or None."""
    for path in paths:
        for directory in [*reversed(Path(path).absolute().parents), Path(path).absolute()]:
            if directory.is_dir() and not directory.stat().st_mode & 0o001:
                return directory
    return None


def kit_paths(python: str = sys.executable, checkout: Path = users.KIT_ROOT
              ) -> tuple[Path, ...]:
    """What a learner's server must reach to run the kit as the hub does: the venv, the
    interpreter it links to (pyenv's lives under a 0700 /root on some machines), the
    checkout."""
    return (Path(python).parent, Path(os.path.realpath(python)).parent, checkout)


def stamp(pyproject: bytes, version: str, source: Path, python: str, jupyterhub: str) -> str:
    """What the learners' venv was built from; another value means build it again."""
    made = {"pyproject": hashlib.sha256(pyproject).hexdigest(), "kit": version,
            "source": str(source), "python": python, "jupyterhub": jupyterhub}
    return hashlib.sha256(json.dumps(made, sort_keys=True).encode()).hexdigest()[:16]


def is_current(venv: Path, wanted: str) -> bool:
    """Whether ``venv`` has a Python, a Jupyter server for the hub and the stamp ``wanted``."""
    try:
        found = (venv / STAMP).read_text().strip()
    except OSError:
        return False
    return (found == wanted and (venv / "bin" / "python").exists()
            and (venv / "bin" / "jupyterhub-singleuser").exists())


def source_for(checkout: Path, root: Path = ROOT) -> Path:
    """Where learners' venv installs the kit from: the checkout when learners can read it,
    else a copy under ``root``."""
    return checkout if closed_to_learners(checkout) is None else root / "src"


def copy_source(checkout: Path, target: Path) -> Path:
    """A world-readable copy of what learners need from ``checkout`` (replacing the last)."""
    fresh = target.with_name(target.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for name in COPIED:
        if (checkout / name).is_dir():
            shutil.copytree(checkout / name, fresh / name, ignore=skip)
        elif (checkout / name).exists():
            shutil.copy2(checkout / name, fresh / name)
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)
    return target


def open_to_all(path: Path, root: Path = ROOT) -> None:
    """``chmod -R a+rX path``, and ``o+x`` on ``root`` and the kit's directory above it."""
    subprocess.run(["chmod", "-R", "a+rX", str(path)], check=True)
    for directory in (root.parent, root):
        if directory.stat().st_mode & 0o001 == 0:
            directory.chmod(directory.stat().st_mode | 0o011)


def ensure_base_python(say: Callable[[str], None], base: Path = BASE_PYTHON) -> Path:
    """Debian's python3 with venv (``python3-venv`` installed through apt when missing)."""
    def usable() -> bool:
        return base.exists() and subprocess.run(
            [str(base), "-c", "import sys, venv, ensurepip; assert sys.version_info >= (3, 10)"],
            capture_output=True).returncode == 0

    if usable():
        return base
    from ..engine.install import install_packages, is_debian_like

    if os.geteuid() != 0 or not is_debian_like():
        raise NeedsRoot(f"Learners need a Python they can run, and {base} with venv is "
                        "missing.", "Install Python 3.10+ with venv at /usr/bin/python3 "
                        "(Debian: `apt-get install python3-venv`), then start the class again.")
    say("installing Debian's python3-venv for the learners' Python")
    install_packages(["python3", "python3-venv"], [])
    if not usable():
        raise NeedsRoot(f"{base} still has no venv module (or is older than 3.10).",
                        "Install Python 3.10+ with venv at /usr/bin/python3.")
    return base


def pip_lines(command: list[str], say: Callable[[str], None], every: float = PROGRESS_EVERY
              ) -> None:
    """Run pip, saying every ``every`` s what it is at; raise with its last lines on failure."""
    began = time.monotonic()
    kept: list[str] = []
    env = {**os.environ, "PIP_PROGRESS_BAR": "off", "PYTHONUNBUFFERED": "1"}  # line by line
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env) as pip:
        reader = threading.Thread(target=_keep_lines, args=(pip.stdout, kept), daemon=True)
        reader.start()
        while True:
            try:
                pip.wait(timeout=every)
                break
            except subprocess.TimeoutExpired:  # pip is quiet while it installs: say so anyway
                at = kept[-1][:100] if kept else "starting"
                say(f"  ... {time.monotonic() - began:.0f} s: {at}")
        reader.join()
    if pip.returncode != 0:
        raise NeedsRoot("Installing the kit into the learners' Python failed:\n"
                        + "\n".join(kept[-15:]),
                        "Check that this machine reaches PyPI, then start the class again.")


def _keep_lines(stream, kept: list[str]) -> None:
    """Append pip's lines to ``kept`` (the last 40), without its notes on unused indexes."""
    for line in stream:
        line = line.rstrip()
        if line and not line.startswith("WARNING: Location"):  # an unused --find-links
            kept.append(line)
            del kept[:-40]


def build(venv: Path, source: Path, wanted: str, say: Callable[[str], None]) -> None:
    """Make (or refresh) the venv and install the kit from ``source`` into it."""
    from importlib.metadata import version

    base = ensure_base_python(say)
    if _version(venv / "bin" / "python") != _version(base):  # none yet, or Python upgraded
        say(f"creating the learners' Python in {venv} (from {base})")
        subprocess.run([str(base), "-m", "venv", "--clear", str(venv)], check=True)
    (venv / STAMP).unlink(missing_ok=True)
    python = str(venv / "bin" / "python")
    say("installing the kit and its dependencies into it (JupyterLab, JupyterHub's server, "
        "docker, matplotlib...: a minute or more the first time)")
    pip_lines([python, "-m", "pip", "install", "--upgrade", "pip"], say)
    pip_lines([python, "-m", "pip", "install", "-e", f"{source}[classroom]",
               f"jupyterhub=={version('jupyterhub')}"], say)
    (venv / STAMP).write_text(wanted + "\n")


def check_as_a_learner(python: str) -> None:
    """Run the learners' Python as ``nobody``: it must import the kit and the Jupyter server."""
    tried = subprocess.run(["runuser", "-u", "nobody", "--", python, "-c",
                            "import dockerlab, jupyterhub.singleuser, ipykernel"],
                           capture_output=True, text=True, cwd="/")
    if tried.returncode != 0:
        raise NeedsRoot(f"Another user cannot run the learners' Python {python}:\n"
                        f"{tried.stderr.strip()[-800:]}",
                        f"Check the permissions on the way to {ROOT}.")


def learner_python(say: Callable[[str], None], root: Path = ROOT) -> str:
    """The Python learners' servers run: the kit's own when they can reach it, else the
    learners' venv under ``root`` (built or refreshed as needed)."""
    closed = closed_to_learners(*kit_paths())
    if closed is None:
        return sys.executable
    from importlib.metadata import version

    venv = root / "venv"
    say(f"learners cannot reach the kit's Python ({closed} is closed to other users): "
        f"they get their own in {venv}")
    root.mkdir(parents=True, exist_ok=True)
    source = source_for(users.KIT_ROOT, root)
    if source != users.KIT_ROOT:
        say(f"copying the kit's code and exercises to {source} (learners cannot "
            f"read {users.KIT_ROOT})")
        copy_source(users.KIT_ROOT, source)
        open_to_all(source, root)
    wanted = stamp((source / "pyproject.toml").read_bytes(), version("dockerlab"), source,
                   _version(BASE_PYTHON), version("jupyterhub"))
    began = time.monotonic()
    if is_current(venv, wanted):
        say(f"the learners' Python is up to date ({venv})")
    else:
        build(venv, source, wanted, say)
        open_to_all(root, root)
        check_as_a_learner(str(venv / "bin" / "python"))
        say(f"the learners' Python is ready in {time.monotonic() - began:.0f} s")
    return str(venv / "bin" / "python")


def _version(python: Path) -> str:
    """``python -V`` (empty when it does not run)."""
    try:
        return subprocess.run([str(python), "-V"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return ""
