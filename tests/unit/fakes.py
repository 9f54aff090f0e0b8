"""One fake Docker engine for the unit tests (pure logic only; the real engine is for the rest).

A :class:`FakeEngine` holds what an engine would know, as plain data, and answers the few
calls the kit's pure logic makes, shaped like docker-py:

- ``engine.client`` looks like ``docker.DockerClient``: ``client.api`` (the low-level
  ``APIClient``: ``build``, ``inspect_image``, ``history``, ``remove_image``, ``images``,
  ``get_image``, ``prune_volumes``, ``api_version``), ``client.events(...)`` and
  ``client.containers.list(...)``;
- ``FakeLab(engine)`` looks like a :class:`dockerlab.lab.Lab` to helpers taking ``lab``
  (``session``, ``labels``, ``base_image``, ``client``, ``explain``).

Every call is recorded in ``engine.calls`` (``engine.asked(name)`` is the last one's
arguments), so a test can check what the kit asked for, not only what it did with the
answer. What the real engine refuses, the fake refuses with the same docker-py error (an
unknown image is ``docker.errors.ImageNotFound``), so the kit's error paths are exercised too.
It never pretends to run a container: anything that needs one is an integration test.

Example::

    engine = FakeEngine(images=[image("f33672bb105e", layers=1, tags=["busybox:1"])])
    engine.build_stream = [{"stream": "Step 1/1 : FROM busybox:1\\n"}, ...]
    result = build(engine.client, "FROM busybox:1\\n")
    assert engine.asked("build")["forcerm"]
"""

from __future__ import annotations

import contextlib
import queue
from types import SimpleNamespace

import docker.errors

from dockerlab import labels
from dockerlab.errors import DockerLabError


def image(image_id: str, layers: int | list[str] = 1, *, parent: str = "",
          tags: list[str] | None = None, size: int = 0) -> dict:
    """An image as ``docker image inspect`` shows it (only the keys the kit reads).

    ``layers`` is a count (made-up diff IDs) or the diff IDs themselves; ``size`` is what
    ``docker history`` says the image's newest step added.
    """
    diff_ids = layers if isinstance(layers, list) else [f"sha256:{n}" for n in range(layers)]
    return {"Id": image_id, "Parent": parent, "RepoTags": list(tags or []),
            "RootFS": {"Type": "layers", "Layers": list(diff_ids)}, "Size": size}


def image_not_found(name: str) -> docker.errors.ImageNotFound:
    """The engine's 404 for an image it does not have, as docker-py raises it."""
    response = SimpleNamespace(status_code=404, reason="Not Found", url="fake://engine")
    return docker.errors.ImageNotFound(f"404 Client Error: Not Found ({name})",
                                       response=response, explanation=f"No such image: {name}")


class EventStream:
    """``GET /events`` as docker-py returns it: blocks until an event comes or it is closed
    (from any thread); with ``error``, the connection breaks as soon as it is read."""

    def __init__(self, error: BaseException | None = None):
        self.items: queue.Queue = queue.Queue()
        self.closed = False
        self.error = error

    def emit(self, *items: dict) -> None:
        for item in items:
            self.items.put(item)

    def __iter__(self):
        if self.error is not None:
            raise self.error
        while True:
            item = self.items.get()
            if item is None:
                return
            yield item

    def close(self) -> None:
        self.closed = True
        self.items.put(None)


class FakeAPI:
    """The low-level ``APIClient`` calls the kit's pure logic makes, answered from the engine."""

    def __init__(self, engine: FakeEngine):
        self.engine = engine

    @property
    def api_version(self) -> str:
        return self.engine.api_version

    def build(self, **kwargs):
        self.engine.record("build", **kwargs)
        if self.engine.build_error is not None:
            raise self.engine.build_error
        return iter(self.engine.build_stream)

    def inspect_image(self, name: str) -> dict:
        self.engine.record("inspect_image", name=name)
        return self.engine.find_image(name)

    def history(self, name: str) -> list[dict]:
        self.engine.record("history", name=name)
        found = self.engine.find_image(name)
        return [{"Id": found["Id"], "Size": found.get("Size", 0)}]

    def remove_image(self, name: str, noprune: bool = False, force: bool = False) -> None:
        self.engine.record("remove_image", name=name, noprune=noprune, force=force)
        found = self.engine.find_image(name)
        self.engine.images = [i for i in self.engine.images if i is not found]
        self.engine.removed.append(name)

    def images(self, **kwargs) -> list[dict]:
        self.engine.record("images", **kwargs)
        return [{"Id": i["Id"], "RepoTags": i["RepoTags"] or None} for i in self.engine.images]

    def get_image(self, name: str, chunk_size: int | None = 4096):
        """``docker save NAME``: the engine's archive, in chunks like the HTTP response's."""
        self.engine.record("get_image", name=name, chunk_size=chunk_size)
        self.engine.find_image(name)
        archive, size = self.engine.archive, chunk_size or 4096
        return (archive[i:i + size] for i in range(0, len(archive), size))

    def prune_volumes(self, filters: dict | None = None) -> dict:
        """Removes the unused volumes carrying every ``label`` filter (``key=value``)."""
        self.engine.record("prune_volumes", filters=filters)
        wanted = dict(pair.split("=", 1) for pair in (filters or {}).get("label", []))
        gone = [name for name, labels in self.engine.volumes.items()
                if all(labels.get(key) == value for key, value in wanted.items())]
        for name in gone:
            del self.engine.volumes[name]
        return {"VolumesDeleted": gone, "SpaceReclaimed": 0}


