"""What a client costs: one question (`GET /version`) asked by raw HTTP, the SDK, the CLI.

Baseline: the raw request over the UNIX socket with http.client, measured in the same run.
Also: the recorder's overhead on SDK calls, and the same raw request over TLS to a private
engine (when one can be started here). Ratios are printed, never asserted.
"""

from __future__ import annotations

import statistics
import subprocess
import time

from dockerlab.engine.locate import connect, find_engine
from dockerlab.engine.private import availability
from dockerlab.engine.wire import WireRecorder, cli_path, endpoint_of, raw_request

ROUNDS = 40


def timed(function, rounds: int = ROUNDS) -> float:
    """The median seconds of ``rounds`` calls (after one warm-up call)."""
    function()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    location = find_engine()
    client = connect(location.url, location.tls)
    url = endpoint_of(client).url
    version = client.api.api_version
    results = {}
    results["raw http.client"] = timed(lambda: raw_request("GET", "/version", url=url,
                                                           version=version).json())
    results["docker-py SDK"] = timed(lambda: client.version())
    with WireRecorder(client):
        results["SDK + WireRecorder"] = timed(lambda: client.version())
    if cli_path():
        env = endpoint_of(client).cli_environment()
        results["docker CLI"] = timed(
            lambda: subprocess.run([cli_path(), "version", "--format", "{{.Server.Version}}"],
                                   capture_output=True, env=env, check=True), rounds=10)
    if availability() is None:
        from dockerlab.engine.private import PrivateEngine

        with PrivateEngine() as engine:
            context = engine.certs.ssl_context()
            results["private engine: raw over its socket"] = timed(
                lambda: raw_request("GET", "/version", url=engine.url, version=version).json())
            results["private engine: raw over TLS"] = timed(
                lambda: raw_request("GET", "/version", url=engine.tcp_url, version=version,
                                    ssl_context=context).json())
            tls_client = connect(engine.tcp_url, engine.certs.tls_config())
            results["private engine: SDK over TLS"] = timed(lambda: tls_client.version())
    base = results["raw http.client"]
    print(f"GET /version, median of {ROUNDS} calls; baseline raw http.client = "
          f"{base * 1000:.2f} ms")
    for name, seconds in results.items():
        print(f"  {name:<36} {seconds * 1000:8.2f} ms   x{seconds / base:6.2f}")
    private = results.get("private engine: raw over its socket")
    if private:
        print(f"The private engine is idle while the main one is shared, so compare TLS with "
              f"its own socket: raw TLS x{results['private engine: raw over TLS'] / private:.2f}"
              f", SDK TLS x{results['private engine: SDK over TLS'] / private:.2f}")


if __name__ == "__main__":
    main()
