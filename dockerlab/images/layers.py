"""An image, read as the stack of layers it really is, from the engine's save stream.

Similar to ``docker save IMAGE | tar -t`` plus ``docker image history`` and
``docker image inspect``, joined up::

    image = read_image(lab.client, "dockerlab/busybox")
    image.layers[0].instruction        # 'COPY dir:7e34... in /'
    image.layers[0].changes            # [Change('added', 'bin/busybox', 1.9 MB), ...]
    image.merged["bin/sh"]             # what a container sees, and which layer put it there
    image.config.cmd                   # ['sh']
    image.waste().files[0].reason      # 'written in layer 2 (RUN ...), deleted in layer 3 ...'

How it reads, and what it never does
------------------------------------
The save stream (``client.api.get_image(name)``, an iterator of chunks) is read ONCE, as a
stream, in the spirit of ``tarfile.open(fileobj=..., mode="r|")``: it is never written to
disk, never extracted, never held whole in memory. Each layer tar inside is itself read as a
stream: its file headers are kept (path, kind, size, mode: a few hundred bytes per file), its
file contents only flow through a SHA-256 (which gives the layer's diff ID, checked against
the image config; the hashing runs on a second thread). The tar reading itself is
:mod:`dockerlab.images.tarstream`, a lean reader that hands out views of the chunks instead of
copying them: ``tarfile``'s stream mode re-copies its buffer on every header read, which made
nested streams of tens of thousands of files several times slower than the stream itself.

Two layouts are understood:

* Docker's own ``docker save`` layout (Engine < 25, ``layout == "docker"``):
  ``manifest.json``, ``<config>.json``, ``<v1-id>/layer.tar`` (a duplicate layer is a
  symlink to the first copy);
* the OCI layout (Engine 25+, ``layout == "oci"``): ``index.json``, ``oci-layout``,
  ``blobs/sha256/<digest>`` holding manifests, config and layers (plain tars from the
  classic image store, gzip-compressed from the containerd image store and other tools),
  plus Docker's compatibility ``manifest.json`` when Docker wrote it.

Which image of the archive, and the digests naming it (config, manifest, index: what an image
ID is depends on the image store), is :mod:`dockerlab.images.manifest`'s job.

When the manifest comes last (both layouts as Docker writes them: members are in name order,
so layers come before ``manifest.json``/``index.json``), nothing is read twice: every layer
tar is indexed as it streams by, under its name in the archive, and once the stream has
ended the manifest puts the indexed layers in stack order. Memory grows with the number of
files in the image, not with their bytes. When the manifest comes first the same code runs.

For other tools (the under-the-hood notebook stacks a real image as an overlay)
-------------------------------------------------------------------------------
:func:`iter_layer_tars` yields one :class:`LayerTar` per layer, in ARCHIVE order, each with a
streaming ``tarfile.TarFile`` to read its members from (``for m in layer.tar`` and
``layer.tar.extractfile(m)``) before asking for the next layer. ``layer.diff_id`` is known
once its members have been read (it is the SHA-256 of the layer tar). The stack order
(bottom first) is ``client.api.inspect_image(name)["RootFS"]["Layers"]``; extract each layer
under its diff ID, then stack in that order.

Efficiency and waste (dive's ideas, stated exactly)
---------------------------------------------------
A *copy* of a path is one layer's entry for it (directories are not copies; they hold
nothing). A copy ships in the image as long as its layer does, even when a later layer
overwrote it or deleted it (a whiteout ``.wh.<name>``, or an opaque directory
``.wh..wh..opq`` hiding everything below it): such a copy is *wasted*.

* ``wasted_bytes``: the bytes of all wasted copies. A path written N times counts N-1 copies
  (the last one is in use); a path written and later deleted counts all its copies.
  (dive itself sums all N copies of every path written more than once; we don't.)
* ``efficiency``: dive's score: for every path, the smallest copy over the sum of all its
  copies, where a deletion counts as a copy the size of what it deleted (dive's rule, applied
  file by file for deleted directories). 1.0 means nothing is wasted.

The base image's layers (the image named in ``FROM``) are reported apart from the learner's
own: waste found in a base layer is the base image's author's to fix.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import posixpath
import queue
import re
import tarfile
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import DockerLabError, ImageError, translate
from .manifest import choose_image, id_is
from .manifest import corrupt as _corrupt
from .tarstream import ByteStream, Member, iter_tar

#: bytes asked of the engine (and of a file) at a time
BUFSIZE = 1 << 20
WHITEOUT_PREFIX = ".wh."
OPAQUE = ".wh..wh..opq"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: JSON members larger than this are not kept (configs and manifests are a few KB)
MAX_JSON = 16 << 20

# --- the data model --------------------------------------------------------------------------


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


# --- small pure helpers ------------------------------------------------------------------------


def human_size(size: float) -> str:
    """``1536`` -> ``'1.5 kB'`` (decimal units, as ``docker images`` prints them)."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:\|\d+(?: \S+=\S*)* )?/bin/sh -c ")
