"""The REST API made visible: what goes over the wire between a client and the engine.

Three ways to look at the same conversation, one module each (this module is their face:
notebooks and exercises import from here):

- :class:`WireRecorder` (:mod:`dockerlab.engine.recorder`) hooks docker-py's transport
  (``client.api.send``, the one place every SDK call passes) and records method, path with
  the API version, query, status and a trimmed body; similar to ``dockerd --debug`` showing
  the calls it serves.
- :func:`raw_request` (:mod:`dockerlab.engine.raw`) makes the same HTTP request by hand over
  the UNIX socket (or TLS on loopback) with the standard library's :mod:`http.client`;
  similar to ``curl --unix-socket /var/run/docker.sock http://localhost/v1.41/containers/json``.
- :func:`three_ways` (:mod:`dockerlab.engine.three_clients`) asks one question through the
  ``docker`` CLI (where installed), the SDK and raw HTTP, and shows that the three answers
  agree.
"""

from __future__ import annotations

from .raw import (
    Endpoint,
    RawResponse,
    UnixHTTPConnection,
    endpoint_of,
    query_string,
    raw_for,
    raw_request,
    request_text,
)
from .recorder import (
    BODY_LIMIT,
    SECRET_KEYS,
    Exchange,
    WireRecorder,
    body_text,
    parse_exchange,
    record,
    redact,
    trim,
)
from .three_clients import OPERATIONS, Operation, ThreeWays, cli_path, run_cli, three_ways

__all__ = [
    "BODY_LIMIT", "Endpoint", "Exchange", "OPERATIONS", "Operation", "RawResponse",
    "SECRET_KEYS", "ThreeWays", "UnixHTTPConnection", "WireRecorder", "body_text", "cli_path",
    "endpoint_of", "parse_exchange", "query_string", "raw_for", "raw_request",
    "record", "redact", "request_text", "run_cli", "three_ways", "trim",
]
