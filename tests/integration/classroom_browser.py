"""Debian's Chromium for the classroom test (the instructor's view driven in a browser).

The same browser and flags as ``tests/browser`` (Playwright through ``executable_path``, no
browser download, no name but loopback's resolves), without that folder's JupyterLab
fixtures: the classroom test brings its own hub.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from chromium_setup import find_or_install_chromium, shared_playwright  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-proxy-server",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@contextlib.contextmanager
def chromium():
    """A headless Chromium (Playwright's ``Browser``); the test is skipped without one."""
    path, reason = find_or_install_chromium()
    if path is None:
        pytest.skip(f"no browser: {reason}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the `playwright` package is not installed (pip install -e '.[test]')")
    browser = shared_playwright().chromium.launch(executable_path=path, args=FLAGS)
    try:
        yield browser
    finally:
        browser.close()


def log_in(browser, hub: str, name: str, password: str, next_path: str):
    """A new browser context logged in through the hub's own log-in page; its page is at
    ``next_path`` (where the hub sends it after the log-in)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280,
                                                                    "height": 900})
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{hub}/hub/login?next={next_path}")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    with page.expect_navigation():
        page.click("#login_submit")
    page.wait_for_load_state()
    return page


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
