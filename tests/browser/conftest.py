"""Fixtures for the browser tests: JupyterLab started like ``dockerlab lab``, headless Chromium.

- ``jupyterlab_server``: :func:`dockerlab.launcher.running_lab` on a temporary copy of
  ``notebooks/`` (JupyterLab autosaves: the committed notebooks must not change), with a
  session prefix so every Docker object the notebooks make is known to be ours;
- ``browser``: Debian's Chromium driven by Playwright through ``executable_path`` (no browser
  download), a fresh temporary profile, and no request allowed off this machine;
- ``open_notebook(path)``: a :class:`labpage.NotebookPage` on a new tab; its kernels are shut
  down after the test.

Everything is stopped in ``finally`` blocks: the browser, the server and its kernels, and
the Docker objects of our sessions (even when a test fails half-way through a notebook).
Screenshots land in ``artifacts/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from chromium_setup import find_or_install_chromium, shared_playwright  # noqa: E402
from labpage import NotebookPage  # noqa: E402
from probes import PROBE_DIR, PROBES, write_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-proxy-server",
                  # names other than loopback's do not resolve: nothing leaves the machine
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1280, "height": 900}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
    return report


# --- the browser --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium_path() -> str:
    path, reason = find_or_install_chromium()
    if path is None:
        pytest.skip(f"browser tests skipped: {reason}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests skipped: the `playwright` package is not installed "
                    "(pip install -e '.[test]')")
    return path


@pytest.fixture(scope="session")
def off_machine_requests() -> list[str]:
    """URLs the pages tried to reach outside loopback (they cannot resolve: see the flags)."""
    return []


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory, off_machine_requests):
    profile = tmp_path_factory.mktemp("chromium-profile")

    def note_off_machine(request):  # listening only: routing every request slows JupyterLab
        if urlsplit(request.url).hostname not in LOOPBACK_HOSTS | {None}:
            off_machine_requests.append(request.url)

    context = shared_playwright().chromium.launch_persistent_context(
        str(profile), executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS,
        viewport=VIEWPORT, device_scale_factor=1)
    try:
        context.set_default_timeout(30_000)
        context.on("request", note_off_machine)
        yield context
    finally:
        context.close()


# --- JupyterLab -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def session_prefix() -> str:
    """Prefix of every kit session opened by a notebook in our browser (to find and clean)."""
    from dockerlab.labels import SESSION_PREFIX_ENV

    return os.environ.get(SESSION_PREFIX_ENV, "") + f"browser-{secrets.token_hex(2)}-"


@pytest.fixture(scope="session")
def notebook_dir(tmp_path_factory) -> Path:
    """A copy of notebooks/ plus the harness's own probe notebooks."""
    copy = tmp_path_factory.mktemp("lab") / "notebooks"
    if NOTEBOOKS.is_dir():
        shutil.copytree(NOTEBOOKS, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        copy.mkdir()
    (copy / PROBE_DIR).mkdir()
    for name, cells in PROBES.items():
        write_notebook(copy / PROBE_DIR / name, cells)
    return copy


@pytest.fixture(scope="session")
def jupyterlab_server(notebook_dir, session_prefix, tmp_path_factory, chromium_path):
    from dockerlab.labels import SESSION_PREFIX_ENV
    from dockerlab.launcher import running_lab

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # the artifacts show this run only
    state = tmp_path_factory.mktemp("lab-state")
    log = state / "jupyterlab.log"
    try:
        with running_lab(notebook_dir, env={SESSION_PREFIX_ENV: session_prefix}, log=log,
                         extra_args=lab_state_arguments(state)) as server:
            yield server
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if log.exists():
            shutil.copy(log, SCREENSHOTS.parent / "jupyterlab.log")
        clean_our_sessions(session_prefix)


def lab_state_arguments(folder: Path) -> tuple[str, ...]:
    """Settings and workspaces of our own, so the tests neither read nor write ~/.jupyter.

    The settings folder starts empty, as a learner's does: JupyterLab's news question is not
    answered in advance, the kit's own settings must keep it away (test_offline_lab.py)."""
    return (f"--LabApp.user_settings_dir={folder / 'user-settings'}",
            f"--LabApp.workspaces_dir={folder / 'workspaces'}")


@pytest.fixture
def open_notebook(browser, jupyterlab_server, request):
    """``open_notebook("00_welcome.ipynb")`` -> NotebookPage; pages and kernels closed after."""
    pages = []

    def opener(path: str) -> NotebookPage:
        page = browser.new_page()
        pages.append(page)
        return NotebookPage(page, jupyterlab_server, path, SCREENSHOTS).open()

    try:
        yield opener
    finally:
        failed = getattr(request.node, "failed_call", False)
        for number, page in enumerate(pages):
            if failed:  # what the learner would have seen when it failed
                with contextlib.suppress(Exception):
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(SCREENSHOTS / f"FAILED--{request.node.name}-{number}.png"))
            page.close(run_before_unload=False)
        jupyterlab_server.shutdown_kernels()


# --- Docker objects of our sessions ----------------------------------------------------------
def our_sessions(client, prefix: str) -> set[str]:
    """Sessions (by label) whose id starts with ``prefix``: only the ones we started.

    Raw listings, one request per kind: objects other helpers remove meanwhile do not matter.
    """
    from dockerlab import labels

    api = client.api
    listed = (api.containers(all=True) + api.images(all=True) + api.networks()
              + (api.volumes().get("Volumes") or []))
    sessions = {(item.get("Labels") or {}).get(labels.SESSION, "") for item in listed}
    return {session for session in sessions if session.startswith(prefix)}


@pytest.fixture
def sessions_left(session_prefix):
    """``sessions_left()`` -> the sessions of ours that still own objects in the engine."""
    def left() -> set[str]:
        from dockerlab.engine.locate import connect

        client = connect()
        try:
            return our_sessions(client, session_prefix)
        finally:
            client.close()

    return left


def clean_our_sessions(prefix: str) -> None:
    from dockerlab.cleanup import clean_session
    from dockerlab.engine.locate import connect
    from dockerlab.errors import DockerLabError

    try:
        client = connect()
    except DockerLabError:
        return  # no engine: no notebook could have created anything
    try:
        for session in our_sessions(client, prefix):
            report = clean_session(client, session)
            print(f"browser tests: cleaned session {session}: {report}")
    finally:
        client.close()
