"""The REST API made visible: what goes over the wire between a client and the engine.

Three ways to look at the same conversation:

- :class:`WireRecorder` hooks docker-py's transport (``client.api.send``, the one place every
  SDK call passes) and records method, path with the API version, query, status and a
  trimmed body; similar to ``dockerd --debug`` showing the calls it serves.
- :func:`raw_request` makes the same HTTP request by hand over the UNIX socket (or TLS on
  loopback) with the standard library's :mod:`http.client`; similar to
  ``curl --unix-socket /var/run/docker.sock http://localhost/v1.41/containers/json``.
- :func:`three_ways` asks one question through the ``docker`` CLI (where installed), the
  SDK and raw HTTP, and shows that the three answers agree.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field

from ..errors import (
    ApiVersionRefused,
    DockerLabError,
    EngineNotFound,
    EngineTLSError,
    EngineUnreachable,
    translate,
)
from .locate import DEFAULT_SOCKET

BODY_LIMIT = 160
SECRET_KEYS = {"password", "identitytoken", "registrytoken", "auth", "secret", "token"}


# --- recording the SDK's requests -------------------------------------------------------

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


# --- raw HTTP over the UNIX socket -----------------------------------------------------

class UnixHTTPConnection(http.client.HTTPConnection):
    """``http.client`` over a UNIX socket; similar to ``curl --unix-socket PATH``."""

    def __init__(self, socket_path: str, timeout: float = 30):
        super().__init__("docker", timeout=timeout)  # the Host header; the engine ignores it
        self.socket_path = socket_path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


@dataclass
class RawResponse:
    """The engine's answer to a hand-made request."""

    method: str
    target: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    url: str = ""

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        """The body as JSON, after :meth:`raise_for_status`."""
        self.raise_for_status()
        return json.loads(self.body or b"null")

    @property
    def message(self) -> str:
        """The engine's error message (``{"message": ...}``), or the body's text."""
        try:
            return json.loads(self.body).get("message", self.text)
        except (ValueError, AttributeError):
            return self.text.strip()

    def raise_for_status(self) -> None:
        """A clear :class:`DockerLabError` when the engine answered with an error status."""
        if self.status < 400:
            return
        if "client version" in self.message:
            raise ApiVersionRefused(
                f"The engine at {self.url} refused {self.method} {self.target}: "
                f"{self.message}.",
                "Use a version between the engine's MinAPIVersion and ApiVersion "
                "(`GET /version` without a version prefix tells both).")
        raise DockerLabError(
            f"The engine answered {self.status} {self.reason} to {self.method} "
            f"{self.target}: {self.message}.",
            "Read the engine's message: it names the object or parameter it did not accept.")

    def head(self) -> str:
        """The status line and the headers, as on the wire."""
        lines = [f"HTTP/1.1 {self.status} {self.reason}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        return "\n".join(lines)


def query_string(query: dict | None) -> str:
    """URL-encode a query; dicts and lists (like ``filters``) are sent as JSON, as Docker wants."""
    if not query:
        return ""
    pairs = {k: (json.dumps(v) if isinstance(v, (dict, list)) else
                 str(v).lower() if isinstance(v, bool) else v) for k, v in query.items()}
    return urllib.parse.urlencode(pairs)


def _connection(url: str, ssl_context, timeout: float):
    if url.startswith("unix://"):
        return UnixHTTPConnection(url[len("unix://"):], timeout)
    parts = urllib.parse.urlsplit(url.replace("tcp://", "https://", 1))
    if parts.scheme == "https" or ssl_context is not None:
        return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=ssl_context)
    raise EngineTLSError(f"The kit does not talk plain HTTP to {url}.",
                         "Use the UNIX socket, or TLS with the engine's certificates.")


