"""Recording the SDK's requests: what docker-py sends the engine, and what comes back.

:class:`WireRecorder` hooks docker-py's transport (``client.api.send``, the one place every
SDK call passes) and records method, path with the API version, query, status and a
trimmed, secret-free body; similar to ``dockerd --debug`` showing the calls it serves.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass

BODY_LIMIT = 160
SECRET_KEYS = {"password", "identitytoken", "registrytoken", "auth", "secret", "token"}


def trim(text: str, limit: int = BODY_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} chars)"


def redact(value):
    """A copy of a JSON value with passwords and tokens replaced by ``***``."""
    if isinstance(value, dict):
        return {k: "***" if k.lower() in SECRET_KEYS and v else redact(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def body_text(body, limit: int = BODY_LIMIT) -> str:
    """A short, secret-free text for a request or response body."""
    if body is None or body == b"" or body == "":
        return ""
    if not isinstance(body, (bytes, str)):
        return f"({type(body).__name__}: streamed, e.g. a tar archive)"
    if isinstance(body, bytes):
        if body[:5] != b"{" and b"\0" in body[:512]:
            return f"(binary, {len(body)} bytes)"
        body = body.decode(errors="replace")
    try:
        body = json.dumps(redact(json.loads(body)), separators=(",", ":"))
    except ValueError:
        body = body.strip()
    return trim(body, limit)


@dataclass
class Exchange:
    """One HTTP request the client sent and what the engine answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    status: int | None
    request_body: str = ""
    response_body: str = ""
    streamed: bool = False
    seconds: float = 0.0

    @property
    def version(self) -> str | None:
        """The API version in the path (``1.41`` for ``/v1.41/...``), or ``None``."""
        first = self.path.split("/")[1] if self.path.count("/") >= 1 else ""
        return first[1:] if first.startswith("v") and first[1:2].isdigit() else None

    @property
    def endpoint(self) -> str:
        """The path without its version prefix: ``/containers/json``."""
        return self.path[len(self.version) + 2:] if self.version else self.path

    @property
    def target(self) -> str:
        query = urllib.parse.urlencode(self.query, doseq=True)
        return f"{self.path}?{query}" if query else self.path

    def __str__(self) -> str:
        status = self.status if self.status is not None else "no answer"
        line = f"{self.method} {urllib.parse.unquote_plus(self.target)} -> {status}"
        if self.request_body:
            line += f"\n    sent: {self.request_body}"
        if self.streamed:
            line += "\n    got: (a stream, read as it comes)"
        elif self.response_body:
            line += f"\n    got: {self.response_body}"
        return line


def parse_exchange(request, response=None, *, streamed=False, seconds=0.0,
                   limit: int = BODY_LIMIT) -> Exchange:
    """An :class:`Exchange` from a requests ``PreparedRequest`` and its ``Response``."""
    parts = urllib.parse.urlsplit(request.url)
    body = ""
    if response is not None and not streamed:
        body = body_text(response.content, limit)
    return Exchange(request.method, urllib.parse.unquote(parts.path) or "/",
                    urllib.parse.parse_qs(parts.query), getattr(response, "status_code", None),
                    body_text(request.body, limit), body, streamed, seconds)


class WireRecorder:
    """Records every HTTP request a docker-py client makes while it is active.

    ::

        with WireRecorder(lab.client) as wire:
            lab.client.containers.list()
        print(wire)          # GET /v1.41/containers/json?all=0 -> 200 ...
    """

    def __init__(self, client, limit: int = BODY_LIMIT):
        self.api = getattr(client, "api", client)
        self.limit = limit
        self.exchanges: list[Exchange] = []
        self._original = None

    def start(self) -> WireRecorder:
        if self._original is not None:
            return self
        self._original = self.api.send  # a bound method of requests.Session

        def send(request, **kwargs):
            started = time.monotonic()
            streamed = bool(kwargs.get("stream"))
            try:
                response = self._original(request, **kwargs)
            except Exception:
                self.exchanges.append(parse_exchange(request, None, limit=self.limit,
                                                     seconds=time.monotonic() - started))
                raise
            self.exchanges.append(parse_exchange(request, response, streamed=streamed,
                                                 seconds=time.monotonic() - started,
                                                 limit=self.limit))
            return response

        self.api.send = send
        return self

    def stop(self) -> None:
        if self._original is not None:
            del self.api.send  # the instance attribute goes; the class's method is back
            self._original = None

    def __enter__(self) -> WireRecorder:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __len__(self) -> int:
        return len(self.exchanges)

    def __iter__(self):
        return iter(self.exchanges)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.exchanges) or "(no request)"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def record(client, function, *args, **kwargs) -> tuple[object, list[Exchange]]:
    """Call ``function(*args, **kwargs)`` and return its result and the requests it made."""
    with WireRecorder(client) as wire:
        result = function(*args, **kwargs)
    return result, wire.exchanges

