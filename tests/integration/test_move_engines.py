"""Moving a container for real: from the lab's engine into a private second engine.

Export/import and commit/save/load, each streamed from one engine into the other; then what
survived, looked for in a container on the second engine. Needs root and dockerd.
"""

from __future__ import annotations

import docker.errors
import pytest

from dockerlab import Lab, labels
from dockerlab.engine.facts import image_store_of
from dockerlab.engine.locate import connect
from dockerlab.engine.move import commit_save_load, export_import
from dockerlab.engine.private import PrivateEngine, availability
from dockerlab.engine.survival import GREETING, LABEL, TRACES, compare, traveller

REASON = availability()
pytestmark = [pytest.mark.root,
              pytest.mark.skipif(REASON is not None, reason=f"no private engine: {REASON}")]


CONTAINERD_STORE = {"features": {"containerd-snapshotter": True}}


@pytest.fixture(scope="module")
def private(module_lab):
    """The second engine, with the lab's engine's image store: the classic one, or containerd
    (the containerd-store lane), where import and load write images differently."""
    store = image_store_of(module_lab.client.info())
    engine = PrivateEngine(daemon_config=CONTAINERD_STORE if store == "containerd" else {})
    engine.start()
    assert image_store_of(connect(engine.url).info()) == store
    yield engine
    engine.remove()


@pytest.fixture(scope="module")
def moved(module_lab, private):
    """The traveller on the lab's engine, both moves into the private one, and the survey."""
    destination = Lab("test-move-private", engine=private.location())
    container = traveller(module_lab)
    moves = [export_import(container, destination, "dockerlab/moved:export"),
             commit_save_load(container, module_lab, destination, "dockerlab/moved:commit")]
    survival = compare(container, destination, moves)
    yield destination, moves, survival
    destination.cleanup()


def test_the_file_survives_both_moves_and_the_configuration_only_commit(moved):
    _, _, survival = moved
    assert survival.before[TRACES[0]] == "written before the move"
    assert survival.before["ENV GREETING"] == GREETING
    assert survival.kept(TRACES[0], "export/import") and survival.kept(TRACES[0], "commit/save/load")
    for trace in ("CMD", "ENV GREETING", f"label {LABEL[0]}"):
        assert not survival.kept(trace, "export/import"), survival
        assert survival.kept(trace, "commit/save/load"), survival
    assert survival.after["export/import"]["CMD"] == "(none)"


def test_memory_and_process_never_move(moved):
    _, _, survival = moved
    for how in ("export/import", "commit/save/load"):
        assert not survival.kept("memory (a tmpfs)", how), survival
        assert not survival.kept("the running process", how), survival
    assert survival.after["export/import"]["the running process"] == "cannot start: no CMD"
    assert survival.after["commit/save/load"]["the running process"].startswith("started")


def test_the_moved_images_are_labelled_and_leave_with_the_session(moved, module_lab):
    destination, moves, _ = moved
    imported = destination.client.images.get("dockerlab/moved:export")
    assert imported.labels[labels.SESSION] == destination.session
    loaded = destination.client.images.get("dockerlab/moved:commit")
    assert loaded.labels[labels.KIT] == labels.KIT_VALUE
    assert loaded.labels[labels.SESSION] == module_lab.session  # load keeps the image as it is
    assert all(move.bytes > 100_000 for move in moves)  # busybox itself travelled
    assert "docker export" in moves[0].cli[0] and "docker import" in moves[0].cli[0]
    destination.cleanup()
    for name in ("dockerlab/moved:export", "dockerlab/moved:commit"):
        with pytest.raises(docker.errors.ImageNotFound):
            destination.client.images.get(name)
    assert not destination.containers()
