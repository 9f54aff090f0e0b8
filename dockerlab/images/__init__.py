"""Images: what they are made of, how they are built, and the kit's offline base image.

============  ================================================================================
``layers``    reading an image's layers from the ``docker save`` stream
``builder``   ``docker build`` driven from the kit, step by step
``base``      the kit's ``FROM scratch`` busybox base image, built from Debian's busybox-static
``references`` image names: registry, repository, tag, digest
``manifest``  what an image ID is the digest of, per image store
``tarstream`` the lean one-pass tar reader under the layer reader
``pictures``  charts of layers and build steps
============  ================================================================================
"""

from .base import BUSYBOX_IMAGE, ensure_busybox_image
from .builder import build
from .layers import file_tree, human_size, read_image, read_save_stream
from .references import parse_reference

__all__ = ["BUSYBOX_IMAGE", "build", "ensure_busybox_image", "file_tree", "human_size",
           "parse_reference", "read_image", "read_save_stream"]
