"""Moving a container between engines: the streams, the CLI shown, and the survival table.

The moves themselves need two engines: tests/integration/test_move_engines.py.
"""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import docker
import pytest

from dockerlab import labels
from dockerlab.engine.guard import GuardedAPIClient, Policy
from dockerlab.engine.move import Move, Stream, commit_save_load, export_import, split_reference
from dockerlab.engine.survival import TRACES, Survival, _count, _short
from dockerlab.errors import TransferFailed

SESSION = labels.session_labels("04-test-abc123", "04_test")


class FakeAPI:
    """The two endpoints a move writes to; each reads the whole stream, as the engine does."""

    def __init__(self, answer=""):
        self.answer = answer
        self.received = b""
        self.asked = {}

    def import_image(self, src, repository, tag, stream_src):
        self.received = b"".join(src)
        self.asked = {"repository": repository, "tag": tag, "stream_src": stream_src}
        return self.answer

    def load_image(self, data):
        self.received = b"".join(data)
        return iter(self.answer)

    def get_image(self, reference, chunk_size):
        self.asked = {"get": reference, "chunk_size": chunk_size}
        return iter([b"a" * 10, b"b" * 5])


class FakeLab:
    def __init__(self, api, url="unix:///run/dockerlab/p/docker.sock"):
        self.client = SimpleNamespace(api=api)
        self.labels = SESSION
        self.location = SimpleNamespace(url=url)
        self.cleanups = []

    def on_cleanup(self, callback):
        self.cleanups.append(callback)

    def explain(self, error):
        raise AssertionError(f"unexpected error: {error!r}")

    @contextlib.contextmanager
    def mapped(self, about=None):
        yield  # an error inside fails the test as it is: none is expected


class FakeContainer:
    name = "traveller"

    def __init__(self):
        self.committed = None

    def export(self, chunk_size):
        return iter([b"x" * 7, b"y" * 3])

    def commit(self, repository, tag):
        self.committed = (repository, tag)


@pytest.mark.parametrize("reference, expected", [
    ("dockerlab/moved:export", ("dockerlab/moved", "export")),
    ("dockerlab/moved", ("dockerlab/moved", "latest")),
    ("localhost:5000/moved", ("localhost:5000/moved", "latest")),
])
def test_split_reference(reference, expected):
    assert split_reference(reference) == expected


def test_a_stream_passes_chunks_through_and_counts_them():
    stream = Stream(iter([b"ab", b"cde"]))
    assert list(stream) == [b"ab", b"cde"]
    assert stream.bytes == 5


def test_export_import_streams_into_the_destination_and_shows_the_cli():
    api = FakeAPI('{"status":"sha256:1234"}\r\n')
    move = export_import(FakeContainer(), FakeLab(api), "dockerlab/moved:export")
    assert api.received == b"x" * 7 + b"y" * 3
    assert api.asked == {"repository": "dockerlab/moved", "tag": "export", "stream_src": True}
    assert (move.how, move.image, move.bytes) == ("export/import", "dockerlab/moved:export", 10)
    assert move.cli[0].startswith("docker export traveller | "
                                  "DOCKER_HOST=unix:///run/dockerlab/p/docker.sock docker import")
    assert 'io.dockerlab.session="04-test-abc123"' in move.cli[0]
    assert move.cli[0].endswith(" - dockerlab/moved:export")
    assert "same as:\n  $ docker export" in str(move)


def test_an_engine_error_inside_the_answer_is_a_failed_transfer():
    api = FakeAPI('{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\n')
    with pytest.raises(TransferFailed, match="unexpected EOF"):
        export_import(FakeContainer(), FakeLab(api), "dockerlab/moved:export")


