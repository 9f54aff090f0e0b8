"""Images: what they are made of, how they are built, and the kit's offline base image.

================  ============================================================================
``layers``        an image's layers from the ``docker save`` stream (face of the six below)
``model``         the data of an image read as layers
``text``          sizes and history instructions, as ``docker`` writes them
``layer_tar``     one layer tar, streamed and hashed
``save_archive``  the ``docker save`` stream, read once
``stacking``      layers stacked: changes, merged view, waste, efficiency
``reading``       from the engine, a file or a stream
``builder``       ``docker build`` driven from the kit, step by step
``instructions``  ENTRYPOINT/CMD, USER, HEALTHCHECK, ENV read back from images and containers
``base``          the kit's ``FROM scratch`` busybox image, built from Debian's busybox-static
``references``    image names: registry, repository, tag, digest
``manifest``      what an image ID is the digest of, per image store
``tarstream``     the lean one-pass tar reader under the layer reader
``pictures``      charts of layers and build steps
================  ============================================================================
"""

from .base import BUSYBOX_IMAGE, ensure_busybox_image
from .builder import build
from .reading import file_tree, read_image, read_save_stream
from .references import parse_reference
from .text import human_size

__all__ = ["BUSYBOX_IMAGE", "build", "ensure_busybox_image", "file_tree", "human_size",
           "parse_reference", "read_image", "read_save_stream"]
