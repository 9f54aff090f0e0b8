"""The save stream (``docker save``), read once: its JSON documents and its layer tars.

The save stream (``client.api.get_image(name)``, an iterator of chunks) is read ONCE, as a
stream, in the spirit of ``tarfile.open(fileobj=..., mode="r|")``: it is never written to
disk, never extracted, never held whole in memory. Each layer tar met on the way is indexed
as it streams by (:mod:`dockerlab.images.layer_tar`), under its name in the archive; the
JSON members (manifests, configs, index) are kept. Once the stream has ended,
:mod:`dockerlab.images.manifest` says which documents name the image and
:func:`~dockerlab.images.stacking.analyze` puts the layers in stack order, so nothing is read
twice whether the manifest comes first or last (as Docker writes it: members are in name
order, so layers come before ``manifest.json``/``index.json``).

Two layouts are understood:

* Docker's own ``docker save`` layout (Engine < 25, ``layout == "docker"``):
  ``manifest.json``, ``<config>.json``, ``<v1-id>/layer.tar`` (a duplicate layer is a
  symlink to the first copy);
* the OCI layout (Engine 25+, ``layout == "oci"``): ``index.json``, ``oci-layout``,
  ``blobs/sha256/<digest>`` holding manifests, config and layers (plain tars from the
  classic image store, gzip-compressed from the containerd image store and other tools),
  plus Docker's compatibility ``manifest.json`` when Docker wrote it.

The tar reading itself is :mod:`dockerlab.images.tarstream`, a lean reader that hands out
views of the chunks instead of copying them: ``tarfile``'s stream mode re-copies its buffer
on every header read, which made nested streams of tens of thousands of files several times
slower than the stream itself.
"""

from __future__ import annotations

import io
import json
import posixpath
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import ImageError, archive_errors
from .layer_tar import IndexedLayer, LayerBytes, normal_path, parent_path, read_layer
from .manifest import corrupt as _corrupt
from .tarstream import ByteStream, Member, iter_tar

#: bytes asked of the engine (and of a file) at a time
BUFSIZE = 1 << 20
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: JSON members larger than this are not kept (configs and manifests are a few KB)
MAX_JSON = 16 << 20



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
    _bytes: LayerBytes

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
            name = normal_path(info.name)
            if info.issym() or info.islnk():
                target = info.linkname if info.islnk() else \
                    posixpath.join(parent_path(name), info.linkname)
                self.links[name] = normal_path(target)
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
        with archive_errors():
            for name, member in self.members(source):
                with archive_errors(name):
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
