"""The HTTP transport under docker-py, as the kit uses it.

:class:`EngineAPIClient` is ``docker.APIClient`` with one connection pool per engine (a
process with dozens of clients would otherwise run out of file descriptors), its own TLS
trust (``REQUESTS_CA_BUNDLE`` cannot replace an engine's CA), and streamed responses
(events, ``logs -f``, stats) that end with their client: :func:`end_stream` wakes a thread
reading one, which :func:`closed_by_client` tells apart from an engine that went away.

Every failed request raises a kit error (:func:`dockerlab.errors.translate`): an error
status (docker-py's ``APIError``, ``NotFound``...) and an engine that cannot be reached
(requests' ``ConnectionError``) become the kit's classes, which are still those docker-py /
requests classes. So ``lab.client.containers.get("typo")`` in a script says what happened
and what to do, and ``except docker.errors.NotFound:`` keeps working.
"""

from __future__ import annotations

import threading
import weakref

import docker
import requests.exceptions

from ..errors import DockerLabError, translate

ENGINE_POOL = "http+docker://engine"  # the one pool key of a socket adapter


class _EnginePool:
    """Mixed into a socket adapter's class: whatever the URL, the pool is the engine's."""

    def get_connection(self, url, proxies=None):
        return super().get_connection(ENGINE_POOL, proxies)


_ONE_POOL_CLASSES: dict[type, type] = {}


def one_pool_per_engine(adapter) -> None:
    """Make a socket adapter (UNIX socket, named pipe, SSH) keep one pool for its engine.

    docker-py keys these adapters' connection pools by each request's whole URL, so every
    path a client calls (``/containers/ID/json``, ``.../start``, ``.../wait``...) gets a pool
    of its own, each keeping its socket open: up to 25 sockets per client, and a process
    with a few dozen clients runs out of file descriptors. All requests go to one engine,
    so one pool (docker-py's default of 10 connections) serves them all.
    """
    from docker.transport.basehttpadapter import BaseHTTPAdapter

    if not isinstance(adapter, BaseHTTPAdapter) or isinstance(adapter, _EnginePool):
        return  # TCP: requests' own pool manager already keys its pools by host
    kind = type(adapter)
    if kind not in _ONE_POOL_CLASSES:
        _ONE_POOL_CLASSES[kind] = type(kind.__name__, (_EnginePool, kind), {})
    adapter.__class__ = _ONE_POOL_CLASSES[kind]
    adapter.pools.clear()  # the pool of the version request made while the client was built


class EngineAPIClient(docker.APIClient):
    """``docker.APIClient`` with one connection pool per engine and its own TLS trust.

    - requests to the engine share one pool (see :func:`one_pool_per_engine`), and
      :meth:`close` closes every socket; a closed client reconnects when used again;
    - requests lets ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` replace a session's CA bundle
      on every request, which would make an engine's own CA (a private engine's throwaway
      one, a remote engine's) unusable on machines that set them; passing ``verify`` per
      request keeps ours.
    """

    def __init__(self, *args, **kwargs):
        self.engine_url = kwargs.get("base_url") or (args[0] if args else None)
        super().__init__(*args, **kwargs)
        one_pool_per_engine(getattr(self, "_custom_adapter", None))
        self._streams = weakref.WeakSet()  # streamed responses (events, logs -f, stats...)
        self._streams_lock = threading.Lock()

    def request(self, method, url, **kwargs):
        kwargs.setdefault("verify", self.verify)
        try:
            response = super().request(method, url, **kwargs)
        except requests.exceptions.ConnectionError as error:  # SSLError, refused, closed...
            raise translate(error, url=self.engine_url) from None
        if kwargs.get("stream"):
            with self._streams_lock:
                self._streams.add(response)
        return response

    def _raise_for_status(self, response):
        """docker-py's ``APIError`` for an error status, as the kit's matching class."""
        try:
            super()._raise_for_status(response)
        except docker.errors.APIError as error:
            raise translate(error, url=self.engine_url) from None

    def _retrieve_server_version(self):
        """docker-py wraps any failure of ``GET /version`` in a ``DockerException``; the
        kit's error underneath (no engine there, a TLS handshake) is raised as it is."""
        try:
            return super()._retrieve_server_version()
        except docker.errors.DockerException as error:
            if isinstance(error.__cause__, DockerLabError):
                raise error.__cause__ from None
            raise

    def close(self) -> None:
        """Close the streams still open (their readers stop) and every pooled socket."""
        with self._streams_lock:
            streams = list(self._streams)
            self._streams.clear()
        for response in streams:
            end_stream(response)
        super().close()


def end_stream(response) -> None:
    """Shut a streamed response's socket down (a thread reading it wakes up), then close it.

    The response is marked first, so that its reader can tell "closed with its client" from
    "the engine went away" (:func:`closed_by_client`)."""
    response.closed_by_client = True
    for end in (getattr(response.raw, "shutdown", None), response.close):  # urllib3 2.3+
        try:
            if end is not None:
                end()
        except Exception:  # already closed by the engine or by its reader
            pass


def closed_by_client(stream) -> bool:
    """True when ``stream`` (a streamed response, or docker-py's stream over one) was ended
    by its client's :meth:`~EngineAPIClient.close`: its reader stops without an error."""
    response = getattr(stream, "_response", stream)
    return bool(getattr(response, "closed_by_client", False))