_KEYWORDS = ("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
             "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK",
             "SHELL", "MAINTAINER")


def instruction_of(created_by: str) -> str:
    """The Dockerfile instruction behind a history ``created_by`` string.

    ``/bin/sh -c #(nop)  CMD ["sh"]`` -> ``CMD ["sh"]``; ``/bin/sh -c echo hi`` ->
    ``RUN echo hi``; ``|1 V=2 /bin/sh -c make`` (with build args) -> ``RUN make``;
    BuildKit's ``RUN /bin/sh -c echo hi # buildkit`` -> ``RUN /bin/sh -c echo hi``.
    """
    text = (created_by or "").strip()
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    if _NOP.match(text):
        return _NOP.sub("", text).strip()
    if _SHELL.match(text):
        return "RUN " + _SHELL.sub("", text, count=1).strip()
    if not text:
        return ""
    if text.split(" ", 1)[0].upper() in _KEYWORDS:
        return text
    return "RUN " + re.sub(r"^\|\d+(?: \S+=\S*)* ", "", text)


def _normal(name: str) -> str:
    """A member name as a clean relative path: ``./usr/bin/`` -> ``usr/bin``."""
    if not name.startswith(("/", ".")) and "/." not in name and "//" not in name:
        return name.rstrip("/")  # the common case, made cheap
    name = posixpath.normpath("/" + name).lstrip("/")
    return "" if name == "." else name


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


# --- reading one layer tar ---------------------------------------------------------------------


def _kind(member: tarfile.TarInfo) -> str:
    if member.isdir():
        return "dir"
    if member.issym():
        return "symlink"
    if member.islnk():
        return "hardlink"
    if member.isfile():
        return "file"
    return "other"


@dataclass
class IndexedLayer:
    """A layer tar as streamed: its headers, whiteouts, digest and byte count."""

    entries: list[FileEntry]
    whiteouts: list[str]
    opaque_dirs: list[str]
    diff_id: str
    tar_size: int


def split_member(member: tarfile.TarInfo) -> tuple[str, str]:
    """Classify a layer member: ``('entry'|'whiteout'|'opaque', path)``."""
    path = _normal(member.name)
    base = posixpath.basename(path)
    if base == OPAQUE:
        return "opaque", _parent(path)
    if base.startswith(WHITEOUT_PREFIX):
        return "whiteout", posixpath.join(_parent(path), base[len(WHITEOUT_PREFIX):])
    return "entry", path


def index_layer(members: Iterable[tarfile.TarInfo]) -> tuple[list, list, list]:
    """Headers of one layer tar -> (entries, whiteout paths, opaque dir paths)."""
    entries, whiteouts, opaque = [], [], []
    for member in members:
        if ".wh." not in member.name:
            path = _normal(member.name)
            if path:
                entries.append(FileEntry(path, _kind(member),
                                         member.size if member.isfile() else 0, member.mode,
                                         member.linkname))
            continue
        what, path = split_member(member)
        if what == "opaque":
            opaque.append(path)
        elif what == "whiteout":
            whiteouts.append(path)
        elif path:
            entries.append(FileEntry(path, _kind(member), member.size if member.isfile() else 0,
                                     member.mode, member.linkname))
    return entries, whiteouts, opaque


