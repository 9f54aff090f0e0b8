"""The bring-up's decisions, without starting anything."""

import json
import os

import pytest

from dockerlab.engine import install as daemon


@pytest.fixture
def state_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKERLAB_STATE_DIR", str(tmp_path))
    return tmp_path


def test_state_and_log_live_in_the_configured_directory(state_in_tmp):
    assert daemon.state_dir() == state_in_tmp
    assert daemon.log_file() == state_in_tmp / "dockerd.log"


def test_stopping_when_nothing_was_started_touches_nothing(state_in_tmp):
    assert daemon.stop_started_engine().startswith("No engine started by dockerlab")


def test_a_stale_record_of_a_process_that_is_not_dockerd_is_ignored(state_in_tmp):
    (state_in_tmp / "engine.json").write_text(json.dumps({"pid": os.getpid()}))
    assert daemon.stop_started_engine().startswith("No engine started by dockerlab")
    assert not (state_in_tmp / "engine.json").exists()


def test_missing_packages_are_named_by_their_debian_names(monkeypatch, tmp_path):
    monkeypatch.setattr(daemon, "SYSTEM_PACKAGES", {
        "docker.io": str(tmp_path / "absent-dockerd"), "busybox-static": "/bin/sh"})
    monkeypatch.setattr("dockerlab.images.base.find_static_busybox", lambda: None)
    assert daemon.missing_packages() == ["docker.io", "busybox-static"]


def test_docker_ce_counts_as_installed_so_docker_io_is_never_added_on_top(monkeypatch, tmp_path):
    # Docker CE's dockerd is /usr/bin/dockerd: installing docker.io beside it would conflict
    ce_dockerd = tmp_path / "usr-bin-dockerd"
    ce_dockerd.touch()
    monkeypatch.setattr(daemon, "SYSTEM_PACKAGES", {
        "docker.io": (str(tmp_path / "usr-sbin-dockerd"), str(ce_dockerd))})
    monkeypatch.setattr(daemon, "SPLIT_PACKAGES", {})
    monkeypatch.setattr("dockerlab.images.base.find_static_busybox", lambda: "/bin/busybox")
    assert daemon.missing_packages() == []
    ce_dockerd.unlink()
    assert daemon.missing_packages() == ["docker.io"]


def test_an_explicit_docker_host_is_never_replaced_by_a_started_engine(monkeypatch):
    from dockerlab.errors import EngineNotFound

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent")
    monkeypatch.setattr(daemon, "start_dockerd", lambda prefix: pytest.fail("started dockerd"))
    with pytest.raises(EngineNotFound):
        daemon.ensure_engine()


def test_dockerd_is_started_with_the_open_file_limit_of_dockers_unit():
    # a login shell's 1,024 starves an engine ("open .../lower: too many open files")
    import resource
    import subprocess

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        done = subprocess.run(["sh", "-c", "ulimit -n"], capture_output=True, text=True,
                              preexec_fn=daemon._raise_open_file_limit, check=True)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    # Docker's unit's figure where we may raise the hard limit, else all the hard limit allows
    assert int(done.stdout) in (daemon.DOCKERD_OPEN_FILES, hard)
    assert int(done.stdout) >= hard
