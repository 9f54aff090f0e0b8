"""A learner's name as typed at the log-in page, made into a safe Linux user name.

``"Ada Lovelace"`` becomes ``dl-ada-lovelace``: lower case, accents dropped (``Zoë`` ->
``zoe``), any run of other characters one ``-``, cut to 32 characters (what ``useradd``
takes), always behind the ``dl-`` prefix so that no learner can log in as ``root`` or any
other account of the machine. A name with no letter or digit left (``李雷``) is refused with a
message saying what to type instead.
"""

from __future__ import annotations

import re
import unicodedata

PREFIX = "dl-"
MAX_LENGTH = 32  # useradd's limit on Debian


class BadLearnerName(ValueError):
    """A name the classroom cannot turn into a user name; its text is for the learner."""


def system_name(typed: str) -> str:
    """The system user name for the learner name ``typed`` (see the module's doc)."""
    text = typed.strip()
    if text.lower().startswith(PREFIX):
        text = text[len(PREFIX):]
    ascii_text = (unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
                  .decode("ascii").lower())
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not slug:
        raise BadLearnerName(
            f"The name {typed!r} has no letter a-z or digit the machine can use for your "
            "account. Type your name in Latin letters (for example 'li lei'); spaces and "
            "accents are fine.")
    return (PREFIX + slug)[:MAX_LENGTH].rstrip("-")


def is_learner(name: str) -> bool:
    """Whether ``name`` is a user name the classroom made (what it may remove)."""
    return name.startswith(PREFIX) and system_name(name) == name
