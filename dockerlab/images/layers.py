"""An image, read as the stack of layers it really is, from the engine's save stream.

Similar to ``docker save IMAGE | tar -t`` plus ``docker image history`` and
``docker image inspect``, joined up::

    image = read_image(lab.client, "dockerlab/busybox")
    image.layers[0].instruction        # 'COPY dir:7e34... in /'
    image.layers[0].changes            # [Change('added', 'bin/busybox', 1.9 MB), ...]
    image.merged["bin/sh"]             # what a container sees, and which layer put it there
    image.config.cmd                   # ['sh']
    image.waste().files[0].reason      # 'written in layer 2 (RUN ...), deleted in layer 3 ...'

This module is the face of the layer reader: the names above (and the rest below) are
imported from here; each part lives in a module of its own.

===============  ===========================================================================
``model``        the data: FileEntry, Change, Layer, HistoryStep, ImageConfig, ImageLayers...
``text``         ``human_size`` and ``instruction_of``: sizes and history as ``docker`` says them
``layer_tar``    one layer tar, streamed: headers, whiteouts, its SHA-256 (the diff ID)
``save_archive`` the save stream, read once: JSON documents and layer tars, both layouts
``stacking``     layers stacked bottom first: changes, merged view, waste, efficiency
``reading``      from the engine, a file or a stream: ``read_image``, ``LayerStream``...
===============  ===========================================================================

How it reads, and what it never does
------------------------------------
The save stream is read ONCE, as a stream: never written to disk, never extracted, never
held whole in memory (:mod:`dockerlab.images.save_archive`). Each layer tar inside is read as
a stream too: its file headers are kept, its contents only flow through a SHA-256
(:mod:`dockerlab.images.layer_tar`). Memory grows with the number of files in the image, not
with their bytes. Docker's own layout (Engine < 25) and the OCI layout (Engine 25+) are both
understood; which image of the archive, and what its ID is the digest of, is
:mod:`dockerlab.images.manifest`'s job. What waste and efficiency mean exactly is in
:mod:`dockerlab.images.stacking`.

For other tools (the under-the-hood notebook stacks a real image as an overlay)
-------------------------------------------------------------------------------
:func:`iter_layer_tars` yields one :class:`LayerTar` per layer, in ARCHIVE order, each with a
streaming ``tarfile.TarFile`` to read its members from (``for m in layer.tar`` and
``layer.tar.extractfile(m)``) before asking for the next layer. ``layer.diff_id`` is known
once its members have been read (it is the SHA-256 of the layer tar). The stack order
(bottom first) is ``client.api.inspect_image(name)["RootFS"]["Layers"]``; extract each layer
under its diff ID, then stack in that order.
"""

from __future__ import annotations

from .layer_tar import (
    OPAQUE,
    WHITEOUT_PREFIX,
    IndexedLayer,
    index_layer,
    read_layer,
    split_member,
)
from .model import (
    Change,
    FileEntry,
    HistoryStep,
    ImageConfig,
    ImageLayers,
    Layer,
    MergedFile,
    Waste,
    WastedCopy,
)
from .reading import (
    LayerStream,
    base_layer_count,
    file_tree,
    iter_layer_tars,
    read_image,
    read_save_stream,
    read_tarball,
)
from .save_archive import BUFSIZE, MAX_JSON, ZSTD_MAGIC, ChunkReader, LayerTar, SaveArchive
from .stacking import analyze, match_history, stack
from .text import human_size, instruction_of

__all__ = [
    "BUFSIZE", "MAX_JSON", "OPAQUE", "WHITEOUT_PREFIX", "ZSTD_MAGIC", "Change", "ChunkReader",
    "FileEntry", "HistoryStep", "ImageConfig", "ImageLayers", "IndexedLayer", "Layer",
    "LayerStream", "LayerTar", "MergedFile", "SaveArchive", "Waste", "WastedCopy", "analyze",
    "base_layer_count", "file_tree", "human_size", "index_layer", "instruction_of",
    "iter_layer_tars", "match_history", "read_image", "read_layer", "read_save_stream",
    "read_tarball", "split_member", "stack",
]
