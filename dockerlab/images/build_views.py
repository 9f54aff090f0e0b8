"""What notebook 02 shows of a build: the step table, the graph, sizes, the cache records.

Thin views over :class:`~dockerlab.images.steps.BuildResult` and
:mod:`dockerlab.images.build_cache`, so the notebook's cells stay one or two lines.
"""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from ..notebook import show_figures_inline
from . import build_cache
from .failures import stage_names
from .steps import BuildResult, BuildStep
from .text import human_size

_COPY_FROM = re.compile(r"--from=(\S+)", re.I)


def label(step: BuildStep) -> str:
    """``[stage-0 2/4]`` (BuildKit) or ``2/6`` (classic)."""
    if step.vertex or step.stage:
        stage = f"{step.stage} " if step.stage else ""
        return f"[{stage}{step.number}/{step.total}]"
    return f"{step.number}/{step.total}"


def step_lines(result: BuildResult, timings: bool = True) -> list[str]:
    """One line per step: where, cache hit or ran, (seconds and layer), what."""
    lines = []
    for step in result.learner_steps:
        extra = ""
        if timings:
            layer = "" if step.is_from else (step.layer_text or "-")
            extra = f"{step.duration or 0:5.2f} s {layer:>9}  "
        lines.append(f"{label(step):16} {step.status:6} {extra}{_short(step.instruction)}")
    return lines


def print_steps(result: BuildResult, timings: bool = True) -> None:
    """The step table; ``timings=False`` leaves out what differs from run to run."""
    print("\n".join(step_lines(result, timings)))
    print(f"-> {result.cached_count} from the cache, {result.ran_count} ran")


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def graph_lines(result: BuildResult, dockerfile: str) -> list[str]:
    """Each step and what its cache key depends on: its parent step (the one before it in
    its stage), the build context for a COPY, the stage a ``COPY --from`` reads."""
    stages = stage_names(dockerfile)
    last_of: dict[str, str] = {}
    lines = []
    for step in result.learner_steps:
        inputs = []
        if step.is_from:
            inputs.append("the base image " + step.instruction.split()[1])
        else:
            inputs.append(last_of.get(step.stage, "the stage's FROM"))
        if step.keyword in {"COPY", "ADD"}:
            source = _COPY_FROM.search(step.instruction)
            if source:
                name = source.group(1).lower()
                name = stages[int(name)] if name.isdigit() and int(name) < len(stages) else name
                inputs.append(f"stage {name} ({last_of.get(name, '?')})")
            else:
                inputs.append("files of the build context")
        last_of[step.stage] = label(step)
        lines.append(f"{label(step):16} {_short(step.instruction, 44):44} <- "
                     + " + ".join(inputs))
    return lines


def session_records(lab) -> list[build_cache.CacheRecord]:
    """The build cache records this session's builds made (``docker buildx du``, filtered)."""
    mine = build_cache.made_by(lab.session)
    return [record for record in build_cache.records(lab.client) if record.id in mine]


def print_records(records: list[build_cache.CacheRecord], limit: int = 12) -> None:
    for record in sorted(records, key=lambda r: r.description)[:limit]:
        print(f"{record.id[:12]}  {human_size(record.size):>9}  {_short(record.description)}")
    print(f"{len(records)} records, {human_size(sum(r.size for r in records))} in all")


def image_sizes_chart(lab, images: dict[str, str], width: float = 8.0) -> Figure:
    """One bar per image (label -> tag): its size, the base image's part in grey."""
    show_figures_inline()
    api = lab.client.api
    base = api.inspect_image(lab.base_image)["Size"]
    sizes = {name: api.inspect_image(tag)["Size"] for name, tag in images.items()}
    figure = Figure(figsize=(width, 0.6 * len(sizes) + 1.2))
    axes = figure.add_subplot()
    positions = list(range(len(sizes)))
    axes.barh(positions, [s / 1e6 for s in sizes.values()], color="#2e86c1", label="own")
    axes.barh(positions, [min(base, s) / 1e6 for s in sizes.values()], color="#95a5a6",
              label="base image")
    axes.set_yticks(positions, list(sizes), fontsize=9)
    for position, size in zip(positions, sizes.values(), strict=True):
        axes.text(size / 1e6, position, " " + human_size(size), va="center", fontsize=9)
    axes.set_xlim(0, max(sizes.values()) / 1e6 * 1.3)
    axes.set_xlabel("MB")
    axes.legend(loc="lower right", fontsize=8)
    axes.set_title("image sizes", fontsize=10)
    figure.tight_layout()
    return figure


def classic_view(lab, result: BuildResult) -> list[str]:
    """What the classic builder left for each step: the temporary container it ran in (now
    removed) and the intermediate image it saved (kept: it is the classic cache)."""
    lines = []
    for step in result.learner_steps:
        container = f"container {step.container[:12]}" if step.container else "no container"
        lines.append(f"{label(step):6} {_short(step.instruction, 40):40} {container:22} "
                     f"image {step.image_id[:12]}")
    return lines
