"""The engine answered with an error status: which kit error that is, named after its object.

:func:`refusal` reads the request (method and path: ``POST /v1.41/containers/ID/unpause``)
and the engine's own words, and returns the matching kit class: an object that is not there
(:class:`ContainerNotFound`...), a state that does not allow the operation
(:class:`InvalidContainerState`), a name the engine rejects (:class:`VolumeNameInvalid`,
:class:`ImageNameInvalid`), or a refusal named after its object (:class:`ContainerRefused`,
:class:`ImageRefused`, :class:`NetworkRefused`, :class:`VolumeRefused`). The same function
serves docker-py's ``APIError`` and a hand-made request's answer.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from . import advice as say
from .classes import (
    ApiVersionRefused,
    BindSourceMissing,
    CommandNotFound,
    ContainerNotFound,
    ContainerRefused,
    DockerfileInvalid,
    DockerLabError,
    EngineRefused,
    ImageNameInvalid,
    ImageRefused,
    InvalidContainerState,
    NetworkNotFound,
    NetworkRefused,
    NoSuchImage,
    ObjectNotFound,
    PortTaken,
    ResourceLimitInvalid,
    VolumeInUse,
    VolumeNameInvalid,
    VolumeNotFound,
    VolumeRefused,
)
from .connection import PLAIN_HTTP, plain_http

_API_VERSION = re.compile(r"(client version \S+ is too (old|new)|(minimum|maximum) supported "
                          r"API version)", re.I)
_VERSION_LIMIT = re.compile(r"client version (?P<asked>[\d.]+) is too (?P<how>new|old)\. "
                            r"(?:Maximum|Minimum) supported API version is (?P<limit>[\d.]+)",
                            re.I)
_INVALID_REFERENCE = re.compile(r"(invalid reference format|invalid repository name|"
                                r"must be lowercase|invalid tag format|not a valid "
                                r"repository/tag)", re.I)
_NO_SUCH_IMAGE = re.compile(r"(No such image|pull access denied|manifest unknown|"
                            r"repository does not exist)", re.I)
_STATE = re.compile(r"(is not running|is not paused|is already paused|is paused|"
                    r"is restarting|cannot remove a running container|"
                    r"cannot (stop|kill|pause|unpause|restart|remove|start)|"
                    r"is already in progress|is marked for removal|is dead)", re.I)
_PORT = re.compile(r"(port is already allocated|address already in use)", re.I)
_LIMIT = re.compile(r"(minimum memory limit|memory limit should be|cpu|nanocpus|"
                    r"memoryswap)", re.I)
_VOLUME_NAME = re.compile(r'"?(?P<name>[^"]*)"? includes invalid characters for a local '
                          r"volume name", re.I)
_KIND_WORDS = re.compile(r"\b(container|image|network|volume)\b", re.I)
_KINDS = {"containers": "container", "exec": "container", "images": "image",
          "build": "image", "commit": "image", "distribution": "image",
          "networks": "network", "volumes": "volume"}


@dataclass
class Request:
    """What a refused request was about: ``POST /containers/web/unpause`` is the container
    ``web`` and the verb ``unpause``."""

    method: str = ""
    path: str = ""
    kind: str = ""
    name: str = ""
    verb: str = ""

    @classmethod
    def parse(cls, method: str, url: str, about: str | None = None) -> Request:
        path = urllib.parse.urlsplit(url or "").path
        parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
        if parts and re.fullmatch(r"v[\d.]+", parts[0]):
            parts = parts[1:]
        if not parts:
            return cls(method, path, about or "")
        kind = about or _KINDS.get(parts[0], "")
        rest = parts[1:]
        return cls(method, path, kind, *_name_and_verb(method, parts[0], rest))


def _name_and_verb(method: str, collection: str, rest: list[str]) -> tuple[str, str]:
    if collection == "commit":
        return "", "commit"
    if collection == "build":
        return "", "build"
    if not rest or rest == ["json"]:
        return "", "list" if method == "GET" else "create"
    if rest[0] in ("create", "prune", "load", "search", "get"):
        return "", rest[0]
    if method == "DELETE":  # DELETE /images/dockerlab/busybox:latest
        return "/".join(rest), "remove"
    name = "/".join(rest[:-1]) if len(rest) > 1 else rest[0]
    if len(rest) == 1:
        return name, {"DELETE": "remove", "GET": "inspect"}.get(method, "update")
    verb = rest[-1]
    return name, {"json": "inspect", "exec": "exec"}.get(verb, verb)


def refusal(status: int | None, text: str, request: Request, *, engine: str,
            reason: str = "", response=None) -> DockerLabError:
    """The kit's error for an engine that answered ``status`` with ``text``."""
    details = {"response": response, "explanation": text}
    if not request.kind:
        request.kind = _kind_in(text)
    if PLAIN_HTTP in text:
        return plain_http(engine)
    version = _API_VERSION.search(text)
    if version:
        return _version_refused(text, engine, details)
    if status == 404 or _NO_SUCH_IMAGE.search(text) and status in (None, 400, 404, 500):
        missing = _not_found(text, request, engine, details)
        if missing is not None:
            return missing
    special = _special(text, request, engine, details)
    if special is not None:
        return special
    return _refused(status, text, request, engine, reason, details)