class _Hasher:
    """SHA-256 in a worker thread: ``hashlib`` releases the GIL, so hashing a layer runs on
    the other core while this one parses headers. Memory is bounded by the queue."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.queue: queue.Queue = queue.Queue(maxsize=16)
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (data := self.queue.get()) is not None:
            self.sha.update(data)

    def update(self, data) -> None:
        self.queue.put(data)

    def close(self) -> None:
        """Stop the worker (after the bytes queued so far); safe to call twice."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def hexdigest(self) -> str:
        self.close()
        return self.sha.hexdigest()


class _LayerBytes:
    """A layer's bytes (plain or gzip) as a :class:`ByteStream` of the plain tar, hashed."""

    def __init__(self, head: bytes, member: Member):
        self.sha = _Hasher()
        self.raw_count = 0
        self._raw = itertools.chain([memoryview(head)], member.views())
        self._gunzip = zlib.decompressobj(wbits=31) if head[:2] == b"\x1f\x8b" else None
        self.stream = ByteStream(self._pull)

    def _pull(self):
        for raw in self._raw:
            self.raw_count += len(raw)
            plain = self._gunzip.decompress(raw) if self._gunzip else raw
            if len(plain):
                self.sha.update(plain)
                return plain
        return b""

    def finish(self) -> str:
        """Read what is left (end blocks, padding): the digest covers every byte."""
        for _ in self.stream.rest():
            pass
        return "sha256:" + self.sha.hexdigest()


def read_layer(head: bytes, member: Member) -> IndexedLayer:
    """Index one layer tar (plain or gzip) from its member in the save stream."""
    layer = _LayerBytes(head, member)
    try:
        entries, whiteouts, opaque = index_layer(item.info for item in iter_tar(layer.stream))
        diff_id = layer.finish()
    finally:
        layer.sha.close()
    return IndexedLayer(entries, whiteouts, opaque, diff_id, layer.raw_count)


# --- reading the save stream -----------------------------------------------------------------


class ChunkReader(io.RawIOBase):
    """A read-only file object over an iterator of byte chunks (``get_image``'s output)."""

    def __init__(self, chunks: Iterable[bytes]):
        self.chunks = iter(chunks)
        self.rest = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data, self.rest = self.rest + b"".join(self.chunks), b""
            return data
        while not self.rest:
            self.rest = next(self.chunks, b"")
            if not self.rest:
                return b""
        data, self.rest = self.rest[:size], self.rest[size:]
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _byte_stream(source) -> ByteStream:
    """A :class:`ByteStream` over a file object or an iterator of chunks."""
    if hasattr(source, "read"):
        return ByteStream(lambda: source.read(BUFSIZE))
    return ByteStream.of_chunks(source)


def _looks_like_layer(head: bytes) -> bool:
    return head[:2] == b"\x1f\x8b" or head[257:262] == b"ustar" or \
        (len(head) == 512 and not head.strip(b"\0"))


@dataclass
class LayerTar:
    """One layer tar met in the save stream, readable as a streaming ``tarfile.TarFile``.

    Read the members of ``tar`` (``for m in layer.tar``, ``layer.tar.extractfile(m)``)
    before asking for the next layer. ``diff_id`` is the layer's digest: reading it reads
    what is left of the layer, so ask for it once you are done with the members.
    """

    key: str
    tar: tarfile.TarFile
    _bytes: _LayerBytes

    @property
    def diff_id(self) -> str:
        return self._bytes.finish()


