"""The classic builder (``builder="classic"``): the engine's ``POST /build``, step by step.

Similar to ``DOCKER_BUILDKIT=0 docker build -t TAG .``, whose output this module reads::

    Step 2/5 : RUN apk add curl          <- a step starts: its instruction
     ---> Using cache                    <- ... answered by the cache (no container ran)
     ---> Running in 3f2a1c9d8e7b        <- ... or run in a temporary container
    fetch https://...                    <- what the step printed
    Removing intermediate container 3f2a1c9d8e7b      (Engine 23 and later:
                                                       " ---> Removed intermediate ...")
     ---> 9c1e44b0a2d3                   <- the image this step made: the next step's parent

Whether a step made a layer is read from the images themselves (one more entry in
``RootFS.Layers`` than its parent). Its size is the engine's own figure, the ``SIZE`` column
of ``docker history``: with the classic image store the bytes of the files in the layer,
with the containerd image store the disk space of the layer's snapshot (whole file-system
blocks, directories included), so the same step can show ``20.5 kB`` on one engine and
``32.8 kB`` on the other. A step that made no layer (``CMD``, ``LABEL``...) shows 0 on both.

The kit adds its labels to every build (see :mod:`dockerlab.engine.guard`); the classic builder
turns them into extra ``LABEL io.dockerlab.*`` steps at the end. They are marked ``kit=True``
and left out of the learner's step count.

A failing step raises :class:`~dockerlab.errors.BuildFailed` with the step, its output and the
daemon's message. The failed build's temporary container is removed by the engine (the kit
always builds with ``forcerm``) and the intermediate images it had just made are removed by
the kit, so nothing is left behind.
"""

from __future__ import annotations

import io
import re
import tarfile
import time
from collections.abc import Callable

from ..errors import BuildFailed, DockerLabError, translate
from .steps import BuildResult, BuildStep

#: what a step's ``size`` counts, per image store (see the module's docstring)
SIZE_MEANING = {
    "classic": "the bytes of the files in each layer (directories count 0)",
    "containerd": "the disk space of each layer's snapshot (whole file-system blocks, "
                  "directories included)",
}

_STEP = re.compile(r"^Step (?P<n>\d+)/(?P<total>\d+) : (?P<instruction>.*)$")
_CACHE = re.compile(r"^ ---> Using cache\s*$")
_RUNNING = re.compile(r"^ ---> Running in (?P<container>[0-9a-f]+)\s*$")
_RESULT = re.compile(r"^ ---> (?P<image>[0-9a-f]{12,64})\s*$")
_REMOVING = re.compile(r"^(?: ---> )?Remov(?:ing|ed) intermediate container [0-9a-f]+\s*$")
_DONE = re.compile(r"^Successfully (built|tagged) ")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class StepParser:
    """Turn the classic builder's JSON stream into :class:`BuildStep` objects (pure).

    Feed each decoded item (``{"stream": ...}``, ``{"aux": ...}``, ``{"error": ...}``) to
    :meth:`feed`; it returns the step the item changed (or None).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, kit_steps: int = 0):
        self.clock = clock
        self.kit_steps = kit_steps  # LABEL steps the kit appends: left out of "Step N/M"
        self.steps: list[BuildStep] = []
        self.log: list[str] = []
        self.image_id = ""
        self.error = ""
        self._partial = ""

    @property
    def current(self) -> BuildStep | None:
        return self.steps[-1] if self.steps else None

    def feed(self, item: dict) -> BuildStep | None:
        if "error" in item or "errorDetail" in item:
            detail = item.get("errorDetail") or {}
            self.error = _ANSI.sub("", detail.get("message") or item.get("error") or "").strip()
            if self.current is not None and not self.current.image_id:
                self.current.failed = True
                self._finish(self.current)
            return self.current
        if "aux" in item:
            self.image_id = (item["aux"] or {}).get("ID", self.image_id)
            return None
        changed = None
        text = self._partial + _ANSI.sub("", item.get("stream") or "")
        lines = text.split("\n")
        self._partial = lines.pop()  # "Step N/M : ..." comes first, its newline right after
        for line in lines:
            changed = self._line(line) or changed
        return changed

    def _line(self, line: str) -> BuildStep | None:
        if not line.strip():
            return None
        self.log.append(line)
        step = self.current
        if match := _STEP.match(line):
            if step is not None and not step.done:
                self._finish(step)
            total = max(int(match["total"]) - self.kit_steps, 1)
            self.steps.append(BuildStep(int(match["n"]), total,
                                        match["instruction"].strip(), started=self.clock()))
            return self.current
        if step is None or step.done:
            return None
        if _CACHE.match(line):
            step.cached = True
        elif match := _RUNNING.match(line):
            step.container = match["container"]
        elif match := _RESULT.match(line):
            step.image_id = match["image"]
            self._finish(step)
        elif not _REMOVING.match(line) and not _DONE.match(line):
            step.output.append(line)
        return step

    def _finish(self, step: BuildStep) -> None:
        if step.duration is None:
            step.duration = max(0.0, self.clock() - step.started)


# --- the build context ----------------------------------------------------------------------


def make_context(dockerfile: str, files: dict[str, str | bytes] | None = None) -> io.BytesIO:
    """A build context tar in memory: the Dockerfile plus small files (name -> content)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in {"Dockerfile": dockerfile, **(files or {})}.items():
            data = content.encode() if isinstance(content, str) else bytes(content)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