def raw_request(method: str, path: str, *, url: str = f"unix://{DEFAULT_SOCKET}",
                version: str | None = None, query: dict | None = None, body=None,
                ssl_context=None, timeout: float = 30) -> RawResponse:
    """Send one HTTP request to the engine by hand and return its answer.

    Similar to ``curl --unix-socket /var/run/docker.sock http://docker/v1.41/PATH``.
    ``version`` prefixes the path (``/v1.41``); without it the engine uses its newest.
    """
    target = (f"/v{version}" if version else "") + path
    if query:
        target += "?" + query_string(query)
    headers = {}
    if body is not None and not isinstance(body, (bytes, str)):
        body, headers["Content-Type"] = json.dumps(body), "application/json"
    connection = _connection(url, ssl_context, timeout)
    try:
        connection.request(method, target, body=body, headers=headers)
        answer = connection.getresponse()
        response = RawResponse(method, target, answer.status, answer.reason,
                               dict(answer.getheaders()), answer.read(), url)
    except OSError as error:
        raise raw_error(error, url) from None
    finally:
        connection.close()
    return response


def raw_error(error: OSError, url: str) -> DockerLabError:
    """The kit's error for a hand-made request that found no engine."""
    import ssl

    if isinstance(error, ssl.SSLError):
        return EngineTLSError(f"The TLS handshake with {url} failed: {error.reason or error}.",
                              "Use the engine's CA and the client certificate it signed.")
    if isinstance(error, FileNotFoundError):
        return EngineNotFound(f"No engine listens at {url}: that socket file does not exist.",
                              "Check the path (the usual one is /var/run/docker.sock).")
    if isinstance(error, PermissionError):
        return EngineNotFound(f"The socket {url} exists but this user may not open it.",
                              "Use an account in the docker group, or root.")
    return EngineUnreachable(f"Nothing answered at {url} ({type(error).__name__}: {error}).",
                             "Is the engine running? Start it and try again.")


def request_text(method: str, path: str, *, version: str | None = None,
                 query: dict | None = None) -> str:
    """The first lines of the HTTP request :func:`raw_request` sends, as text."""
    target = (f"/v{version}" if version else "") + path
    if query:
        target += "?" + query_string(query)
    return f"{method} {target} HTTP/1.1\nHost: docker\nAccept-Encoding: identity"


# --- the same engine, reached the way a client reaches it ---------------------------------

