"""Pictures of images and builds: layer sizes, waste, and which build steps the cache answered.

Each function returns a ``matplotlib.figure.Figure`` (a notebook shows it; tests look at its
bars and labels). Similar in spirit to ``docker history`` drawn as a bar chart.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from ..notebook import show_figures_inline
from .model import ImageLayers
from .text import human_size

BASE_COLOUR = "#95a5a6"
OWN_COLOUR = "#2e86c1"
WASTE_COLOUR = "#e74c3c"
CACHED_COLOUR = "#27ae60"
RAN_COLOUR = "#f39c12"


def _label(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def layer_sizes_chart(image: ImageLayers, width: float = 9.0) -> Figure:
    """One bar per layer (bottom layer at the bottom), base image grey, own layers blue;
    the red part of a bar is the bytes in that layer that a later layer overwrote or
    deleted: still shipped, never seen."""
    show_figures_inline()
    layers = image.layers
    wasted = {layer.number: 0 for layer in layers}
    for copy in image.wasted:
        wasted[copy.written] += copy.size
    figure = Figure(figsize=(width, 0.45 * len(layers) + 1.4))
    axes = figure.add_subplot()
    positions = list(range(len(layers)))
    sizes = [layer.size / 1e6 for layer in layers]
    colours = [BASE_COLOUR if layer.base else OWN_COLOUR for layer in layers]
    axes.barh(positions, sizes, color=colours, label="layer size")
    axes.barh(positions, [wasted[layer.number] / 1e6 for layer in layers], color=WASTE_COLOUR,
              label="wasted (overwritten or deleted later)")
    axes.set_yticks(positions, [f"{layer.number}: {_label(layer.instruction)}"
                                for layer in layers], fontsize=8)
    for position, layer in zip(positions, layers, strict=True):
        axes.text(layer.size / 1e6, position, " " + human_size(layer.size), va="center",
                  fontsize=8)
    axes.set_xlabel("MB")
    axes.set_xlim(0, max(sizes + [0.001]) * 1.25)
    name = image.name or image.image_id[:19]
    axes.set_title(f"{name}: {len(layers)} layers, {human_size(image.size)}, "
                   f"kit efficiency {image.efficiency:.0%} (grey: base image)", fontsize=10)
    axes.legend(loc="upper right", fontsize=8)
    figure.tight_layout()
    return figure


def build_steps_chart(result, width: float = 9.0) -> Figure:
    """One bar per Dockerfile step: its duration, green when the cache answered it."""
    show_figures_inline()
    steps = [step for step in result.learner_steps if not step.is_from]
    figure = Figure(figsize=(width, 0.45 * len(steps) + 1.4))
    axes = figure.add_subplot()
    positions = list(range(len(steps)))
    axes.barh(positions, [step.duration or 0 for step in steps],
              color=[CACHED_COLOUR if step.cached else RAN_COLOUR for step in steps])
    axes.set_yticks(positions, [f"{step.number}: {_label(step.instruction)}" for step in steps],
                    fontsize=8)
    for position, step in zip(positions, steps, strict=True):
        axes.text(step.duration or 0, position,
                  f" {'cache hit' if step.cached else 'ran'}, {step.duration or 0:.2f} s",
                  va="center", fontsize=8)
    longest = max([step.duration or 0 for step in steps] + [0.01])
    axes.set_xlim(0, longest * 1.35)
    axes.invert_yaxis()
    axes.set_xlabel("seconds")
    axes.set_title(f"steps from the cache (green): {result.cached_count}; "
                   f"steps that ran (orange): {result.ran_count}", fontsize=10)
    figure.tight_layout()
    return figure
