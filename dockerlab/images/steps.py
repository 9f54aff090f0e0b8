"""One build as a list of steps: what each step was, whether the cache answered it, what it
printed, how long it took and what layer it made; the build's totals.

Both builders end up here: the classic builder's ``Step N/M`` stream
(:mod:`dockerlab.images.classic`) and BuildKit's vertices (:mod:`dockerlab.images.progress`).
With BuildKit a step is a vertex of the build graph named like ``[stage-0 2/4] RUN ...``;
``[internal] ...`` vertices (loading the Dockerfile, the build context) and ``exporting to
image`` are kept in :attr:`BuildResult.vertices` but are not steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import human_size

#: the labels the kit adds to every build (see :mod:`dockerlab.labels`); the classic builder
#: turns them into extra ``LABEL`` steps, BuildKit into nothing but the image's labels
KIT_LABEL = re.compile(r"^LABEL io\.dockerlab\.(kit|session|notebook|base|base-version)=", re.I)


@dataclass(eq=False)  # a step is itself: hashable, compared by identity
class BuildStep:
    """One Dockerfile step as the build ran it."""

    number: int
    total: int
    instruction: str
    cached: bool = False
    container: str = ""   # classic builder: the temporary container the step ran in
    image_id: str = ""    # classic builder: the intermediate image the step left
    output: list[str] = field(default_factory=list)
    started: float = 0.0
    duration: float | None = None
    size: int | None = None  # the size of the layer this step made (None: FROM, or unknown)
    made_layer: bool | None = None  # did this step add a layer? (None: FROM, or unknown)
    failed: bool = False
    stage: str = ""       # BuildKit: the stage the step belongs to ("stage-0", "builder")
    vertex: str = ""      # BuildKit: the vertex digest (the step's cache key)
    inputs: list[str] = field(default_factory=list)  # BuildKit: the vertices it depends on
    finished: bool = False
    error: str = ""

    @property
    def kit(self) -> bool:
        """True for the ``LABEL io.dockerlab.*`` steps the kit appended (classic builder)."""
        return bool(KIT_LABEL.match(self.instruction))

    @property
    def done(self) -> bool:
        return bool(self.image_id) or self.failed or self.finished

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if not self.done:
            return "running"
        if self.is_from:
            return "base"
        return "cached" if self.cached else "ran"

    @property
    def keyword(self) -> str:
        return self.instruction.split(maxsplit=1)[0].upper() if self.instruction else ""

    @property
    def is_from(self) -> bool:
        return self.keyword == "FROM"

    @property
    def layer_text(self) -> str:
        """``"20.5 kB"`` for a layer, ``"no layer"`` for a step that made none, ``""``."""
        if self.made_layer is False:
            return "no layer"
        return "" if self.size is None else human_size(self.size)

    def row(self) -> dict:
        """This step as a table row (what the build playground shows)."""
        return {"step": self.number, "stage": self.stage, "instruction": self.instruction,
                "status": self.status,
                "cache": "hit" if self.cached else ("" if self.is_from else "miss"),
                "seconds": None if self.duration is None else round(self.duration, 2),
                "layer": self.layer_text,
                "image": self.image_id[:12]}


@dataclass
class BuildResult:
    """A finished build: the image, every step, and the whole log."""

    image_id: str
    tag: str | None
    steps: list[BuildStep]
    log: list[str]
    builder: str = "classic"       # "BuildKit" or "classic"
    vertices: list[dict] = field(default_factory=list)  # BuildKit: every vertex, internal too
    context_bytes: int | None = None  # BuildKit: the build context's bytes sent to the engine
    stages: list[str] = field(default_factory=list)  # the Dockerfile's stages, in order
    duration: float | None = None
    client: str = ""                # how the build was driven ("docker buildx 0.13.1"...)

    @property
    def learner_steps(self) -> list[BuildStep]:
        """The Dockerfile's own steps (the kit's appended LABEL steps left out)."""
        return [step for step in self.steps if not step.kit]

    @property
    def cached_count(self) -> int:
        """How many of the learner's steps (FROM excluded) came from the cache."""
        return sum(1 for step in self._cacheable() if step.cached)

    @property
    def ran_count(self) -> int:
        """How many of the learner's steps (FROM excluded) really ran."""
        return sum(1 for step in self._cacheable() if not step.cached)

    def _cacheable(self) -> list[BuildStep]:
        return [s for s in self.learner_steps if not s.is_from]

    @property
    def built_stages(self) -> list[str]:
        """The stages that had at least one step in this build (BuildKit)."""
        return list(dict.fromkeys(step.stage for step in self.steps if step.stage))

    @property
    def skipped_stages(self) -> list[str]:
        """Stages of the Dockerfile this build never ran: BuildKit builds only what the
        target needs (the classic builder runs every stage: always ``[]`` there)."""
        if self.builder != "BuildKit" or len(self.stages) < 2:
            return []
        built = set(self.built_stages)
        return [stage for stage in self.stages if stage not in built]

    def step(self, text: str) -> BuildStep:
        """The first step whose instruction contains ``text``."""
        for step in self.steps:
            if text in step.instruction:
                return step
        raise KeyError(f"no step of this build contains {text!r}")

    def table(self, include_kit: bool = False) -> list[dict]:
        return [step.row() for step in (self.steps if include_kit else self.learner_steps)]

    def summary(self) -> str:
        """One line: builder, steps, cache hits, seconds."""
        took = "" if self.duration is None else f" in {self.duration:.1f} s"
        return (f"{self.builder}: {len(self.learner_steps)} steps, {self.cached_count} from "
                f"the cache, {self.ran_count} ran{took}")

    def __repr__(self) -> str:
        return (f"<BuildResult {self.tag or self.image_id[:19]} ({self.builder}): "
                f"{len(self.learner_steps)} steps, {self.cached_count} cached, "
                f"{self.ran_count} ran>")
