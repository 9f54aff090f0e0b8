"""What an image read from its save stream is made of: layers, history, config, waste.

Plain data, no engine and no I/O: :mod:`dockerlab.images.reading` fills it in, from the
layers that :mod:`dockerlab.images.layer_tar` indexed and :mod:`dockerlab.images.stacking`
stacked. The definitions of waste and efficiency are in :mod:`dockerlab.images.stacking`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .manifest import id_is
from .text import human_size, instruction_of


class FileEntry(NamedTuple):
    """One file header in a layer tar: a regular file, directory, symlink..."""

    path: str
    kind: str  # 'file', 'dir', 'symlink', 'hardlink', 'other'
    size: int = 0
    mode: int = 0o644
    linkname: str = ""

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"


class Change(NamedTuple):
    """What one layer did to one path: ``added``, ``modified`` or ``deleted``."""

    action: str
    path: str
    size: int
    kind: str

    def __str__(self) -> str:
        mark = {"added": "+", "modified": "~", "deleted": "-"}[self.action]
        return f"{mark} {self.path} ({human_size(self.size)})"


@dataclass
class Layer:
    """One layer of an image, in stack order (``number`` 1 is the bottom)."""

    number: int
    diff_id: str
    tar_size: int
    entries: list[FileEntry]
    whiteouts: list[str]
    opaque_dirs: list[str]
    created_by: str = ""
    created: str = ""
    base: bool = False
    changes: list[Change] = field(default_factory=list)

    @property
    def instruction(self) -> str:
        """The Dockerfile instruction that made this layer, as the history records it."""
        return instruction_of(self.created_by)

    @property
    def size(self) -> int:
        """Bytes of file content in this layer: what ``docker history`` reports on the
        classic image store (the containerd store reports the layer's disk usage, so
        directories count there too)."""
        return sum(entry.size for entry in self.entries)

    def count(self, action: str) -> int:
        """How many files (not directories) this layer added/modified/deleted."""
        return sum(1 for c in self.changes if c.action == action and c.kind != "dir")

    def __repr__(self) -> str:
        return (f"<Layer {self.number} {human_size(self.size)} {self.instruction[:50]!r} "
                f"+{self.count('added')} ~{self.count('modified')} -{self.count('deleted')}>")


@dataclass(frozen=True)
class HistoryStep:
    """One entry of the image history: a Dockerfile step, with or without a layer."""

    created_by: str
    empty_layer: bool
    created: str = ""
    layer: int | None = None  # the layer's number when the step made one

    @property
    def instruction(self) -> str:
        return instruction_of(self.created_by)


@dataclass(frozen=True)
class ImageConfig:
    """The run-time parameters an image carries, besides its files."""

    cmd: list[str] | None
    entrypoint: list[str] | None
    env: list[str]
    working_dir: str
    exposed_ports: list[str]
    labels: dict[str, str]
    user: str

    @classmethod
    def from_config(cls, config: dict) -> ImageConfig:
        inner = config.get("config") or config.get("Config") or {}
        return cls(cmd=inner.get("Cmd"), entrypoint=inner.get("Entrypoint"),
                   env=list(inner.get("Env") or []), working_dir=inner.get("WorkingDir") or "",
                   exposed_ports=sorted(inner.get("ExposedPorts") or {}),
                   labels=dict(inner.get("Labels") or {}), user=inner.get("User") or "")


class MergedFile(NamedTuple):
    """A path as a container sees it, and the layer (number) its content comes from."""

    entry: FileEntry
    layer: int


class WastedCopy(NamedTuple):
    """A copy of a path that ships in a layer but that nobody can see."""

    path: str
    size: int
    written: int  # layer number
    ended: int  # layer number that overwrote or deleted it
    how: str  # 'overwritten' or 'deleted'
    base: bool
    reason: str


@dataclass
class Waste:
    """Wasted bytes, the efficiency score, and one sentence per wasted copy."""

    efficiency: float
    files: list[WastedCopy]

    @property
    def wasted_bytes(self) -> int:
        return sum(copy.size for copy in self.files)

    @property
    def base_bytes(self) -> int:
        """Waste in the base image's layers (not the learner's to fix)."""
        return sum(copy.size for copy in self.files if copy.base)

    @property
    def own_bytes(self) -> int:
        """Waste in the learner's own layers."""
        return sum(copy.size for copy in self.files if not copy.base)

    def table(self, limit: int = 20) -> list[dict]:
        """The largest wasted copies as rows (for a DataFrame or an HTML table)."""
        return [{"path": "/" + c.path, "size": human_size(c.size), "bytes": c.size,
                 "layer": c.written, "base": c.base, "why": c.reason}
                for c in self.files[:limit]]


