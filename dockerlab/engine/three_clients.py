"""One question, three clients: the ``docker`` CLI, the SDK and raw HTTP agree.

:func:`three_ways` asks one question through the ``docker`` CLI (where installed), the SDK
and raw HTTP (:mod:`dockerlab.engine.raw`), and shows that the three answers agree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field

from ..errors import DockerLabError, mapped
from .raw import endpoint_of, raw_for
from .recorder import trim


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
    with mapped():
        result.answers["sdk"] = spec.sdk(client, label)
    result.answers["raw"] = spec.raw(client, label)
    return result
