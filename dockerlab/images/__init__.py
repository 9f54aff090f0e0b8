"""Images: what they are made of, how they are built, and the kit's offline base image.

================  ============================================================================
``layers``        an image's layers from the ``docker save`` stream (face of the six below)
``model``         the data of an image read as layers
``text``          sizes and history instructions, as ``docker`` writes them
``layer_tar``     one layer tar, streamed and hashed
``save_archive``  the ``docker save`` stream, read once
``stacking``      layers stacked: changes, merged view, waste, efficiency
``reading``       from the engine, a file or a stream
``builder``       ``docker build`` driven from the kit, step by step (BuildKit or classic)
``steps``         a build as steps: cached or ran, seconds, output, layer; the totals
``buildkit``      the docker CLI that reaches BuildKit here, and how it is run
``progress``      BuildKit's rawjson and plain progress, parsed into steps
``classic``       the classic builder's ``Step N/M`` stream (``builder="classic"``)
``failures``      a failed BuildKit build as one paragraph
``build_cache``   BuildKit's cache records; a session prunes only its own
``build_views``   what notebook 02 prints and draws of a build
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
