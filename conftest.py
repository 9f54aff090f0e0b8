"""Suite-wide guard rails (root conftest, so notebooks under nbval are covered too).

- Every session the run opens is named with one prefix (``DOCKERLAB_SESSION_PREFIX``), which
  notebook kernels inherit, so the run can find exactly what it created.
- At the end, any object left by the run's sessions fails the run (and is removed), and every
  object that existed without the kit's labels before the run must still exist.
- The kit's base image is removed at the end when this run had to build it.
"""

from __future__ import annotations

import os
import secrets

import pytest

RUN_PREFIX = f"t{secrets.token_hex(3)}-"
os.environ.setdefault("DOCKERLAB_SESSION_PREFIX", RUN_PREFIX)


def _engine_client():
    from dockerlab.engine import connect, find_engine
    from dockerlab.errors import DockerLabError

    try:
        return connect(find_engine(), timeout=60)
    except DockerLabError:
        return None


def _unlabelled(client) -> set[tuple[str, str]]:
    from dockerlab.labels import KIT

    found = {("container", c.id) for c in client.containers.list(all=True)
             if KIT not in (c.labels or {})}
    found |= {("image", i.id) for i in client.images.list() if KIT not in (i.labels or {})}
    found |= {("network", n.id) for n in client.networks.list()
              if KIT not in (n.attrs.get("Labels") or {})}
    found |= {("volume", v.name) for v in client.volumes.list()
              if KIT not in (v.attrs.get("Labels") or {})}
    return found


def _sessions_left_by_this_run(client) -> dict[str, list[str]]:
    """Session id -> names of the objects it still has, for this run's sessions only."""
    from dockerlab.labels import SESSION, kit_filter

    prefix = os.environ["DOCKERLAB_SESSION_PREFIX"]
    left: dict[str, list[str]] = {}

    def note(labels, what):
        session = (labels or {}).get(SESSION, "")
        if session.startswith(prefix):
            left.setdefault(session, []).append(what)

    for container in client.containers.list(all=True, filters=kit_filter()):
        note(container.labels, f"container {container.name}")
    for image in client.images.list(filters=kit_filter()):
        note(image.labels, f"image {image.tags[0] if image.tags else image.short_id}")
    for network in client.networks.list(filters=kit_filter()):
        note(network.attrs.get("Labels"), f"network {network.name}")
    for volume in client.volumes.list(filters=kit_filter()):
        note(volume.attrs.get("Labels"), f"volume {volume.name}")
    return left


def pytest_sessionstart(session):
    from dockerlab.baseimage import BUSYBOX_IMAGE

    client = _engine_client()
    session.config._dockerlab_client = client
    if client is None:
        return
    session.config._dockerlab_unlabelled = _unlabelled(client)
    session.config._dockerlab_had_base = bool(client.images.list(name=BUSYBOX_IMAGE))


def _remove_base_image_if_built_by_this_run(config, client) -> None:
    import docker.errors

    from dockerlab.baseimage import BUSYBOX_IMAGE

    if config._dockerlab_had_base:
        return
    try:
        client.images.remove(BUSYBOX_IMAGE)
    except docker.errors.APIError:
        pass  # absent, or something outside the run still builds on it: leave it


def pytest_sessionfinish(session, exitstatus):
    client = getattr(session.config, "_dockerlab_client", None)
    if client is None:
        return
    from dockerlab.cleanup import clean_session

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    problems = []
    left = _sessions_left_by_this_run(client)
    if left:
        problems.append(f"objects left behind by this run's sessions: {left}")
        for session_id in left:  # remove them anyway: the run leaves no trace
            clean_session(client, session_id)
    missing = session.config._dockerlab_unlabelled - _unlabelled(client)
    if missing:
        problems.append(f"unlabelled objects that existed before the run are gone: {missing}")
    _remove_base_image_if_built_by_this_run(session.config, client)
    reporter.write_line("")
    if problems:
        reporter.write_line("dockerlab leak check FAILED: " + "; ".join(problems), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        reporter.write_line("dockerlab leak check: nothing left behind, unlabelled objects "
                            "untouched.", green=True)
