"""Pictures for the containers notebook: the state machine, live stats, overhead.

The state machine is drawn from :mod:`dockerlab.containers.machine` (its one definition);
this module only knows where each state sits and how the arrows bend.

Each function returns a ``matplotlib.figure.Figure`` (no pyplot state is touched), which a
notebook displays by leaving it as the cell's last expression.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..notebook import show_figures_inline
from .machine import TRANSITIONS

#: where each state sits in the diagram
POSITIONS = {
    "image": (0.0, 1.0),
    "created": (2.0, 1.0),
    "running": (4.4, 1.0),
    "paused": (4.4, 2.6),
    "restarting": (6.8, 2.6),
    "exited": (6.8, 1.0),
    "removed": (9.0, 1.0),
    "dead": (9.0, 2.6),
}

#: the moves of :data:`~dockerlab.containers.machine.TRANSITIONS` drawn as solid arrows, with
#: how much each arrow bends; a rarer move (``rm -f``, stopping a paused container) is drawn,
#: dashed, only when a path takes it
BENDS = {
    ("image", "created"): 0.0,
    ("created", "running"): 0.0,
    ("running", "paused"): 0.7,
    ("paused", "running"): 0.7,
    ("running", "exited"): 0.2,
    ("exited", "running"): 0.2,
    ("exited", "restarting"): 0.2,
    ("restarting", "running"): 0.0,
    ("exited", "removed"): 0.0,
    ("created", "removed"): 0.35,
    ("dead", "removed"): 0.0,
}

#: the CLI's word for an operation, where it differs from the SDK's
CLI_WORDS = {"remove": "rm"}

#: arrows drawn without a label: the restart policy's second half, named on its first
UNLABELLED = {("restarting", "running")}


def edge_label(source: str, target: str) -> str:
    """The operations (and engine moves) that lead from ``source`` to ``target``, two a line."""
    names = [CLI_WORDS.get(move.operation, move.operation) for move in TRANSITIONS
             if (move.source, move.target) == (source, target)]
    pairs = [" / ".join(names[i:i + 2]) for i in range(0, len(names), 2)]
    return " /\n".join(pairs)


def drawn_transitions() -> list[tuple[str, str, str, float]]:
    """(from, to, label, bend) for each solid arrow of the diagram."""
    return [(source, target,
             "" if (source, target) in UNLABELLED else edge_label(source, target), bend)
            for (source, target), bend in BENDS.items()]


show_figures_inline()

HIGHLIGHT = "#d35400"
QUIET = "#95a5a6"


def _edge_steps(path: list[str]) -> tuple[dict, dict]:
    """Which step numbers used each edge, and which states went to themselves."""
    edges: dict[tuple[str, str], list[int]] = {}
    loops: dict[str, list[int]] = {}
    previous = "image"
    for number, state in enumerate(path, start=1):
        if state == previous:
            loops.setdefault(state, []).append(number)
        else:
            edges.setdefault((previous, state), []).append(number)
        previous = state
    return edges, loops


def state_machine(path: list[str] | None = None, operations: list[str] | None = None,
                  title: str = "The container state machine") -> Figure:
    """The container states and their transitions, with ``path`` (states after each step)
    highlighted and the step numbers written on the edges it used.

    ``operations`` (one per step, as in ``Lifecycle.operations``) labels self-transitions
    such as ``restart`` on a running container.
    """
    path = list(path or [])
    edges, loops = _edge_steps(path)
    visited = {"image", *path} if path else set()
    figure = Figure(figsize=(10, 4.2))
    axes = figure.add_subplot()
    axes.set_xlim(-0.9, 9.9)
    axes.set_ylim(-0.7, 3.5)
    axes.axis("off")
    axes.set_title(title)
    drawn = drawn_transitions()
    for source, target, label, bend in drawn:
        steps = edges.get((source, target), [])
        colour = HIGHLIGHT if steps else QUIET
        arrow = FancyArrowPatch(POSITIONS[source], POSITIONS[target],
                                connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
                                mutation_scale=14, shrinkA=30, shrinkB=30, color=colour,
                                linewidth=2.6 if steps else 1.2)
        axes.add_patch(arrow)
        text = label + (f"\n(step {', '.join(map(str, steps))})" if steps else "")
        if text:
            (x1, y1), (x2, y2) = POSITIONS[source], POSITIONS[target]
            dx, dy = x2 - x1, y2 - y1
            # arc3 bends towards (mid + rad*dy, mid - rad*dx); the curve peaks halfway
            mx, my = (x1 + x2) / 2 + bend * dy * 0.5, (y1 + y2) / 2 - bend * dx * 0.5
            axes.text(mx, my, text, ha="center", va="center", fontsize=8,
                      color=HIGHLIGHT if steps else "#555555",
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for (source, target), steps in edges.items():  # a rarer move (rm -f, stop a paused one)
        if (source, target) in BENDS or source not in POSITIONS or target not in POSITIONS:
            continue
        axes.add_patch(FancyArrowPatch(POSITIONS[source], POSITIONS[target],
                                       connectionstyle="arc3,rad=-0.3", arrowstyle="-|>",
                                       mutation_scale=14, shrinkA=30, shrinkB=30,
                                       color=HIGHLIGHT, linewidth=2.2, linestyle="--"))
        names = sorted({operations[n - 1] for n in steps}) if operations else []
        (x1, y1), (x2, y2) = POSITIONS[source], POSITIONS[target]
        axes.text((x1 + x2) / 2 - 0.3 * (y2 - y1) * 0.5, (y1 + y2) / 2 + 0.3 * (x2 - x1) * 0.5,
                  f"{' / '.join(names)}\n(step {', '.join(map(str, steps))})".lstrip("\n"),
                  ha="center", va="center", fontsize=8, color=HIGHLIGHT,
                  bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for state, (x, y) in POSITIONS.items():
        on_path = state in visited
        box = FancyBboxPatch((x - 0.62, y - 0.24), 1.24, 0.48, boxstyle="round,pad=0.05",
                             facecolor="#fdebd0" if on_path else "#f4f6f6",
                             edgecolor=HIGHLIGHT if on_path else QUIET,
                             linewidth=2 if on_path else 1)
        axes.add_patch(box)
        axes.text(x, y, state, ha="center", va="center", fontsize=10,
                  fontweight="bold" if on_path else "normal")
        if state in loops:
            names = [operations[n - 1] if operations else "again" for n in loops[state]]
            axes.text(x, y - 0.42, "↻ " + ", ".join(
                f"{name} (step {n})" for name, n in zip(names, loops[state], strict=True)),
                ha="center", va="top", fontsize=8, color=HIGHLIGHT)
    if path:
        axes.text(-0.85, 3.4, "path taken: " + " → ".join(["image", *path]), fontsize=8,
                  color=HIGHLIGHT, va="top")
    figure.tight_layout()
    return figure


def stats_plot(runs: dict, title: str = "docker stats, sampled while the loop ran") -> Figure:
    """CPU % and memory over time for each labelled list of ``StatsSample``.

    ``runs`` maps a label (e.g. "no limit", "--cpu-quota 20000") to its samples.
    """
    figure = Figure(figsize=(10, 3.6))
    cpu, memory = figure.subplots(1, 2)
    for label, samples in runs.items():
        seconds = [s.seconds for s in samples]
        cpu.plot(seconds, [s.cpu_percent for s in samples], marker="o", label=label)
        memory.plot(seconds, [s.memory_bytes / 2 ** 20 for s in samples], marker="o",
                    label=label)
    cpu.set_xlabel("seconds since the first sample")
    cpu.set_ylabel("CPU (% of one core)")
    cpu.set_ylim(bottom=0)
    cpu.legend()
    memory.set_xlabel("seconds since the first sample")
    memory.set_ylabel("memory in use (MiB)")
    highest = max((s.memory_bytes for samples in runs.values() for s in samples), default=0)
    memory.set_ylim(0, highest / 2 ** 20 * 1.3 or 1)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def _strip(axes, groups: dict[str, list[float]]) -> None:
    """A box plot with every measurement drawn as a dot beside it."""
    labels = list(groups)
    axes.boxplot([groups[label] for label in labels], showfliers=False)
    axes.set_xticks(range(1, len(labels) + 1), labels)
    for position, label in enumerate(labels, start=1):
        values = groups[label]
        offsets = [position + 0.18 + 0.012 * (i % 7) for i in range(len(values))]
        axes.scatter(offsets, values, s=14, alpha=0.7)


def overhead_plot(overhead) -> Figure:
    """Start latency and memory of containers against plain processes (an ``Overhead``)."""
    figure = Figure(figsize=(10, 3.8))
    latency, memory = figure.subplots(1, 2)
    _strip(latency, {"plain process": [s * 1000 for s in overhead.process_seconds],
                     "container": [s * 1000 for s in overhead.container_seconds]})
    latency.set_yscale("log")
    latency.set_ylabel("start to finish of `true` (ms, log scale)")
    latency.set_title(f"start latency, n={overhead.n}: {overhead.start_ratio:.0f}x")
    mib = 2 ** 20
    _strip(memory, {"plain process": [m.total / mib for m in overhead.process_memory],
                    "container\nprocess only": [m.process / mib
                                                for m in overhead.container_memory],
                    "container\n+ its shim": [m.total / mib for m in overhead.container_memory]})
    memory.set_ylabel("memory, proportional set size (MiB)")
    memory.set_ylim(bottom=0)
    memory.set_title(f"memory of a running `sleep`: {overhead.memory_ratio:.1f}x")
    figure.tight_layout()
    return figure