class SaveArchive:
    """The state of one pass over a save stream: JSON documents and indexed layers."""

    def __init__(self):
        self.json: dict[str, object] = {}
        self.layers: dict[str, IndexedLayer] = {}
        self.links: dict[str, str] = {}
        self.zstd: set[str] = set()  # zstd-compressed layers: not readable here

    def members(self, source) -> Iterator[tuple[str, Member]]:
        """Walk the outer tar, noting symlinks; yields the regular-file members."""
        for member in iter_tar(_byte_stream(source)):
            info = member.info
            name = _normal(info.name)
            if info.issym() or info.islnk():
                target = info.linkname if info.islnk() else \
                    posixpath.join(_parent(name), info.linkname)
                self.links[name] = _normal(target)
            elif info.isfile():
                yield name, member

    def take(self, name: str, member: Member) -> bytes | None:
        """Keep a JSON member; return the first bytes of a layer member (else None)."""
        is_blob = name.startswith("blobs/")
        if not (is_blob or name.endswith(("layer.tar", ".json"))):
            return None
        head = member.read(512)
        if (is_blob or name.endswith("layer.tar")) and _looks_like_layer(head):
            return head
        if is_blob and head[:4] == ZSTD_MAGIC:
            self.zstd.add(name)
            return None
        if head.lstrip()[:1] in (b"{", b"[") and member.info.size <= MAX_JSON:
            try:
                self.json[name] = json.loads(head + member.read())
            except ValueError:
                pass  # not JSON after all: a blob we do not need
        return None

    def index(self, source) -> SaveArchive:
        """Read a whole save stream (file object or chunks), indexing every layer tar."""
        with _archive_errors():
            for name, member in self.members(source):
                with _archive_errors(name):
                    head = self.take(name, member)
                    if head is not None:
                        self.layers[name] = read_layer(head, member)
        return self

    def layer(self, key: str) -> IndexedLayer:
        seen = set()
        while key not in self.layers and key in self.links and key not in seen:
            seen.add(key)
            key = self.links[key]
        if key in self.zstd:
            raise ImageError(
                f"The layer '{key}' is zstd-compressed, which the kit cannot decompress "
                "(Python's standard library reads zstd only since 3.14).",
                "Save an image whose layers are plain or gzip tars (images the engine "
                "built are), or read this one with a tool that knows zstd.")
        if key not in self.layers:
            raise _corrupt(f"the layer '{key}' named by the manifest is not in the archive")
        return self.layers[key]


class _archive_errors:
    """Turn tar/gzip/JSON read errors into one clear :class:`ImageError`."""

    def __init__(self, where: str = ""):
        self.where = where

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, DockerLabError):
            return False
        if isinstance(error, (tarfile.TarError, EOFError, zlib.error, UnicodeDecodeError,
                              ValueError)):
            where = f" (in {self.where})" if self.where else ""
            raise _corrupt(f"{type(error).__name__}: {error}{where}") from None
        return False


# --- from manifest to image --------------------------------------------------------------------


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
            self.instructions[layer.number] = _short(layer.instruction)
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
            self.children.get(_parent(gone), set()).discard(gone)
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
            parent = _parent(path)
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


def _short(instruction: str, width: int = 40) -> str:
    text = " ".join(instruction.split())
    return text if len(text) <= width else text[: width - 3] + "..."


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


def read_save_stream(source, name: str = "") -> ImageLayers:
    """Read a ``docker save`` tarball from a file object or an iterator of chunks (one pass)."""
    return analyze(SaveArchive().index(source), name)


def read_tarball(path, name: str = "") -> ImageLayers:
    """Read a tarball written by ``docker save -o PATH`` (streamed, one pass)."""
    with open(path, "rb") as file:
        return read_save_stream(file, name)


# --- from the engine ---------------------------------------------------------------------------


def _save_stream(client, name: str):
    """The engine's save stream for ``name``; similar to ``docker save NAME``."""
    require = getattr(client.api, "require_image", None)
    try:
        if require is not None:
            require(name)  # the guard's clear message, with "did you mean"
        else:
            client.api.inspect_image(name)
        return client.api.get_image(name, chunk_size=BUFSIZE)
    except DockerLabError:
        raise
    except Exception as error:
        raise translate(error) from None


def read_image(client, name: str, base: str | None = None, *,
               find_base: bool = True) -> ImageLayers:
    """Read image ``name`` from the engine as layers, in one streamed pass.

    Similar to ``docker save NAME`` + ``docker image history`` + ``docker image inspect``.
    ``base`` names the image it was built ``FROM``; by default the kit finds it (the nearest
    tagged ancestor, or the local image whose layers are the longest prefix of these).
    """
    chunks = _save_stream(client, name)
    try:
        image = read_save_stream(chunks, name)
    except DockerLabError:
        raise
    except Exception as error:  # the engine went away mid-stream
        raise translate(error) from None
    finally:
        getattr(chunks, "close", lambda: None)()  # an early stop releases the connection now
    try:
        image.image_id = client.api.inspect_image(name)["Id"]
        if base or find_base:
            image.mark_base(base_layer_count(client, name, image.diff_ids, base))
    except DockerLabError:
        raise
    except Exception as error:
        raise translate(error) from None
    return image