@dataclass
class ImageLayers:
    """An image read from its save stream: layers, history, config, merged view, waste."""

    name: str
    image_id: str  # the engine's ID (read_image); from a tarball: the config digest
    layout: str  # what `docker save` wrote: 'docker' (Engine < 25) or 'oci'
    layers: list[Layer]
    history: list[HistoryStep]
    config: ImageConfig
    raw_config: dict
    merged: dict[str, MergedFile]
    wasted: list[WastedCopy]
    efficiency: float
    config_digest: str = ""
    manifest_digest: str | None = None  # the image manifest's, in the OCI layout only
    index_digest: str | None = None  # the image index's, when the image is one

    @property
    def id_is(self) -> str:
        """What the image ID is the digest of: ``'config'`` (classic image store),
        ``'manifest'`` or ``'index'`` (containerd image store), or ``'unknown'``."""
        return id_is(self.image_id, self.config_digest, self.manifest_digest,
                     self.index_digest)

    def id_sentence(self) -> str:
        """The image ID and what it is, in one sentence."""
        what = {"config": "its config (the JSON holding its settings and diff IDs)",
                "manifest": "its manifest (the JSON naming its config and layer blobs)",
                "index": "its index (the JSON naming one manifest per platform)"}
        return (f"The image ID {self.image_id[:19]}... is the digest of "
                f"{what.get(self.id_is, 'none of the documents in its archive')}.")

    @property
    def diff_ids(self) -> list[str]:
        return [layer.diff_id for layer in self.layers]

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)

    @property
    def base_layers(self) -> list[Layer]:
        return [layer for layer in self.layers if layer.base]

    @property
    def own_layers(self) -> list[Layer]:
        return [layer for layer in self.layers if not layer.base]

    def waste(self) -> Waste:
        """Efficiency and wasted copies, largest first."""
        return Waste(self.efficiency, sorted(self.wasted, key=lambda c: (-c.size, c.path)))

    def dive(self):
        """dive's efficiency score and wasted bytes for this image (``dive --ci`` reports
        the same): see :mod:`dockerlab.images.dive` for how they differ from the kit's."""
        from .dive import dive_figures

        return dive_figures(self.layers)

    def layer_table(self) -> list[dict]:
        """One row per layer: number, size, diff ID, instruction, changes, base or own."""
        return [{"layer": layer.number, "size": human_size(layer.size), "bytes": layer.size,
                 "diff_id": layer.diff_id[:19], "instruction": layer.instruction,
                 "added": layer.count("added"), "modified": layer.count("modified"),
                 "deleted": layer.count("deleted"), "from": "base" if layer.base else "own"}
                for layer in self.layers]

    def mark_base(self, count: int) -> None:
        """Mark the bottom ``count`` layers (and their waste) as the base image's."""
        for layer in self.layers:
            layer.base = layer.number <= count
        self.wasted = [_with_base(copy, copy.written <= count) for copy in self.wasted]

    def __repr__(self) -> str:
        return (f"<ImageLayers {self.name or self.image_id[:19]} {self.layout} "
                f"{len(self.layers)} layers {human_size(self.size)} "
                f"efficiency {self.efficiency:.1%}>")


def _with_base(copy: WastedCopy, base: bool) -> WastedCopy:
    return WastedCopy(copy.path, copy.size, copy.written, copy.ended, copy.how, base,
                      copy.reason)

