"""Finding Debian's Chromium for the browser tests, installing it when we may.

Playwright normally downloads its own browser build; this machine (and many a learner's) cannot,
so the tests drive the distribution's ``chromium`` through Playwright's ``executable_path``.

:func:`find_or_install_chromium` returns the browser's path, or a sentence saying why the
browser tests are skipped: the test set-up installs ``chromium`` with ``apt-get`` only as root
on Debian or Ubuntu, and never touches anything elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: where to look, in order; ``DOCKERLAB_CHROMIUM`` names another binary
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
ENV = "DOCKERLAB_CHROMIUM"
APT_TIMEOUT = 900


def find_chromium(environ=None) -> str | None:
    """The path of an installed Chromium, or None."""
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return None


def os_release(path: str = "/etc/os-release") -> dict[str, str]:
    """The ``KEY=value`` pairs of os-release (empty when there is none)."""
    try:
        text = Path(path).read_text()
    except OSError:
        return {}
    pairs = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            pairs[key.strip()] = value.strip().strip('"')
    return pairs


def is_debian_like(release: dict[str, str]) -> bool:
    family = {release.get("ID", "")} | set(release.get("ID_LIKE", "").split())
    return bool(family & {"debian", "ubuntu"})


def why_not_installable(release: dict[str, str], euid: int, apt: str | None) -> str | None:
    """None when ``apt-get install chromium`` may be tried, otherwise the reason it may not."""
    if not is_debian_like(release):
        name = release.get("PRETTY_NAME") or "this system"
        return f"{name} is not Debian or Ubuntu, so the tests do not install a browser"
    if euid != 0:
        return "not root, so the tests do not install it (run `sudo apt-get install chromium`)"
    if apt is None:
        return "apt-get is not on PATH"
    return None


def apt_install_chromium() -> str | None:
    """Run ``apt-get update`` and ``apt-get install chromium``; None on success, else why not."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "chromium"]):
        print("browser tests:", " ".join(command), flush=True)
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=APT_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return f"`{' '.join(command)}` did not finish within {APT_TIMEOUT} s"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return f"`{' '.join(command)}` failed: " + " / ".join(tail)
    return None


def find_or_install_chromium() -> tuple[str | None, str]:
    """``(path, "")`` when a Chromium is ready, otherwise ``(None, reason to skip)``."""
    path = find_chromium()
    if path:
        return path, ""
    if os.environ.get(ENV):
        return None, f"{ENV}={os.environ[ENV]} is not an executable file"
    reason = why_not_installable(os_release(), os.geteuid(), shutil.which("apt-get"))
    if reason:
        return None, f"Chromium is not installed and {reason}"
    failure = apt_install_chromium()
    if failure:
        return None, f"Chromium is not installed and installing it failed: {failure}"
    path = find_chromium()
    if path is None:
        return None, "apt-get installed chromium but no chromium binary is on the usual paths"
    return path, ""


_PLAYWRIGHT = None


def shared_playwright():
    """The test process's one Playwright (sync API). A second ``sync_playwright()`` cannot start
    in a thread while the first still runs, and the browser tests keep theirs for the whole
    session, so the classroom test's browser comes from the same one. Stopped at exit."""
    global _PLAYWRIGHT
    if _PLAYWRIGHT is None:
        import atexit

        from playwright.sync_api import sync_playwright
        _PLAYWRIGHT = sync_playwright().start()
        atexit.register(_PLAYWRIGHT.stop)
    return _PLAYWRIGHT