@dataclass
class Endpoint:
    """How to reach the engine a docker-py client talks to, outside docker-py."""

    url: str
    ca: str | None = None
    cert: tuple[str, str] | None = None

    def ssl_context(self):
        if self.ca is None and self.cert is None:
            return None
        import ssl

        context = ssl.create_default_context(cafile=self.ca)
        if self.cert:
            context.load_cert_chain(*self.cert)
        return context

    def cli_environment(self) -> dict[str, str]:
        """The environment that points the ``docker`` CLI at this engine."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("DOCKER_") or k == "DOCKER_CONFIG"}
        env["DOCKER_HOST"] = self.url
        if self.cert:
            env["DOCKER_TLS_VERIFY"] = "1"
            env["DOCKER_CERT_PATH"] = os.path.dirname(self.cert[0])
        return env


def endpoint_of(client) -> Endpoint:
    """Where ``client`` (a DockerClient or APIClient) talks to, with its TLS files."""
    api = getattr(client, "api", client)
    if api.base_url.startswith("http+docker://"):
        adapter = api.get_adapter("http+docker://")
        return Endpoint(f"unix://{adapter.socket_path}")
    parts = urllib.parse.urlsplit(api.base_url)
    ca = api.verify if isinstance(api.verify, str) else None
    cert = tuple(api.cert) if isinstance(api.cert, (tuple, list)) else None
    return Endpoint(f"tcp://{parts.hostname}:{parts.port}", ca, cert)


def raw_for(client, method: str, path: str, **kwargs) -> RawResponse:
    """:func:`raw_request` to the engine ``client`` talks to, with the same API version."""
    endpoint = endpoint_of(client)
    kwargs.setdefault("version", getattr(client, "api", client).api_version)
    return raw_request(method, path, url=endpoint.url, ssl_context=endpoint.ssl_context(),
                       **kwargs)


# --- one question, three clients ------------------------------------------------------

@dataclass
class Operation:
    """One question asked through the CLI, the SDK and raw HTTP."""

    cli: list[str]
    sdk: object  # callable(client, label) -> answer
    raw: object  # callable(client, label) -> answer
    parse_cli: object = None  # callable(stdout) -> answer


def _filters(label: str | None) -> dict:
    return {"label": [label]} if label else {}


def _names_raw(client, label):
    listed = raw_for(client, "GET", "/containers/json", query={"filters": _filters(label)})
    return sorted(c["Names"][0].lstrip("/") for c in listed.json())


def _image_ids_raw(client, label):
    listed = raw_for(client, "GET", "/images/json", query={"filters": _filters(label)})
    return sorted(i["Id"] for i in listed.json())


OPERATIONS = {
    "server version": Operation(
        ["version", "--format", "{{.Server.Version}}"],
        lambda client, label: client.version()["Version"],
        lambda client, label: raw_for(client, "GET", "/version").json()["Version"],
        lambda out: out.strip()),
    "running containers": Operation(
        ["ps", "--format", "{{.Names}}"],
        lambda client, label: sorted(c.name for c in
                                     client.containers.list(filters=_filters(label))),
        _names_raw, lambda out: sorted(out.split())),
    "image ids": Operation(
        ["images", "--no-trunc", "--format", "{{.ID}}"],
        lambda client, label: sorted(i.id for i in client.images.list(filters=_filters(label))),
        _image_ids_raw, lambda out: sorted(set(out.split()))),
}


@dataclass
class ThreeWays:
    """The answers of the CLI, the SDK and raw HTTP to one question."""

    operation: str
    answers: dict[str, object] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def agree(self) -> bool:
        """True when every client that could answer gave the same answer."""
        values = [json.dumps(v, sort_keys=True) for v in self.answers.values()]
        return len(values) >= 2 and len(set(values)) == 1

    def __str__(self) -> str:
        lines = [f"{self.operation}:"]
        for way in ("cli", "sdk", "raw"):
            shown = self.answers[way] if way in self.answers else f"({self.notes.get(way)})"
            lines.append(f"  {way:>3}: {trim(str(shown), 120)}")
        lines.append(f"  the answers {'agree' if self.agree else 'DIFFER'}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def cli_path() -> str | None:
    """The ``docker`` CLI, if installed."""
    return shutil.which("docker")


def run_cli(client, args: list[str], timeout: float = 60) -> str:
    """Run ``docker ARGS`` against the engine ``client`` talks to; return its output."""
    docker_cli = cli_path()
    if docker_cli is None:
        raise DockerLabError("The docker CLI is not installed here.",
                             "The SDK and raw HTTP show the same; install docker-ce-cli or "
                             "Debian's docker.io to compare with the CLI too.")
    done = subprocess.run([docker_cli, *args], capture_output=True, text=True, timeout=timeout,
                          env=endpoint_of(client).cli_environment())
    if done.returncode != 0:
        raise DockerLabError(f"`docker {' '.join(args)}` failed: {done.stderr.strip()}",
                             "Read the CLI's message; `docker version` shows both sides.")
    return done.stdout


def three_ways(client, operation: str, label: str | None = None) -> ThreeWays:
    """Ask ``operation`` (a key of :data:`OPERATIONS`) through the CLI, the SDK and raw HTTP.

    ``label`` (``key=value``) narrows the container and image questions, like
    ``docker ps --filter label=...``.
    """
    if operation not in OPERATIONS:
        raise DockerLabError(f"Unknown operation {operation!r}.",
                             f"Choose one of: {', '.join(OPERATIONS)}.")
    spec = OPERATIONS[operation]
    result = ThreeWays(operation)
    if cli_path() is None:
        result.notes["cli"] = "docker CLI not installed"
    else:
        args = spec.cli + ([] if not label or operation == "server version"
                           else ["--filter", f"label={label}"])
        result.answers["cli"] = spec.parse_cli(run_cli(client, args))
    try:
        result.answers["sdk"] = spec.sdk(client, label)
    except DockerLabError:
        raise
    except Exception as error:
        raise translate(error) from None
    result.answers["raw"] = spec.raw(client, label)
    return result