def base_layer_count(client, name: str, diff_ids: list[str], base: str | None = None) -> int:
    """How many of the bottom layers come from the base image (0 when there is none)."""
    if base:
        layers = client.api.inspect_image(base)["RootFS"].get("Layers") or []
        return len(layers) if layers == diff_ids[: len(layers)] else 0
    found = _tagged_ancestor(client, name)
    if found is not None:
        return len(found) if found == diff_ids[: len(found)] else 0
    best = 0
    own_id = client.api.inspect_image(name)["Id"]
    for listed in client.api.images():
        if listed["Id"] == own_id or not listed.get("RepoTags"):
            continue
        layers = client.api.inspect_image(listed["Id"])["RootFS"].get("Layers") or []
        if best < len(layers) < len(diff_ids) and layers == diff_ids[: len(layers)]:
            best = len(layers)
    return best


def _tagged_ancestor(client, name: str) -> list[str] | None:
    """The layers of the nearest tagged image up the ``Parent`` chain (classic builds)."""
    attrs = client.api.inspect_image(name)
    seen = 0
    while attrs.get("Parent") and seen < 500:
        seen += 1
        attrs = client.api.inspect_image(attrs["Parent"])
        tags = [t for t in attrs.get("RepoTags") or [] if t != "<none>:<none>"]
        if tags:
            return attrs["RootFS"].get("Layers") or []
    return None


class LayerStream:
    """Iterate the layer tars of an image's save stream, in archive order.

    ::

        stream = LayerStream(lab.client, "dockerlab/busybox")
        for layer in stream:                 # a LayerTar each
            for member in layer.tar: ...     # headers; layer.tar.extractfile(member) for data
            print(layer.diff_id)
        stream.image                         # the ImageLayers, once the loop is over
    """

    def __init__(self, client, name: str):
        self.name = name
        self.client = client
        self.archive = SaveArchive()
        self.image: ImageLayers | None = None

    def __iter__(self) -> Iterator[LayerTar]:
        chunks = _save_stream(self.client, self.name)
        with _archive_errors():
            for key, member in self.archive.members(chunks):
                with _archive_errors(key):
                    head = self.archive.take(key, member)
                if head is None:
                    continue
                layer = _LayerBytes(head, member)
                try:
                    with _archive_errors(key):
                        inner = tarfile.open(fileobj=layer.stream, mode="r|")
                        yield LayerTar(key, inner, layer)
                        self.archive.layers[key] = IndexedLayer([], [], [], layer.finish(),
                                                                layer.raw_count)
                finally:
                    layer.sha.close()
        self.image = analyze(self.archive, self.name)
        try:
            self.image.image_id = self.client.api.inspect_image(self.name)["Id"]
        except Exception as error:  # noqa: BLE001 - said in the kit's words
            raise translate(error) from None


def iter_layer_tars(client, name: str) -> Iterator[LayerTar]:
    """Yield each layer of ``name`` as a streaming tar, in archive order (see module doc)."""
    yield from LayerStream(client, name)


def file_tree(image: ImageLayers, layer_number: int | None = None, limit: int = 400) -> str:
    """One layer's changes, a path a line (``+`` added, ``~`` modified, ``-`` deleted), or the
    merged view when ``layer_number`` is None. Similar to ``docker diff`` for a layer."""
    if layer_number is None:
        rows = [(path, " ", item.entry) for path, item in sorted(image.merged.items())]
    else:
        layer = image.layers[layer_number - 1]
        mark = {"added": "+", "modified": "~", "deleted": "-"}
        entries = {entry.path: entry for entry in layer.entries}
        rows = [(c.path, mark[c.action], entries.get(c.path) or FileEntry(c.path, c.kind, c.size))
                for c in sorted(layer.changes, key=lambda c: c.path)]
    lines = []
    for path, sign, entry in rows[:limit]:
        name = "/" + path + ("/" if entry.is_dir else "")
        if entry.kind == "symlink":
            name += f" -> {entry.linkname}"
        size = "" if entry.is_dir or entry.kind == "symlink" else f"  ({human_size(entry.size)})"
        lines.append(f"{sign} {name}{size}")
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more")
    return "\n".join(lines)
