"""Image references (``registry/name:tag@digest``): parsing, checking, and "did you mean".

Pure functions, no engine needed. The grammar is Docker's, simplified where learners never go.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from dataclasses import dataclass

from ..errors import ImageNameInvalid

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)*"
                   r"|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$")
_REMAINDER = re.compile(
    rf"^(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>[a-z0-9]+:[a-f0-9]{32,}))?$")
DEFAULT_REGISTRY = "docker.io"


@dataclass(frozen=True)
class Reference:
    """A parsed image reference."""

    registry: str
    path: str
    tag: str | None
    digest: str | None

    @property
    def is_loopback_registry(self) -> bool:
        """True when the registry is on this machine (``localhost:5000``, ``127.0.0.1:…``)."""
        host = self.registry.rsplit(":", 1)[0] if not self.registry.endswith("]") \
            else self.registry
        host = host.strip("[]")
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def _split_registry(name: str) -> tuple[str | None, str]:
    """Docker's rule: the part before the first '/' is a registry when it looks like a host."""
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
        return first, rest
    return None, name


def parse_reference(name: str) -> Reference:
    """Parse ``name``; raise :class:`ImageNameInvalid` with a sentence saying what is wrong."""
    if not isinstance(name, str) or not name.strip():
        raise ImageNameInvalid("An image name is empty.",
                               "Give a name such as `dockerlab/busybox:latest`.")
    host, remainder = _split_registry(name)
    match = _REMAINDER.match(remainder)
    if match is None or (host is not None and not _HOST.match(host)):
        raise ImageNameInvalid(f"'{name}' is not a valid image name.", _why_invalid(name))
    return Reference(host or DEFAULT_REGISTRY, match.group("path"), match.group("tag"),
                     match.group("digest"))


def _why_invalid(name: str) -> str:
    if name != name.lower() and _REMAINDER.match(_split_registry(name.lower())[1]):
        return f"Image names are lowercase: did you mean '{name.lower()}'?"
    if " " in name:
        return "Image names have no spaces."
    if name.count(":") > 1 and "@" not in name:
        return "Only one ':tag' is allowed, at the end (a registry port comes before a '/')."
    return "Use `name`, `name:tag` or `registry:port/name:tag`, in lowercase letters, digits, " \
           "'.', '_' and '-'."


def is_public(name: str) -> bool:
    """True when pulling ``name`` would contact a registry that is not on this machine."""
    return not parse_reference(name).is_loopback_registry


def suggest(name: str, known: list[str]) -> str | None:
    """The closest known tag to a mistyped ``name``, if one is close enough."""
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not matches and ":" not in name:
        matches = difflib.get_close_matches(f"{name}:latest", known, n=1, cutoff=0.6)
    return matches[0] if matches else None
