"""Building an image step by step, and seeing which steps the build cache answered.

Similar to ``docker build -t TAG .``: with BuildKit (Docker's builder since Engine 23.0)
when a client for it is found, otherwise with the classic builder, as Docker chooses::

    result = build(lab, "FROM dockerlab/busybox\\nRUN echo hi > /hi\\n", tag="demo:1")
    result.builder                 # "BuildKit" (or "classic": see describe_builder())
    result.steps[1].cached, result.steps[1].duration, result.steps[1].output
    result.steps[1].size           # the layer the step made (its build cache record)
    build(lab, same_dockerfile, tag="demo:1").cached_count   # every step, from the cache

``builder="auto"`` (the default) picks BuildKit when :func:`dockerlab.engine.clis.
find_buildkit` finds a CLI that drives it, ``"buildkit"`` insists on it, ``"classic"`` uses the
engine's classic builder (the one section of notebook 02 that compares them).

With BuildKit a step is a vertex of the build graph (:mod:`dockerlab.images.progress`):
cached or ran, how long, what it printed; the layer it made is its build cache record
(:mod:`dockerlab.images.build_cache`). Stages the target does not need never run
(:attr:`BuildResult.skipped_stages`). ``FROM`` only names local images (the kit never pulls:
a missing base is :class:`~dockerlab.errors.ImageMissing`). Every image carries the session's
labels. A failure raises :class:`~dockerlab.errors.BuildFailed` (:mod:`dockerlab.images.
failures`), and leaves no container or image behind.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..engine import clis
from ..errors import BuildFailed, ImageMissing
from . import build_cache, buildkit, failures
from .classic import (
    SIZE_MEANING,
    StepParser,
    _client,
    classic_build,
    failed_step_error,
    kit_step_count,
    make_context,
)
from .progress import PlainParser, RawJSONParser
from .steps import KIT_LABEL, BuildResult, BuildStep

__all__ = ["KIT_LABEL", "SIZE_MEANING", "BuildResult", "BuildStep", "StepParser", "build",
           "choose_builder", "describe_builder", "failed_step_error", "kit_step_count",
           "make_context"]

BUILDERS = ("auto", "buildkit", "classic")
#: options of the classic ``POST /build`` the BuildKit path understands too
_BUILDKIT_OPTIONS = {"network_mode", "target", "buildargs", "labels", "dockerfile", "pull",
                     "rm", "forcerm"}


def choose_builder(builder: str = "auto") -> tuple[str, clis.BuildKitClient | None, str]:
    """``("BuildKit", client, "")`` or ``("classic", None, why)``, as Docker would choose."""
    if builder not in BUILDERS:
        raise ValueError(f"builder must be one of {', '.join(BUILDERS)}, not {builder!r}")
    if builder == "classic":
        return "classic", None, "asked for"
    client, why = clis.find_buildkit()
    if client is not None:
        return "BuildKit", client, ""
    if builder == "buildkit":
        raise BuildFailed(f"No client for BuildKit was found here: {why}.",
                          "Install the docker CLI's buildx plugin (Debian: docker-buildx), or "
                          "build with builder=\"classic\".")
    return "classic", None, why


def describe_builder(builder: str = "auto") -> str:
    """One line: which builder ``build`` uses here, and through what."""
    name, client, why = choose_builder(builder)
    if client is not None:
        return f"Builds use BuildKit, through {client.describe()}."
    return f"Builds use the classic builder ({why})."


def build(lab_or_client, dockerfile: str, files: dict[str, str | bytes] | None = None, *,
          tag: str | None = None, on_step: Callable[[BuildStep], None] | None = None,
          on_line: Callable[[str], None] | None = None, nocache: bool = False,
          builder: str = "auto", **kwargs) -> BuildResult:
    """Build ``dockerfile`` (its text, or a directory holding a Dockerfile and its context)
    with ``files`` as its context; similar to ``docker build -t TAG .``.

    ``on_step(step)`` is called whenever a step starts, hits the cache or finishes (for a live
    view); ``on_line(text)`` for each log line. Raises :class:`BuildFailed` when a step fails
    or the Dockerfile is wrong; nothing from the failed build is left in the engine.
    """
    if os.path.isdir(str(dockerfile)):
        dockerfile, files = _read_directory(Path(dockerfile), files)
    name, client, _ = choose_builder(builder)
    if name == "classic":
        return classic_build(lab_or_client, dockerfile, files, tag=tag, on_step=on_step,
                             on_line=on_line, nocache=nocache, **kwargs)
    unknown = set(kwargs) - _BUILDKIT_OPTIONS
    if unknown:
        raise TypeError(f"build(builder='buildkit') does not take {', '.join(sorted(unknown))}")
    return _buildkit_build(_client(lab_or_client), client, dockerfile, files or {}, tag=tag,
                           on_step=on_step, on_line=on_line, nocache=nocache, **kwargs)


def _read_directory(directory: Path, files) -> tuple[str, dict]:
    read = {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}
    dockerfile = read.pop("Dockerfile", b"").decode()
    return dockerfile, {**read, **(files or {})}


def _buildkit_build(docker_client, cli: clis.BuildKitClient, dockerfile: str,
                    files: dict, *, tag, on_step, on_line, nocache, network_mode=None,
                    target=None, buildargs=None, labels=None, dockerfile_name=None,
                    **ignored) -> BuildResult:
    began = time.monotonic()
    stages = failures.stage_names(dockerfile)
    _check_sources(docker_client, dockerfile, stages, target, buildargs)
    args = dict(tag=tag, progress=cli.progress, labels=_labels(docker_client, labels),
                nocache=nocache, target=target, network_mode=network_mode, buildargs=buildargs)
    run = _BuildKitRun(docker_client, cli, dockerfile, files, args)
    status, parser, image_id, after = run.once(on_step, on_line)
    if status != 0 and failures.is_snapshot_race(parser.failed_step, parser.other + parser.log):
        retried = (f"The engine lost a layer while unpacking (a known containerd race, "
                   f"{failures.SNAPSHOT_RACE}); the kit built again.")
        _say(on_line, retried)
        status, parser, image_id, after = run.once(on_step, on_line)
        parser.log.insert(0, retried)
        if status != 0 and failures.is_snapshot_race(parser.failed_step,
                                                     parser.other + parser.log):
            raise failures.snapshot_race_twice(parser.other + parser.log)
    if status != 0:
        raise failures.build_failed(parser.failed_step, parser.other + parser.log, status)
    image_id = _resolve(docker_client, tag or image_id, image_id)
    steps = in_dockerfile_order(parser.steps, stages)
    _from_as_written(steps, dockerfile, stages)
    _measure(steps, after)
    return BuildResult(image_id, tag, steps, parser.log, builder="BuildKit",
                       vertices=list(parser.vertices.values()),
                       context_bytes=parser.context_bytes, stages=stages,
                       duration=time.monotonic() - began, client=cli.describe())


class _BuildKitRun:
    """One ``docker buildx build`` of a context, runnable again (see ``is_snapshot_race``)."""

    def __init__(self, docker_client, cli, dockerfile: str, files: dict, args: dict):
        self.docker_client, self.cli, self.args = docker_client, cli, args
        self.dockerfile, self.files = dockerfile, files

    def once(self, on_step, on_line):
        """``(status, parser, image_id, cache records after)``; records what the build added
        to the build cache (the session's cleanup prunes it)."""
        client = self.docker_client
        before = {record.id for record in build_cache.records(client)}
        parser = RawJSONParser() if self.cli.progress == "rawjson" else PlainParser()
        with tempfile.TemporaryDirectory(prefix="dockerlab-build-") as context:
            _write_context(Path(context), self.dockerfile, self.files)
            iidfile = os.path.join(context, ".dockerlab-iid")
            args = buildkit.cli_args(context=os.path.join(context, "ctx"), iidfile=iidfile,
                                     **self.args)
            status = buildkit.run(self.cli, args, _environment(client),
                                  _feeder(parser, on_step, on_line))
            parser.finish()
            image_id = Path(iidfile).read_text().strip() if os.path.exists(iidfile) else ""
        after = build_cache.records(client)
        build_cache.remember(client, before, after)
        return status, parser, image_id, after


def _say(on_line, text: str) -> None:
    if on_line is not None:
        on_line(text)


def _resolve(docker_client, name: str, written: str) -> str:
    """The image's ID as the engine names it. With the containerd image store the ID is the
    manifest's digest, while ``--iidfile`` may hold the config's: an untagged build is then
    found as the session's newest image."""
    import docker.errors

    api = docker_client.api
    try:
        return api.inspect_image(name)["Id"]
    except docker.errors.ImageNotFound:
        pass
    session = build_cache.session_of(docker_client)
    if session:
        from .. import labels as kit_labels

        listed = api.images(all=True, filters=kit_labels.session_filter(session))
        if listed:
            return max(listed, key=lambda image: image.get("Created", 0))["Id"]
    return written


def _from_as_written(steps: list[BuildStep], dockerfile: str, stages: list[str]) -> None:
    """``FROM`` as the Dockerfile says it: BuildKit names the image its own way
    (``docker.io/dockerlab/busybox:latest``, or without ``:latest`` on Engine 20.10)."""
    lines = [line.strip() for line in dockerfile.splitlines()
             if re.match(r"^\s*FROM\s", line, re.I)]
    order = {stage: index for index, stage in enumerate(stages)}
    for step in steps:
        index = order.get(step.stage.lower(), 0)
        if step.is_from and index < len(lines):
            step.instruction = lines[index]


def in_dockerfile_order(steps: list[BuildStep], stages: list[str]) -> list[BuildStep]:
    """BuildKit reports vertices as they are solved (the last step first); order them as the
    Dockerfile does: stage by stage, step by step."""
    order = {stage: index for index, stage in enumerate(stages)}
    return sorted(steps, key=lambda step: (order.get(step.stage.lower(), 0), step.number))


def _feeder(parser, on_step, on_line):
    def feed(text: str) -> None:
        seen = len(parser.log)
        changed = parser.feed_text(text)
        for line in parser.log[seen:]:
            if on_line is not None:
                on_line(line)
        if on_step is not None:
            for step in dict.fromkeys(changed):
                on_step(step)
    return feed


def _write_context(root: Path, dockerfile: str, files: dict) -> None:
    context = root / "ctx"
    context.mkdir()
    for name, content in {"Dockerfile": dockerfile, **files}.items():
        path = context / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else bytes(content))


