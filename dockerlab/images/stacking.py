"""Indexed layers stacked bottom first, as the union file system would: changes, the merged
view, wasted copies and the kit's efficiency (dive's idea, counted the kit's way).

A *copy* of a path is one layer's entry for it (directories are not copies; they hold
nothing). A copy ships in the image as long as its layer does, even when a later layer
overwrote it or deleted it (a whiteout ``.wh.<name>``, or an opaque directory
``.wh..wh..opq`` hiding everything below it): such a copy is *wasted*.

* ``wasted_bytes``: the bytes of all wasted copies. A path written N times counts N-1 copies
  (the last one is in use); a path written and later deleted counts all its copies.
  (dive itself sums all N copies of every path written more than once; we don't.)
* ``efficiency``: the kit's efficiency: for every path, the smallest copy over the sum of all
  its copies, where a deletion counts as a copy the size of what it deleted (file by file for
  deleted directories). 1.0 means nothing is wasted. It is not dive's score, which counts a
  deleted file as a copy of size 0, a deleted directory as one copy as big as its contents,
  and ignores opaque directories: :func:`dockerlab.images.dive.dive_figures` computes dive's
  figures exactly (``ImageLayers.dive()``).

The base image's layers (the image named in ``FROM``) are reported apart from the learner's
own (:meth:`~dockerlab.images.model.ImageLayers.mark_base`): waste found in a base layer is
the base image's author's to fix. Everything here is pure: headers in, an image out.
"""

from __future__ import annotations

from .layer_tar import IndexedLayer, parent_path
from .manifest import choose_image
from .manifest import corrupt as _corrupt
from .model import (
    Change,
    FileEntry,
    HistoryStep,
    ImageConfig,
    ImageLayers,
    Layer,
    MergedFile,
    WastedCopy,
)
from .save_archive import SaveArchive
from .text import shorten


def match_history(history: list[dict], layer_count: int) -> list[HistoryStep]:
    """Pair history entries with layers: entries marked ``empty_layer`` make none."""
    steps, number = [], 0
    for entry in history:
        empty = bool(entry.get("empty_layer"))
        if not empty:
            number += 1
        steps.append(HistoryStep(entry.get("created_by", ""), empty, entry.get("created", ""),
                                 None if empty or number > layer_count else number))
    return steps


def stack(indexed: list[IndexedLayer], history: list[HistoryStep]) -> ImageLayers:
    """Stack indexed layers bottom first: changes, merged view, wasted copies, efficiency."""
    by_layer = {step.layer: step for step in history if step.layer}
    stacker = _Stacker()
    layers = []
    for number, item in enumerate(indexed, start=1):
        step = by_layer.get(number)
        layer = Layer(number, item.diff_id, item.tar_size, item.entries, item.whiteouts,
                      item.opaque_dirs, step.created_by if step else "",
                      step.created if step else "")
        stacker.apply(layer, layers)
        layers.append(layer)
    return ImageLayers("", "", "", layers, history, ImageConfig.from_config({}), {},
                       stacker.merged, stacker.wasted, stacker.efficiency())


