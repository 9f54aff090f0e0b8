"""Suite-wide guard rails (root conftest, so notebooks under nbval are covered too).

- Every session the run opens is named with one prefix (``DOCKERLAB_SESSION_PREFIX``), which
  notebook kernels inherit, so the run can find exactly what it created.
- At the end, any object left by the run's sessions fails the run (and is removed), and every
  object that existed without the kit's labels before the run must still exist.
- Objects of the kit that belong to no session (the base image) are removed at the end when
  this run created them.
- Every test that needs the engine carries the ``engine`` marker, by folder: integration,
  exercises, browser tests and the notebooks. A unit test that asks for an engine fixture
  is a usage error (unit tests are pure logic), so ``pytest -m "not engine"`` runs anywhere.
"""

from __future__ import annotations

import os
import secrets

import pytest

RUN_PREFIX = f"t{secrets.token_hex(3)}-"
os.environ.setdefault("DOCKERLAB_SESSION_PREFIX", RUN_PREFIX)


ENGINE_FOLDERS = ("tests/integration", "tests/exercises", "tests/browser", "notebooks")
ENGINE_FIXTURES = {"engine_location", "lab", "module_lab"}


def _folder_of(item) -> str:
    return os.path.relpath(str(item.path), os.path.dirname(__file__))


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = _folder_of(item)
        if folder.startswith(ENGINE_FOLDERS):
            item.add_marker(pytest.mark.engine)
        elif ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            raise pytest.UsageError(f"{item.nodeid} is a unit test but asks for the engine "
                                    "(move it to tests/integration)")


def _engine_client():
    from dockerlab.engine.locate import connect, find_engine
    from dockerlab.errors import DockerLabError

    try:
        return connect(find_engine(), timeout=60)
    except DockerLabError:
        return None


def _listed(client) -> list[tuple[str, str, dict]]:
    """(kind, id, labels) of every container, image, network and volume, one request each
    (raw lists: nothing is inspected one by one, so objects removed meanwhile do not matter)."""
    api = client.api
    found = [("container", c["Id"], c.get("Labels")) for c in api.containers(all=True)]
    found += [("image", i["Id"], i.get("Labels")) for i in api.images()]
    found += [("network", n["Id"], n.get("Labels")) for n in api.networks()]
    found += [("volume", v["Name"], v.get("Labels"))
              for v in api.volumes().get("Volumes") or []]
    return [(kind, ident, labels or {}) for kind, ident, labels in found]


def _unlabelled(client) -> set[tuple[str, str]]:
    from dockerlab.labels import KIT

    return {(kind, ident) for kind, ident, labels in _listed(client) if KIT not in labels}


def _sessionless_kit_objects(client) -> set[tuple[str, str]]:
    """Kit objects that belong to no session (the base images, for instance)."""
    from dockerlab.labels import KIT, SESSION

    return {(kind, ident) for kind, ident, labels in _listed(client)
            if KIT in labels and SESSION not in labels}


def _sessions_left_by_this_run(client) -> dict[str, list[str]]:
    """Session id -> the objects it still has, for this run's sessions only."""
    from dockerlab.labels import SESSION

    prefix = os.environ["DOCKERLAB_SESSION_PREFIX"]
    left: dict[str, list[str]] = {}
    for kind, ident, labels in _listed(client):
        session = labels.get(SESSION, "")
        if session.startswith(prefix):
            left.setdefault(session, []).append(f"{kind} {ident[:19]}")
    return left


def pytest_sessionstart(session):
    client = _engine_client()
    session.config._dockerlab_client = client
    if client is None:
        return
    session.config._dockerlab_unlabelled = _unlabelled(client)
    session.config._dockerlab_sessionless = _sessionless_kit_objects(client)


def _remove_sessionless_objects_added(config, client) -> None:
    """Remove the kit's session-less objects this run created (the base image it had to
    build, for one); what existed before the run stays."""
    import docker.errors

    added = _sessionless_kit_objects(client) - config._dockerlab_sessionless
    for kind, ident in sorted(added, key=lambda item: item[0] != "container"):
        try:
            if kind == "image":
                client.images.remove(ident, force=True)
            elif kind == "container":
                client.api.remove_container(ident, force=True, v=True)
            elif kind == "network":
                client.api.remove_network(ident)
            else:
                client.api.remove_volume(ident, force=True)
        except docker.errors.APIError:
            pass  # gone meanwhile, or held by something outside the run: reported below
    from dockerlab.cleanup import prune_dangling_kit_images

    prune_dangling_kit_images(client)  # the steps of a removed base image (containerd store)


def pytest_sessionfinish(session, exitstatus):
    client = getattr(session.config, "_dockerlab_client", None)
    if client is None:
        return
    try:
        _check_leaks(session, client)
    finally:
        client.close()


def _check_leaks(session, client) -> None:
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
    _remove_sessionless_objects_added(session.config, client)
    added = _sessionless_kit_objects(client) - session.config._dockerlab_sessionless
    if added:
        problems.append(f"kit objects outside any session left by this run: {sorted(added)}")
    reporter.write_line("")
    if problems:
        reporter.write_line("dockerlab leak check FAILED: " + "; ".join(problems), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        reporter.write_line("dockerlab leak check: nothing left behind, unlabelled objects "
                            "untouched.", green=True)
