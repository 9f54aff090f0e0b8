"""The classroom's proxy: the Python ``configurable-http-proxy``, with HTTPS added.

JupyterHub starts its proxy as ``configurable-http-proxy --ip ... --port ... [--ssl-key K
--ssl-cert C] ...``. The Python implementation (PyPI's ``configurable-http-proxy``, so that
no Node.js is needed) refuses ``--ssl-*``; this wrapper takes those two options off the
command line and serves the public side over TLS with them (the proxy's API stays plain HTTP
on 127.0.0.1, as JupyterHub's default is)::

    python -m dockerlab.classroom.proxy --ip 10.0.0.5 --port 8000 --ssl-key k --ssl-cert c ...
"""

from __future__ import annotations

import ssl
import sys


def split_tls(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """``argv`` without ``--ssl-key``/``--ssl-cert`` (both forms), and their values."""
    rest, found, words = [], {}, iter(argv)
    for word in words:
        name, _, value = word.partition("=")
        if name in ("--ssl-key", "--ssl-cert"):
            found[name[6:]] = value or next(words, "")
        else:
            rest.append(word)
    return rest, found


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


def main(argv: list[str] | None = None) -> None:
    from configurable_http_proxy import cli
    from configurable_http_proxy.handlers import ProxyHandler
    from tornado.httpserver import HTTPServer

    rest, tls = split_tls(sys.argv[1:] if argv is None else argv)
    if tls:
        context = tls_context(tls["cert"], tls["key"])

        def server(app, **kwargs):  # the public side (its handler is the proxy's) gets TLS
            public = any(rule.target is ProxyHandler for rule in app.wildcard_router.rules)
            return HTTPServer(app, ssl_options=context if public else None, **kwargs)

        cli.HTTPServer = server
    cli.main(args=rest, prog_name="configurable-http-proxy")


if __name__ == "__main__":
    main()
