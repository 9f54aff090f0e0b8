"""An image archive (``docker save``, an OCI layout) that cannot be read: one clear error."""

from __future__ import annotations

import contextlib
import tarfile
import zlib

from .classes import DockerLabError, ImageError

#: what reading a cut-short or foreign archive raises
READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, UnicodeDecodeError, ValueError)


def corrupt_archive(detail: str) -> ImageError:
    """The one error for an archive that is cut short or not an image archive at all."""
    return ImageError(
        f"The image archive is corrupted or truncated: {detail}.",
        "Save the image again (`docker save -o image.tar NAME`, or read it straight from the "
        "engine with `read_image(lab.client, NAME)`); a partial download or copy cuts the "
        "archive short.")


class archive_errors(contextlib.ContextDecorator):
    """Tar, gzip and JSON read errors inside become :func:`corrupt_archive` (naming
    ``where``, a member of the archive, when given); kit errors pass untouched."""

    def __init__(self, where: str = ""):
        self.where = where

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, DockerLabError):
            return False
        if isinstance(error, READ_ERRORS):
            where = f" (in {self.where})" if self.where else ""
            raise corrupt_archive(f"{type(error).__name__}: {error}{where}") from None
        return False
