"""The labels that mark every Docker object the kit creates, and the filters that find them.

Every container, image, network and volume made through a :class:`~dockerlab.lab.Lab`
carries three labels:

``io.dockerlab.kit``       always ``dockerlab``: the kit made it
``io.dockerlab.session``   the session that made it: what ``lab.cleanup()`` removes
``io.dockerlab.notebook``  the notebook (or test) that opened the session

The kit's shared base images carry ``io.dockerlab.kit`` and ``io.dockerlab.base`` but no
session: sessions reuse them, and only ``dockerlab clean --all`` removes them.

A caveat Docker imposes: an image built ``FROM`` a labelled image inherits its labels.
"""

from __future__ import annotations

import os
import re
import secrets

KIT = "io.dockerlab.kit"
SESSION = "io.dockerlab.session"
NOTEBOOK = "io.dockerlab.notebook"
BASE = "io.dockerlab.base"
#: marks the few privileged helper containers of the under-the-hood demos
PRIVILEGED = "io.dockerlab.privileged"

KIT_VALUE = "dockerlab"

#: prefix added to every new session id (the test suite sets it to find its own objects)
SESSION_PREFIX_ENV = "DOCKERLAB_SESSION_PREFIX"


def new_session_id(notebook: str) -> str:
    """A short, unique, readable session id such as ``00-welcome-3f9a1c``."""
    stem = re.sub(r"[^a-z0-9]+", "-", notebook.lower()).strip("-")[:32] or "session"
    prefix = os.environ.get(SESSION_PREFIX_ENV, "")
    return f"{prefix}{stem}-{secrets.token_hex(3)}"


def session_labels(session: str, notebook: str) -> dict[str, str]:
    """The labels every object of one session carries."""
    return {KIT: KIT_VALUE, SESSION: session, NOTEBOOK: notebook}


def base_labels(name: str) -> dict[str, str]:
    """The labels of a kit base image (shared by all sessions)."""
    return {KIT: KIT_VALUE, BASE: name}


def session_filter(session: str) -> dict[str, list[str]]:
    """A docker-py ``filters=`` argument matching one session's objects."""
    return {"label": [f"{KIT}={KIT_VALUE}", f"{SESSION}={session}"]}


def kit_filter() -> dict[str, list[str]]:
    """A docker-py ``filters=`` argument matching every object the kit labelled."""
    return {"label": [f"{KIT}={KIT_VALUE}"]}


def with_labels(given: dict | list | None, labels: dict[str, str]) -> dict[str, str]:
    """Merge the kit's labels into labels the caller gave (a dict or a list of keys)."""
    if given is None:
        merged: dict[str, str] = {}
    elif isinstance(given, dict):
        merged = dict(given)
    else:
        merged = {key: "" for key in given}
    merged.update(labels)
    return merged
