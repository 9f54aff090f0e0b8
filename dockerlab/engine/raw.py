"""Raw HTTP to the engine: the request docker-py would send, made by hand.

:func:`raw_request` speaks HTTP over the UNIX socket (or TLS on loopback) with the standard
library's :mod:`http.client`; similar to
``curl --unix-socket /var/run/docker.sock http://localhost/v1.41/containers/json``.
:func:`endpoint_of` says where a docker-py client talks to (socket or TLS files), so that raw
HTTP and the ``docker`` CLI can reach the same engine.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.parse
from dataclasses import dataclass

from ..errors import EngineTLSError, Request, refusal, translate
from .locate import DEFAULT_SOCKET


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
        """The kit's error (:func:`dockerlab.errors.refusal`, the one the SDK's calls get)
        when the engine answered with an error status."""
        if self.status < 400:
            return
        raise refusal(self.status, self.message.strip().rstrip("."),
                      Request.parse(self.method, self.target),
                      engine=f"The engine at {self.url}" if self.url else "The engine",
                      reason=self.reason)

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
        raise translate(error, url=url) from None
    finally:
        connection.close()
    return response


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

