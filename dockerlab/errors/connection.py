"""Reaching the engine failed: a missing or closed socket, a TLS handshake, a silent port.

One function, :func:`connection_error`, for every client: docker-py's (requests errors), a
hand-made request's (``OSError`` / ``ssl.SSLError`` from :mod:`http.client`), the kit's
connect (:func:`dockerlab.engine.locate.connect`).
"""

from __future__ import annotations

import os
import ssl

import docker.errors
import requests.exceptions

from .classes import (
    DockerLabError,
    EngineNotFound,
    EnginePermissionDenied,
    EngineTLSError,
    EngineUnreachable,
)

#: what an engine listening with TLS answers a plain HTTP request
PLAIN_HTTP = "HTTP request to an HTTPS server"

UNREACHABLE_ADVICE = (
    "Is the engine still running? Check with `dockerlab doctor` in a terminal (a private "
    "engine: `engine.start()`); once it is back, run the cell again: the same client "
    "reconnects by itself.")
#: in a classroom (``dockerlab classroom`` sets DOCKERLAB_CLASSROOM in each learner's server)
CLASSROOM_ADVICE = (
    "Your engine is the classroom's, one per learner: ask the instructor to restart it (the "
    "instructor's view has a \"restart engine\" button); once it is back, run the cell "
    "again: the same client reconnects by itself.")


def _advice() -> str:
    return CLASSROOM_ADVICE if os.environ.get("DOCKERLAB_CLASSROOM") else UNREACHABLE_ADVICE


def is_connection_problem(error: BaseException, url: str | None = None) -> bool:
    """True for an error that says the engine could not be reached at all.

    A bare ``OSError`` (a missing socket file, say) counts only for a request to a known
    ``url``: elsewhere it is as likely a missing file of the learner's own."""
    if isinstance(error, requests.exceptions.HTTPError):
        return False  # the engine answered
    if isinstance(error, (requests.exceptions.ConnectionError, ConnectionError, ssl.SSLError)):
        return True
    if isinstance(error, OSError) and url is not None:
        return True
    text = str(error)
    return any(words in text for words in (
        "Connection aborted", "Connection refused", "HTTP request to an HTTPS server",
        "SSLError", "CERTIFICATE_VERIFY_FAILED"))


def connection_error(error: BaseException, url: str | None = None,
                     engine: str = "the Docker Engine") -> DockerLabError:
    """The kit's error for an engine that could not be reached (``url``: where it was)."""
    text = str(error)
    where = url or engine
    if isinstance(error, (ssl.SSLError, requests.exceptions.SSLError)) or "SSL" in text:
        return _tls_error(error, text, where)
    if PLAIN_HTTP in text:
        return plain_http(f"The engine at {where}" if url else _capital(engine))
    if isinstance(error, FileNotFoundError):
        return EngineNotFound(
            f"No engine listens at {where}: that socket file does not exist.",
            "Check the path for a typo (the usual one is unix:///var/run/docker.sock), or "
            "start the engine that should create it.")
    if isinstance(error, PermissionError) or "Permission denied" in text:
        return EnginePermissionDenied(
            f"The socket {where} exists but this user may not open it (permission denied).",
            "Use an account in the `docker` group (`sudo usermod -aG docker $USER`, then log "
            "in again), or rootless Docker; that group is equivalent to root on the machine.")
    if isinstance(error, docker.errors.DockerException) and "http+docker" not in text \
            and "scheme" in text.lower():
        return EngineNotFound(f"{where} is not an address a Docker client understands: {text}",
                              "Use unix:///path/to/docker.sock or tcp://127.0.0.1:PORT.")
    return _unreachable(error, text, url, engine)


def plain_http(engine: str) -> EngineTLSError:
    """A client spoke plain HTTP to ``engine`` (a phrase: "The engine at tcp://...")."""
    return EngineTLSError(
        f"{engine} speaks only TLS, and this client spoke plain HTTP.",
        "Connect with the engine's certificates (`tls=bundle.tls_config()`); the kit "
        "never opens a plain TCP socket to an engine.")


def _tls_error(error, text: str, where: str) -> EngineTLSError:
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return EngineTLSError(
            f"The engine at {where} showed a certificate this client does not trust "
            "(certificate verify failed).",
            "Give the client the CA that signed the engine's certificate (ca.pem of the "
            "same throwaway authority), and connect to the host name the certificate "
            "names (127.0.0.1).")
    reason = getattr(error, "reason", None)
    detail = f" ({reason})" if isinstance(reason, str) and reason else ""
    return EngineTLSError(
        f"The engine at {where} refused the TLS handshake{detail}: it accepts only clients "
        "that show a certificate signed by its own CA, and this one showed none or another.",
        "Connect with the client certificate and key made with the engine's CA "
        "(cert.pem and key.pem next to its ca.pem): `bundle.tls_config()`.")


def _unreachable(error, text: str, url: str | None, engine: str) -> EngineUnreachable:
    if url is None:
        return EngineUnreachable(f"{_capital(engine)} did not answer ({type(error).__name__}).",
                                 _advice())
    if "FileNotFoundError" in text or "No such file" in text:
        reason = "its socket file is gone"
    elif "refused" in text.lower():
        reason = "connection refused"
    elif isinstance(error, (requests.exceptions.ConnectionError, ConnectionError)):
        reason = "connection refused or closed"
    else:
        reason = f"{type(error).__name__}: {error}"
    return EngineUnreachable(f"Nothing answers at {url} ({reason}).", _advice())


def _capital(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