# --- building ------------------------------------------------------------------------------


def _client(lab_or_client):
    return getattr(lab_or_client, "client", lab_or_client)


class _Sizer:
    """What a step's image adds: a layer or not (``RootFS.Layers`` against its parent's),
    and that layer's size as ``docker history`` reports it (the image's newest entry)."""

    def __init__(self, api):
        self.api = api
        self.cache: dict[str, dict] = {}

    def attrs(self, image: str) -> dict:
        if image not in self.cache:
            self.cache[image] = self.api.inspect_image(image)
        return self.cache[image]

    def measure(self, step: BuildStep) -> None:
        """Fill in ``step.made_layer`` and ``step.size``; unknown stays None."""
        try:
            attrs = self.attrs(step.image_id)
            parent = attrs.get("Parent")
            if parent:
                step.made_layer = len(attrs["RootFS"]["Layers"]) > \
                    len(self.attrs(parent)["RootFS"]["Layers"])
            step.size = int(self.api.history(step.image_id)[0]["Size"])
        except Exception:  # noqa: BLE001 - a size is a nicety, never a reason to fail
            return


def classic_build(lab_or_client, dockerfile: str, files: dict[str, str | bytes] | None = None, *,
          tag: str | None = None, on_step: Callable[[BuildStep], None] | None = None,
          on_line: Callable[[str], None] | None = None, nocache: bool = False,
          **kwargs) -> BuildResult:
    """Build ``dockerfile`` with the classic builder; similar to ``DOCKER_BUILDKIT=0 docker build``.

    ``on_step(step)`` is called whenever a step starts, hits the cache or finishes (for a live
    view); ``on_line(text)`` for each log line. Raises :class:`BuildFailed` when a step fails
    or the Dockerfile is wrong; nothing from the failed build is left in the engine.
    """
    began = time.monotonic()
    client = _client(lab_or_client)
    parser = StepParser(kit_steps=kit_step_count(client))
    sizer = _Sizer(client.api)
    try:
        stream = client.api.build(fileobj=make_context(dockerfile, files), custom_context=True,
                                  tag=tag, decode=True, rm=True, forcerm=True, nocache=nocache,
                                  **kwargs)
        for item in stream:
            seen = len(parser.log)
            step = parser.feed(item)
            for line in parser.log[seen:]:
                if on_line is not None:
                    on_line(line)
            if step is not None and step.image_id and step.size is None and not step.is_from:
                sizer.measure(step)
            if step is not None and on_step is not None:
                on_step(step)
    except DockerLabError:
        raise
    except Exception as error:
        raise _build_error(error) from None
    if parser.error:
        _remove_new_images(client, parser.steps)
        raise failed_step_error(parser)
    return BuildResult(parser.image_id or (parser.current.image_id if parser.current else ""),
                       tag, parser.steps, parser.log, builder="classic",
                       duration=time.monotonic() - began, client="the engine's POST /build")


def kit_step_count(client) -> int:
    """How many ``LABEL`` steps the kit's guard appends to a build (0 for a plain client)."""
    policy = getattr(client, "policy", None) or getattr(client.api, "policy", None)
    return len(getattr(policy, "labels", None) or {})


def _build_error(error: Exception) -> DockerLabError:
    """A Dockerfile the daemon refused before any step ran (syntax error...)."""
    translated = translate(error)
    if isinstance(translated, BuildFailed):  # the mapper's DockerfileInvalid (errors helper)
        return translated
    text = translated.message
    if "parse error" in text or "unknown instruction" in text or "Dockerfile" in text:
        detail = re.sub(r"^The engine refused the request: ", "", text).rstrip(".")
        return BuildFailed(f"The Dockerfile has a syntax error: {detail}.",
                           "Fix the line it names (instructions are words like FROM, RUN, "
                           "COPY, CMD), then build again. No step ran, nothing was created.")
    return translated


def failed_step_error(parser: StepParser) -> BuildFailed:
    """The error for a failing step: which step, what it printed, what the daemon said."""
    step = parser.current
    where = f"Step {step.number}/{step.total} `{step.instruction}`" if step else "The build"
    output = "\n".join(step.output[-20:]) if step else ""
    printed = f" It printed:\n{output}\n" if output else " "
    advice = "Fix that step and build again."
    if "COPY failed" in parser.error or "ADD failed" in parser.error:
        advice = ("The file is not in the build context: add it to the context (the `files` "
                  "you pass to build), or fix the name in the Dockerfile.")
    elif "returned a non-zero code" in parser.error:
        advice = ("The command in that step failed inside its temporary container: read what "
                  "it printed, fix the command, and build again.")
    return BuildFailed(f"{where} failed.{printed}The daemon said: {parser.error}", advice,
                       step=step.instruction if step else "", output=output)


def _remove_new_images(client, steps: list[BuildStep]) -> None:
    """Remove the intermediate images a failed build made (newest first), never cached ones."""
    for step in reversed(steps):
        if step.image_id and not step.cached and not step.is_from:
            try:
                client.api.remove_image(step.image_id, noprune=True)
            except Exception:  # noqa: BLE001 - still used by another image: it stays
                pass
