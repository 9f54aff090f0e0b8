"""Sizes and Dockerfile instructions, written the way ``docker`` prints them.

``human_size`` is the kit's one way of writing a byte count (layers, images, registry
blobs, build steps); ``instruction_of`` turns an image history's ``created_by`` into the
Dockerfile instruction behind it.
"""

from __future__ import annotations

import re


def human_size(size: float) -> str:
    """``1536`` -> ``'1.5 kB'`` (decimal units, as ``docker images`` prints them)."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(size) < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_KEYWORDS = ("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
             "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK",
             "SHELL", "MAINTAINER")


def instruction_of(created_by: str) -> str:
    """The Dockerfile instruction behind a history ``created_by`` string, as ``docker
    history`` shows it, the same for both builders.

    The classic builder writes a ``RUN`` as the command it ran, without the keyword
    (``/bin/sh -c echo hi``; with build args ``|1 V=2 /bin/sh -c make``; the exec form
    ``echo hi``) and the other instructions after ``#(nop)``; BuildKit writes the keyword
    and a `` # buildkit`` marker (``RUN |1 V=2 /bin/sh -c make # buildkit``). So:
    ``/bin/sh -c #(nop)  CMD ["sh"]`` -> ``CMD ["sh"]``; ``/bin/sh -c echo hi`` and
    ``RUN /bin/sh -c echo hi # buildkit`` -> ``RUN /bin/sh -c echo hi``;
    ``|1 V=2 /bin/sh -c make`` -> ``RUN |1 V=2 /bin/sh -c make``.
    """
    text = (created_by or "").strip()
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    if _NOP.match(text):
        return _NOP.sub("", text).strip()
    if not text:
        return ""
    if text.split(" ", 1)[0] in _KEYWORDS:  # BuildKit's, upper case (`env` is a program)
        return text
    return "RUN " + text


def shorten(instruction: str, width: int = 40) -> str:
    """An instruction on one line of at most ``width`` characters."""
    text = " ".join(instruction.split())
    return text if len(text) <= width else text[: width - 3] + "..."