class FakeContainers:
    """``client.containers``: listing only (containers here are names and published ports)."""

    def __init__(self, engine: FakeEngine):
        self.engine = engine

    def list(self, all: bool = False, filters: dict | None = None):  # noqa: A002 - docker-py's
        self.engine.record("containers.list", all=all, filters=filters)
        port = (filters or {}).get("publish")
        return [SimpleNamespace(name=name) for name, ports in self.engine.containers.items()
                if port is None or int(port) in ports]


class FakeClient:
    """``docker.DockerClient``: ``api``, ``containers`` and ``events``."""

    def __init__(self, engine: FakeEngine):
        self.engine = engine
        self.api = FakeAPI(engine)
        self.containers = FakeContainers(engine)

    def events(self, **kwargs) -> EventStream:
        self.engine.record("events", **kwargs)
        return self.engine.event_stream


class FakeEngine:
    """What the engine knows: images, containers, volumes, and the streams it would send.

    ``images`` are :func:`image` dicts, found by ID, ID prefix or tag; ``containers`` maps a
    name to the host ports it publishes; ``volumes`` maps a name to its labels;
    ``build_stream`` is the decoded ``POST /build`` stream (or ``build_error`` what the call
    raises); ``archive`` the bytes ``docker save`` sends; ``event_stream`` the ``GET /events``.
    """

    def __init__(self, images=(), *, containers=None, volumes=None, build_stream=(),
                 build_error: BaseException | None = None, archive: bytes = b"",
                 event_stream: EventStream | None = None, api_version: str = "1.41"):
        self.images = list(images)
        self.containers = dict(containers or {})
        self.volumes = dict(volumes or {})
        self.build_stream = list(build_stream)
        self.build_error = build_error
        self.archive = archive
        self.event_stream = event_stream or EventStream()
        self.api_version = api_version
        self.calls: list[tuple[str, dict]] = []
        self.removed: list[str] = []
        self.client = FakeClient(self)

    def record(self, call: str, /, **arguments) -> None:
        self.calls.append((call, arguments))

    def asked(self, name: str) -> dict:
        """The arguments of the last ``name`` call (a test failure if there was none)."""
        for called, arguments in reversed(self.calls):
            if called == name:
                return arguments
        raise AssertionError(f"the kit never called {name}; it called "
                             f"{[called for called, _ in self.calls]}")

    def find_image(self, name: str) -> dict:
        for candidate in self.images:
            if name in candidate["RepoTags"] or name == candidate["Id"] or \
                    (len(name) >= 12 and candidate["Id"].startswith(name)):
                return candidate
        raise image_not_found(name)


class FakeLab:
    """What helpers taking ``lab`` read from a :class:`dockerlab.lab.Lab`.

    ``explain`` maps an SDK error to the kit's: by default a :class:`DockerLabError` keeping
    the error's words (the real mapping is :func:`dockerlab.errors.translate`'s, tested in
    test_errors.py), or ``kind(str(error))`` for another kit class.
    """

    def __init__(self, engine: FakeEngine | None = None, *, session: str = "s-123456",
                 base_image: str = "dockerlab/busybox:latest", kind=DockerLabError):
        self.engine = engine or FakeEngine()
        self.client = self.engine.client
        self.session = session
        self.base_image = base_image
        self.labels = {labels.KIT: labels.KIT_VALUE, labels.SESSION: session}
        self.kind = kind

    def explain(self, error: BaseException) -> DockerLabError:
        return error if isinstance(error, DockerLabError) else self.kind(str(error))

    @contextlib.contextmanager
    def mapped(self, about: str | None = None):
        """As :meth:`dockerlab.lab.Lab.mapped`, with :meth:`explain`'s mapping."""
        try:
            yield
        except DockerLabError:
            raise
        except Exception as error:
            raise self.explain(error) from None
