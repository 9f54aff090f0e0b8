"""dive's efficiency score and wasted bytes, computed the way dive (``wagoodman/dive``,
``filetree/efficiency.go`` and ``image/docker/image.go``) computes them, from the kit's
indexed layers. Pure: layers in, two figures out.

dive visits the *leaves* of each layer's file tree (files, links, empty directories, and
whiteouts, each keyed by the path it writes or deletes) and, per path, adds the size of
every copy and remembers the smallest. A whiteout of a *file* counts as a copy of size 0;
a whiteout of a *directory* counts as a copy as big as everything below it in the layers
underneath; opaque directories (``.wh..wh..opq``) are not read at all. Then:

* efficiency = sum of the smallest copies / sum of all copies (1.0 when nothing counts);
* wasted bytes = the sum of all copies (the one still in use too) of every path with two
  copies or more.

The kit's own figures (:mod:`dockerlab.images.stacking`) differ on purpose: a deletion
counts there as a copy of the deleted size, and wasted bytes leave out the copy in use, so
they are the bytes nobody can reach.

Checked against dive 0.13.1 (``dive --source docker-archive IMAGE.tar --ci --json``): the
same ``efficiencyScore`` and ``inefficientBytes`` on the hand-made archives of
tests/unit/test_dive_figures.py and on images built by the kit on Docker 26.1 (OCI layout)
and 20.10 (Docker's layout).
"""

from __future__ import annotations

from typing import NamedTuple

from .layer_tar import parent_path


class DiveFigures(NamedTuple):
    """What ``dive --ci`` reports as ``efficiency`` and ``wastedBytes``."""

    efficiency: float
    wasted_bytes: int


def _ancestors(path: str):
    while path:
        path = parent_path(path)
        yield path


def _leaves(layer) -> list[tuple[str, bool, int]]:
    """One layer's leaf nodes as dive builds its tree: (path, is a whiteout, size)."""
    nodes: dict[str, tuple[bool, int]] = {}
    for entry in layer.entries:
        nodes[entry.path] = (False, entry.size)
    for path in layer.opaque_dirs:  # the marker is dropped, its folder stays a node
        nodes.setdefault(path, (False, 0))
    for path in layer.whiteouts:
        nodes[path] = (True, 0)
    inner = {parent for path in nodes for parent in _ancestors(path)}
    return [(path, whiteout, size) for path, (whiteout, size) in nodes.items()
            if path not in inner]


class _Stacked:
    """The layers below, stacked as dive stacks them (whiteouts remove, opaque ignored)."""

    def __init__(self):
        self.files: dict[str, tuple[bool, int]] = {}  # path -> (is a directory, size)

    def add(self, layer) -> None:
        for path in layer.whiteouts:
            for gone in self.subtree(path):
                del self.files[gone]
        for entry in layer.entries:
            self.files[entry.path] = (entry.is_dir, entry.size)
            for parent in _ancestors(entry.path):
                if parent and parent not in self.files:
                    self.files[parent] = (True, 0)

    def subtree(self, path: str) -> list[str]:
        prefix = path + "/"
        return [p for p in self.files if p == path or p.startswith(prefix)]

    def deleted_size(self, path: str) -> int | None:
        """What dive counts for a whiteout of ``path``; None when nothing below has it."""
        if path not in self.files:
            return None
        is_dir, _ = self.files[path]
        if not is_dir:
            return 0
        return sum(self.files[p][1] for p in self.subtree(path))


def dive_figures(layers) -> DiveFigures:
    """dive's efficiency and wasted bytes for ``layers`` (bottom first, each with
    ``entries``, ``whiteouts`` and ``opaque_dirs`` as :class:`~dockerlab.images.model.Layer`
    has them). A whiteout of a path no layer below has is left out (dive logs an error)."""
    total: dict[str, int] = {}
    smallest: dict[str, int] = {}
    copies: dict[str, int] = {}
    stacked = _Stacked()
    for layer in layers:
        for path, whiteout, size in _leaves(layer):
            if whiteout:
                size = stacked.deleted_size(path)
                if size is None:
                    continue
            total[path] = total.get(path, 0) + size
            smallest[path] = min(smallest.get(path, size), size)
            copies[path] = copies.get(path, 0) + 1
        stacked.add(layer)
    everything = sum(total.values())
    efficiency = 1.0 if everything == 0 else sum(smallest.values()) / everything
    wasted = sum(total[path] for path, count in copies.items() if count >= 2)
    return DiveFigures(efficiency, wasted)
