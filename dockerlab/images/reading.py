"""Reading an image as layers: from the engine (``docker save``), a file or any stream.

Similar to ``docker save NAME`` + ``docker image history`` + ``docker image inspect``,
joined up in one streamed pass (see :mod:`dockerlab.images.layers` for the whole picture).
:class:`LayerStream` hands out each layer as a streaming tar, for tools that unpack layers
(the under-the-hood notebook stacks a real image as an overlay).
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator

from ..errors import archive_errors, mapped
from .layer_tar import IndexedLayer, LayerBytes
from .model import FileEntry, ImageLayers
from .save_archive import BUFSIZE, LayerTar, SaveArchive
from .stacking import analyze
from .text import human_size


def read_save_stream(source, name: str = "") -> ImageLayers:
    """Read a ``docker save`` tarball from a file object or an iterator of chunks (one pass)."""
    return analyze(SaveArchive().index(source), name)


def read_tarball(path, name: str = "") -> ImageLayers:
    """Read a tarball written by ``docker save -o PATH`` (streamed, one pass)."""
    with open(path, "rb") as file:
        return read_save_stream(file, name)



@mapped(about="image")
def _save_stream(client, name: str):
    """The engine's save stream for ``name``; similar to ``docker save NAME``."""
    require = getattr(client.api, "require_image", None)
    if require is not None:
        require(name)  # the guard's clear message, with "did you mean"
    else:
        client.api.inspect_image(name)
    return client.api.get_image(name, chunk_size=BUFSIZE)


def read_image(client, name: str, base: str | None = None, *,
               find_base: bool = True) -> ImageLayers:
    """Read image ``name`` from the engine as layers, in one streamed pass.

    Similar to ``docker save NAME`` + ``docker image history`` + ``docker image inspect``.
    ``base`` names the image it was built ``FROM``; by default the kit finds it (the nearest
    tagged ancestor, or the local image whose layers are the longest prefix of these).
    """
    chunks = _save_stream(client, name)
    try:
        with mapped(about="image"):  # the engine may go away mid-stream
            image = read_save_stream(chunks, name)
    finally:
        getattr(chunks, "close", lambda: None)()  # an early stop releases the connection now
    with mapped(about="image"):
        image.image_id = client.api.inspect_image(name)["Id"]
        if base or find_base:
            image.mark_base(base_layer_count(client, name, image.diff_ids, base))
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
        with archive_errors():
            for key, member in self.archive.members(chunks):
                with archive_errors(key):
                    head = self.archive.take(key, member)
                if head is None:
                    continue
                layer = LayerBytes(head, member)
                try:
                    with archive_errors(key):
                        inner = tarfile.open(fileobj=layer.stream, mode="r|")
                        yield LayerTar(key, inner, layer)
                        self.archive.layers[key] = IndexedLayer([], [], [], layer.finish(),
                                                                layer.raw_count)
                finally:
                    layer.sha.close()
        self.image = analyze(self.archive, self.name)
        with mapped(about="image"):
            self.image.image_id = self.client.api.inspect_image(self.name)["Id"]


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