def _labels(docker_client, extra: dict | None) -> dict:
    policy = getattr(docker_client, "policy", None) or getattr(docker_client.api, "policy",
                                                               None)
    return {**(extra or {}), **(getattr(policy, "labels", None) or {})}


def _environment(docker_client) -> dict:
    from ..engine.raw import endpoint_of

    return endpoint_of(docker_client).cli_environment()


def _check_sources(docker_client, dockerfile: str, stages: list[str], target, buildargs):
    """Every ``FROM`` image local, every ``COPY --from`` a stage or a local image, the
    target a stage: BuildKit would otherwise try a registry for the name."""
    from ..engine.guard import base_images_of

    api = docker_client.api
    for base in base_images_of(dockerfile, buildargs):
        _require(api, base)
    for source in failures.copy_sources(dockerfile):
        if source.lower() in stages or (source.isdigit() and int(source) < len(stages)):
            continue
        try:
            _require(api, source)
        except ImageMissing:
            raise failures.unknown_stage(source, stages) from None
    if target and target.lower() not in stages:
        raise failures.unknown_stage(target, stages, target=True)


def _require(api, image: str) -> None:
    if hasattr(api, "require_image"):
        api.require_image(image)
        return
    import docker.errors

    try:
        api.inspect_image(image)
    except docker.errors.ImageNotFound:
        raise ImageMissing(f"The image '{image}' is not in this engine's local image store, "
                           "and the kit does not pull images behind your back.",
                           "Build it first (`dockerlab base-images` makes the kit's own).") \
            from None


def _record_names(step: BuildStep) -> list[str]:
    """What BuildKit calls a step's cache record: the step's own name, or for a ``RUN`` the
    mount its command wrote (``mount / from exec /bin/sh -c CMD``)."""
    names = [f"[{step.stage + ' ' if step.stage else ''}{step.number}/{step.total}] "
             f"{step.instruction}"]
    if step.keyword == "RUN":
        command = re.sub(r"^RUN\s+(?:--\S+\s+)*", "", step.instruction, flags=re.I)
        try:
            words = json.loads(command) if command.startswith("[") else None
        except ValueError:
            words = None
        names.append("mount / from exec " + (" ".join(words) if isinstance(words, list)
                                             else f"/bin/sh -c {command}"))
    return names


def _measure(steps: list[BuildStep], records: list[build_cache.CacheRecord]) -> None:
    """Each step's layer: its build cache record (size), or none."""
    for step in steps:
        if step.is_from:
            continue
        found = [build_cache.record_for(records, name) for name in _record_names(step)]
        record = next((record for record in found if record is not None), None)
        step.made_layer = record is not None
        step.size = record.size if record is not None else 0