class _Stacker:
    """The union file system, replayed in memory from headers only."""

    def __init__(self):
        self.merged: dict[str, MergedFile] = {}
        self.children: dict[str, set[str]] = {}
        self.wasted: list[WastedCopy] = []
        self.total: dict[str, int] = {}
        self.smallest: dict[str, int] = {}
        self.instructions: dict[int, str] = {}

    def _short(self, layer: Layer) -> str:
        if layer.number not in self.instructions:
            self.instructions[layer.number] = shorten(layer.instruction)
        return self.instructions[layer.number]

    def _count(self, path: str, size: int) -> None:
        self.total[path] = self.total.get(path, 0) + size
        self.smallest[path] = min(self.smallest.get(path, size), size)

    def _subtree(self, path: str) -> list[str]:
        found, todo = [], [path]
        while todo:
            current = todo.pop()
            if current in self.merged:
                found.append(current)
            todo.extend(self.children.get(current, ()))
        return found

    def _remove(self, path: str, layer: Layer, layers: list[Layer], how: str,
                changes: list[Change], keep_self: bool = False) -> None:
        for gone in self._subtree(path):
            if keep_self and gone == path:
                continue
            old = self.merged.pop(gone)
            self.children.get(parent_path(gone), set()).discard(gone)
            if how == "deleted":
                changes.append(Change("deleted", gone, old.entry.size, old.entry.kind))
            if not old.entry.is_dir:
                if how == "deleted":
                    self._count(gone, old.entry.size)
                self._waste(gone, old, layer, layers, how)

    def _waste(self, path: str, old: MergedFile, layer: Layer, layers: list[Layer],
               how: str) -> None:
        if old.entry.size == 0 and old.entry.kind != "file":
            return
        reason = (f"written in layer {old.layer} ({self._short(layers[old.layer - 1])}), {how} "
                  f"in layer {layer.number} ({self._short(layer)}): still shipped in "
                  f"layer {old.layer}")
        self.wasted.append(WastedCopy(path, old.entry.size, old.layer, layer.number, how,
                                      False, reason))

    def _add(self, entry: FileEntry, number: int) -> None:
        path = entry.path
        self.merged[path] = MergedFile(entry, number)
        while path:
            parent = parent_path(path)
            siblings = self.children.setdefault(parent, set())
            if path in siblings:
                break
            siblings.add(path)
            path = parent

    def apply(self, layer: Layer, layers: list[Layer]) -> None:
        changes: list[Change] = []
        for directory in layer.opaque_dirs:  # hides what lower layers put below it
            self._remove(directory, layer, layers, "deleted", changes, keep_self=True)
        for path in layer.whiteouts:
            self._remove(path, layer, layers, "deleted", changes)
        for entry in layer.entries:
            old = self.merged.get(entry.path)
            if old is not None and old.entry.is_dir and entry.is_dir:
                self.merged[entry.path] = MergedFile(entry, old.layer)
                continue  # a parent directory carried along: not a change of its own
            if old is not None and (old.entry.is_dir or entry.is_dir):
                self._remove(entry.path, layer, layers, "overwritten", [])
                old = None
            action = "modified" if old is not None else "added"
            if old is not None and not old.entry.is_dir:
                self._waste(entry.path, old, layer, layers, "overwritten")
            if not entry.is_dir:
                self._count(entry.path, entry.size)
            changes.append(Change(action, entry.path, entry.size, entry.kind))
            self._add(entry, layer.number)
        layer.changes = changes

    def efficiency(self) -> float:
        total = sum(self.total.values())
        return 1.0 if total == 0 else sum(self.smallest.values()) / total


def analyze(archive: SaveArchive, name: str = "") -> ImageLayers:
    """Turn an indexed archive into an :class:`ImageLayers` (pure: no engine needed)."""
    chosen = choose_image(archive.json, name)
    config = chosen.config
    indexed = [archive.layer(key) for key in chosen.layer_keys]
    expected = list((config.get("rootfs") or {}).get("diff_ids") or [])
    if expected and len(expected) != len(indexed):
        raise _corrupt(f"the manifest lists {len(indexed)} layers, the config {len(expected)}")
    for number, (item, diff_id) in enumerate(zip(indexed, expected, strict=False), start=1):
        if item.diff_id != diff_id:
            raise _corrupt(f"layer {number}'s content does not match its diff ID "
                           f"({item.diff_id[:19]} instead of {diff_id[:19]})")
    history = match_history(config.get("history") or [], len(indexed))
    image = stack(indexed, history)
    image.name, image.layout = name, chosen.layout
    image.config_digest, image.image_id = chosen.config_digest, chosen.config_digest
    image.manifest_digest, image.index_digest = chosen.manifest_digest, chosen.index_digest
    image.config, image.raw_config = ImageConfig.from_config(config), config
    return image