def _kind_in(text: str) -> str:
    """The kind of object the engine's words name, for a refusal whose request is unknown."""
    match = _KIND_WORDS.search(text)
    return match.group(1).lower() if match else ""


def _version_refused(text: str, engine: str, details: dict) -> ApiVersionRefused:
    match = _VERSION_LIMIT.search(text)
    if match is None:
        return ApiVersionRefused(f"{engine} refused the API version asked for: {text}.",
                                 say.API_VERSION, **details)
    side = "newest" if match.group("how") == "new" else "oldest"
    return ApiVersionRefused(
        f"{engine} does not speak REST API version {match.group('asked')} (its {side} is "
        f"{match.group('limit')}): {text}", say.API_VERSION, **details)


def _not_found(text: str, request: Request, engine: str, details: dict):
    kind = request.kind
    if _NO_SUCH_IMAGE.search(text) or kind == "image":
        return NoSuchImage(f"The image is not in the engine's local store: {text}.",
                            say.IMAGE_MISSING, **details)
    if "no such exec" in text.lower():
        return ContainerNotFound(f"{engine} has no such exec instance: {text}.",
                                 say.NOT_FOUND["container"], **details)
    if "no such volume" in text.lower():
        kind = "volume"
    if not kind and "no such" not in text.lower():
        return None  # a path the engine does not know: the generic refusal names it
    cls = {"container": ContainerNotFound, "network": NetworkNotFound,
           "volume": VolumeNotFound}.get(kind, ObjectNotFound)
    what = f"{kind} '{request.name}'" if kind and request.name else (kind or "such object")
    return cls(f"There is no {what} on {_lower(engine)}: {text}.",
               say.NOT_FOUND.get(kind, say.NOT_FOUND[""]), **details)


def _special(text: str, request: Request, engine: str, details: dict):
    """The refusals the kit knows by their words (state, names, ports, limits, mounts)."""
    if "dockerfile parse error" in text.lower() or "unknown instruction" in text:
        return DockerfileInvalid(f"The Dockerfile has a syntax error: {text}.",
                                 say.DOCKERFILE, **details)
    if _INVALID_REFERENCE.search(text):
        return ImageNameInvalid(f"That image name or tag is not valid: {text}.",
                                say.IMAGE_NAME, **details)
    match = _VOLUME_NAME.search(text)
    if match:
        return VolumeNameInvalid(
            f"The engine refused the volume name '{match.group('name')}': {text}.",
            say.VOLUME_NAME, **details)
    if "bind source path does not exist" in text:
        return BindSourceMissing(f"{engine} refused a bind mount: {text}.", say.BIND_SOURCE,
                                 **details)
    if request.kind == "volume" and "in use" in text:
        return VolumeInUse(f"{engine} keeps the volume '{request.name}': {text}.",
                           say.VOLUME_IN_USE, **details)
    if "executable file not found" in text:
        return CommandNotFound(f"The command does not exist in the image: {text}.",
                               say.COMMAND_NOT_FOUND, **details)
    if _PORT.search(text):
        return PortTaken(f"A host port asked for is taken: {text}.", say.PORT_TAKEN,
                         **details)
    if request.kind == "container" and _STATE.search(text):
        return InvalidContainerState(
            f"{engine} refused to {request.verb or 'do that to'} the container"
            f"{_named(request)}: {text}.", say.state_advice(text), **details)
    if request.kind == "container" and _LIMIT.search(text) and request.verb == "create":
        return ResourceLimitInvalid(f"{engine} refused a resource limit: {text}.",
                                    say.RESOURCE_LIMIT, **details)
    return None


def _refused(status, text: str, request: Request, engine: str, reason: str, details: dict):
    cls = {"container": ContainerRefused, "image": ImageRefused, "network": NetworkRefused,
           "volume": VolumeRefused}.get(request.kind, EngineRefused)
    asked = f" to {request.method} {request.path}" if request.path else ""
    answer = f" {status} {reason}".rstrip() if status else ""
    return cls(f"{engine} answered{answer}{asked}: {text}.", say.REFUSED, **details)


def _named(request: Request) -> str:
    return f" '{request.name}'" if request.name else ""


def _lower(phrase: str) -> str:
    return phrase[:1].lower() + phrase[1:] if phrase.startswith("The ") else phrase
