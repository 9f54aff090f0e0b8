"""The one mapper: any lower-level error becomes the kit's own, keeping the engine's words.

:func:`translate` is called by the kit's transport on every failed request
(:class:`dockerlab.engine.transport.EngineAPIClient`), by the notebook display, and by
:func:`mapped`, the one way kit code says "errors in here are the kit's"::

    with mapped(about="network"):
        lab.client.networks.create(name)

    @mapped(about="volume")
    def create_volume(lab, name): ...
"""

from __future__ import annotations

import contextlib

import docker.errors
import requests.exceptions

from .classes import (
    ApiVersionRefused,
    BuildFailed,
    CommandFailed,
    DockerLabError,
)
from .connection import connection_error, is_connection_problem
from .refusals import Request, refusal


def translate(error: BaseException, *, engine: str | None = None, url: str | None = None,
              about: str | None = None) -> DockerLabError:
    """The kit's error for ``error`` (a kit error is returned as it is).

    ``url`` (or ``engine``, a phrase like "The engine at unix:///...") says where the
    session was talking to; ``about`` names the kind of object (``"container"``,
    ``"image"``, ``"network"``, ``"volume"``) when the request does not tell.
    """
    if isinstance(error, DockerLabError):
        return error
    cause = error.__cause__ or error.__context__
    if isinstance(error, docker.errors.DockerException) and isinstance(cause, DockerLabError):
        return cause  # docker-py wrapped the kit's error ("Error while fetching server API...")
    engine = engine or (f"The engine at {url}" if url else "the Docker Engine")
    if isinstance(error, docker.errors.APIError):
        return api_refusal(error, engine=engine, about=about)
    if is_connection_problem(error, url) or _bad_address(error):
        return connection_error(error, url, engine)
    return _sdk_error(error, engine)


def api_refusal(error: docker.errors.APIError, *, engine: str = "the Docker Engine",
                about: str | None = None) -> DockerLabError:
    """The kit's error for docker-py's ``APIError`` (the engine answered an error status)."""
    response = error.response
    request = getattr(response, "request", None)
    method = getattr(request, "method", "") or ""
    url = getattr(request, "url", None) or getattr(response, "url", "") or ""
    status = getattr(response, "status_code", None)
    if status is None and isinstance(error, docker.errors.NotFound):
        status = 404
    return refusal(status, _explanation(error),
                   Request.parse(method, url, about), engine=_capital(engine),
                   reason=getattr(response, "reason", "") or "", response=response)


def _sdk_error(error: BaseException, engine: str) -> DockerLabError:
    if isinstance(error, docker.errors.InvalidVersion):
        return ApiVersionRefused(
            f"{_capital(engine)} speaks an API version too old for this: "
            f"{_explanation(error)}.",
            "This feature needs a newer Docker Engine (`dockerlab engine facts` shows the "
            "versions it accepts); the rest of the kit works on this one.")
    if isinstance(error, docker.errors.BuildError):
        return BuildFailed(f"The build stopped: {error.msg}",
                           "Look at the failing step's output above, fix the Dockerfile "
                           "and build again.", build_log=error.build_log)
    if isinstance(error, docker.errors.ContainerError):
        return command_failed(error)
    if isinstance(error, (docker.errors.DockerException, requests.exceptions.RequestException)):
        return DockerLabError(f"Docker reported: {_explanation(error)}")
    return DockerLabError(f"{type(error).__name__}: {error}")


def command_failed(error: docker.errors.ContainerError) -> CommandFailed:
    """``containers.run`` of a command that exited non-zero, with what it printed."""
    output = error.stderr or b""
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    output = output.strip()
    return CommandFailed(
        f"The command {error.command!r} exited with status {error.exit_status} in image "
        f"'{error.image}'." + (f" It printed:\n{output}" if output else ""),
        "Read what the command printed; run it with `lab.start(...)` and look at "
        "`container.logs()` to investigate.",
        container=error.container, exit_status=error.exit_status, command=error.command,
        image=error.image, stderr=error.stderr)


class mapped(contextlib.ContextDecorator):
    """Errors raised inside become the kit's (:func:`translate`), without the chain.

    A context manager and a decorator. ``about`` names the kind of object (for a refusal
    the request does not name), ``url`` the engine; a kit error passes through untouched.
    """

    def __init__(self, about: str | None = None, *, url: str | None = None,
                 engine: str | None = None):
        self.about, self.url, self.engine = about, url, engine

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if error is None or isinstance(error, DockerLabError) \
                or not isinstance(error, Exception):
            return False  # KeyboardInterrupt, SystemExit, GeneratorExit pass as they are
        raise translate(error, engine=self.engine, url=self.url, about=self.about) from None


def _bad_address(error: BaseException) -> bool:
    text = str(error)
    return isinstance(error, docker.errors.DockerException) and "http+docker" not in text \
        and "scheme" in text.lower()


def _explanation(error) -> str:
    explanation = getattr(error, "explanation", None) or str(error)
    if isinstance(explanation, bytes):
        explanation = explanation.decode(errors="replace")
    return str(explanation).strip().rstrip(".")


def _capital(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


__all__ = ["api_refusal", "command_failed", "mapped", "translate"]