def test_commit_save_load_commits_streams_and_removes_the_copy_at_cleanup():
    source_api, destination_api = FakeAPI(), FakeAPI([{"stream": "Loaded image: x\n"}])
    container, source, destination = FakeContainer(), FakeLab(source_api), FakeLab(destination_api)
    move = commit_save_load(container, source, destination, "dockerlab/moved:commit")
    assert container.committed == ("dockerlab/moved", "commit")
    assert source_api.asked["get"] == "dockerlab/moved:commit"
    assert destination_api.received == b"a" * 10 + b"b" * 5
    assert move.bytes == 15
    assert move.cli == ["docker commit traveller dockerlab/moved:commit",
                        "docker save dockerlab/moved:commit | DOCKER_HOST=unix:///run/"
                        "dockerlab/p/docker.sock docker load"]
    assert len(destination.cleanups) == 1


def test_a_failed_load_says_so():
    destination = FakeLab(FakeAPI([{"error": "invalid tar header"}]))
    with pytest.raises(TransferFailed, match="load did not arrive.*invalid tar header"):
        commit_save_load(FakeContainer(), FakeLab(FakeAPI()), destination, "a/b:c")


def test_the_guard_labels_an_import(monkeypatch):
    asked = {}

    def import_image(self, src, repository, tag, image, changes, stream_src):
        asked.update(changes=changes, repository=repository)

    monkeypatch.setattr(docker.APIClient, "import_image", import_image)
    api = GuardedAPIClient(Policy(labels=SESSION), base_url="unix:///nonexistent",
                           version="1.45")
    api.import_image(src=iter([b""]), repository="a/b", changes=["ENV A=1"], stream_src=True)
    assert asked["changes"][0] == "ENV A=1"
    assert asked["changes"][1] == ('LABEL io.dockerlab.kit="dockerlab" '
                                   'io.dockerlab.session="04-test-abc123" '
                                   'io.dockerlab.notebook="04_test"')


def survival() -> Survival:
    before = dict(zip(TRACES, ["note", "sh -c loop", "hi", "move", "count 4", "running, count 4"],
                      strict=True))
    imported = dict(zip(TRACES, ["note", "(none)", "(none)", "(none)", "(none)",
                                 "cannot start: no CMD"], strict=True))
    loaded = dict(zip(TRACES, ["note", "sh -c loop", "hi", "move", "(none)", "started, count 1"],
                      strict=True))
    return Survival(before, {"export/import": imported, "commit/save/load": loaded})


def test_what_survived_each_move():
    found = survival()
    kept = {how: [trace for trace in TRACES if found.kept(trace, how)] for how in found.after}
    assert kept == {"export/import": [TRACES[0]], "commit/save/load": list(TRACES[:4])}


def test_a_process_that_carried_on_counting_would_count_as_kept():
    found = survival()
    found.after["commit/save/load"]["the running process"] = "started, count 5"
    assert found.kept("the running process", "commit/save/load")


def test_the_survival_table_has_one_row_per_trace_and_one_column_per_move():
    lines = str(survival()).splitlines()
    assert lines[0].split() == ["before", "the", "move", "export/import", "commit/save/load"]
    assert [line.split("  ")[0] for line in lines[1:]] == list(TRACES)
    assert "cannot start: no CMD" in lines[-1]


def test_counts_and_short_cells():
    assert _count("running, count 12") == 12
    assert _count("(none)") is None
    assert _short("x" * 40) == "x" * 25 + "..."
    assert str(Move("export/import", "a/b:c", 2_500_000, ["docker x"])).startswith(
        "export/import: 2.5 MB streamed, arrived as a/b:c\nsame as:\n  $ docker x")


def test_removing_a_moved_copy_is_quiet_when_it_is_gone_and_explained_when_the_engine_is():
    from dockerlab.engine.move import remove_image_quietly
    from dockerlab.errors import EngineUnreachable

    class Images:
        def __init__(self, error):
            self.error = error

        def remove(self, reference, force):
            raise self.error

    gone = FakeLab(FakeAPI())
    gone.client.images = Images(docker.errors.ImageNotFound("No such image: a/b:c"))
    remove_image_quietly(gone, "a/b:c")
    stopped = FakeLab(FakeAPI())
    stopped.client.images = Images(ConnectionError("No such file or directory"))
    stopped.explain = lambda error: EngineUnreachable(f"did not answer ({error})", "start it")
    with pytest.raises(EngineUnreachable, match="did not answer"):
        remove_image_quietly(stopped, "a/b:c")
