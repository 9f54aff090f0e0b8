"""One layer tar, read as a stream: its file headers, whiteouts and diff ID.

A layer's file headers are kept (path, kind, size, mode: a few hundred bytes per file); its
file contents only flow through a SHA-256 (which gives the layer's diff ID, checked against
the image config; the hashing runs on a second thread). A whiteout ``.wh.<name>`` deletes a
path of the layers below; an opaque directory ``.wh..wh..opq`` hides everything below it.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import queue
import tarfile
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from .model import FileEntry
from .tarstream import ByteStream, Member, iter_tar

WHITEOUT_PREFIX = ".wh."
OPAQUE = ".wh..wh..opq"


def normal_path(name: str) -> str:
    """A member name as a clean relative path: ``./usr/bin/`` -> ``usr/bin``."""
    if not name.startswith(("/", ".")) and "/." not in name and "//" not in name:
        return name.rstrip("/")  # the common case, made cheap
    name = posixpath.normpath("/" + name).lstrip("/")
    return "" if name == "." else name


def parent_path(path: str) -> str:
    """The directory holding ``path``: ``usr/bin/sh`` -> ``usr/bin``."""
    return path.rpartition("/")[0]


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
    path = normal_path(member.name)
    base = posixpath.basename(path)
    if base == OPAQUE:
        return "opaque", parent_path(path)
    if base.startswith(WHITEOUT_PREFIX):
        return "whiteout", posixpath.join(parent_path(path), base[len(WHITEOUT_PREFIX):])
    return "entry", path


def index_layer(members: Iterable[tarfile.TarInfo]) -> tuple[list, list, list]:
    """Headers of one layer tar -> (entries, whiteout paths, opaque dir paths)."""
    entries, whiteouts, opaque = [], [], []
    for member in members:
        if ".wh." not in member.name:
            path = normal_path(member.name)
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


class LayerBytes:
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
    layer = LayerBytes(head, member)
    try:
        entries, whiteouts, opaque = index_layer(item.info for item in iter_tar(layer.stream))
        diff_id = layer.finish()
    finally:
        layer.sha.close()
    return IndexedLayer(entries, whiteouts, opaque, diff_id, layer.raw_count)

