"""When the browser tests may install Chromium, and what they say when they skip instead."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

import chromium_setup  # noqa: E402

DEBIAN = {"ID": "debian", "PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)"}
UBUNTU = {"ID": "ubuntu", "ID_LIKE": "debian"}
MINT = {"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}
FEDORA = {"ID": "fedora", "PRETTY_NAME": "Fedora Linux 40"}


def test_os_release_is_read_with_quotes_removed(tmp_path):
    release = tmp_path / "os-release"
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n\nbad line\n')

    assert chromium_setup.os_release(str(release)) == DEBIAN
    assert chromium_setup.os_release(str(tmp_path / "none")) == {}


def test_debian_and_its_family_may_install_as_root():
    for release in (DEBIAN, UBUNTU, MINT):
        assert chromium_setup.why_not_installable(release, 0, "/usr/bin/apt-get") is None


def test_the_reason_to_skip_names_what_is_missing():
    fedora = chromium_setup.why_not_installable(FEDORA, 0, "/usr/bin/apt-get")
    user = chromium_setup.why_not_installable(DEBIAN, 1000, "/usr/bin/apt-get")
    no_apt = chromium_setup.why_not_installable(DEBIAN, 0, None)

    assert "Fedora Linux 40 is not Debian or Ubuntu" in fedora
    assert "not root" in user and "sudo apt-get install chromium" in user
    assert "apt-get is not on PATH" in no_apt


def test_a_configured_browser_wins_and_must_be_executable(tmp_path):
    browser = tmp_path / "chrome"
    browser.write_text("#!/bin/sh\n")

    assert chromium_setup.find_chromium({chromium_setup.ENV: str(browser)}) is None
    browser.chmod(0o755)
    assert chromium_setup.find_chromium({chromium_setup.ENV: str(browser)}) == str(browser)
