"""Docker Compose as one more client of the same engine.

Compose reads a YAML file describing services and makes the same REST calls any client
makes: it creates a network, then one container per service, and labels them
(``com.docker.compose.project``, ``com.docker.compose.service``...). The SDK sees those
objects like any others. Similar to::

    docker compose -p PROJECT -f compose.yml up -d
    docker ps --filter label=com.docker.compose.project=PROJECT
    docker compose -p PROJECT -f compose.yml down

The file the kit writes carries the session's labels on every service and on the network,
so ``lab.cleanup()`` removes them even if ``down`` never runs. It has no ``version:`` key
(the Compose Specification made it obsolete; Compose v2 warns about it).

Which Compose: :func:`find_compose` prefers Compose v2, the ``docker compose`` CLI plugin or
a standalone ``docker-compose`` binary of version 2 (Debian 13 ships both), and falls back
to Compose v1 (the Python ``docker-compose`` 1.x of Debian 12, end of life since 2023).
They name containers differently (v2 ``PROJECT-SERVICE-1``, v1 ``PROJECT_SERVICE_1``): the
kit never builds such a name, it asks the engine for the containers with Compose's labels.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import DockerLabError
from .raw import endpoint_of

PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"
NUMBER_LABEL = "com.docker.compose.container-number"
VERSION_TIMEOUT = 30


@dataclass(frozen=True)
class ComposeTool:
    """One Compose program: how to call it and what version it says it is."""

    command: tuple[str, ...]
    version: str

    @property
    def major(self) -> int:
        digits = "".join(ch for ch in self.version.lstrip("v").split(".")[0] if ch.isdigit())
        return int(digits or 0)

    @property
    def name(self) -> str:
        """``docker compose`` or ``docker-compose``, as a learner types it."""
        return "docker compose" if len(self.command) > 1 else "docker-compose"

    def __str__(self) -> str:
        if self.major >= 2:
            kind = "the CLI plugin" if len(self.command) > 1 else "a standalone binary"
            return f"`{self.name}`: Compose {self.version} (v2, {kind})"
        return (f"`{self.name}`: Compose {self.version} (v1, the fallback: no Compose v2 "
                "here; v1 is end of life)")


def _version_of(command: tuple[str, ...]) -> str | None:
    try:
        done = subprocess.run([*command, "version", "--short"], capture_output=True,
                              text=True, timeout=VERSION_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = done.stdout.strip()
    return text.lstrip("v") if done.returncode == 0 and text else None


def candidates() -> list[ComposeTool]:
    """Every Compose on this machine: the ``docker compose`` plugin, ``docker-compose``."""
    found = []
    commands = []
    docker = shutil.which("docker")
    if docker:
        commands.append((docker, "compose"))
    standalone = shutil.which("docker-compose")
    if standalone:
        commands.append((standalone,))
    for command in commands:
        version = _version_of(command)
        if version:
            found.append(ComposeTool(command, version))
    return found


def choose(tools: list[ComposeTool]) -> ComposeTool | None:
    """The first Compose v2 in ``tools`` (plugin first), else the first one (a v1)."""
    return next((tool for tool in tools if tool.major >= 2), tools[0] if tools else None)


def find_compose() -> ComposeTool | None:
    """The Compose the kit uses here, or ``None`` when there is none."""
    return choose(candidates())


def compose_command() -> list[str] | None:
    """The Compose command line here (``[".../docker", "compose"]``...), or ``None``."""
    tool = find_compose()
    return list(tool.command) if tool else None


def why_unavailable() -> str | None:
    """``None`` when Compose is installed, otherwise a sentence saying what to install."""
    if find_compose() is not None:
        return None
    return ("Docker Compose is not installed here: install the Compose v2 plugin (Debian 13: "
            "`sudo apt-get install docker-compose`, Docker's packages: "
            "docker-compose-plugin).")


def two_services(lab, port: int = 8080) -> dict:
    """A two-service application: a web server and a client that fetches from it by name."""
    image = lab.base_image
    labels = dict(lab.labels)
    return {
        "services": {
            "web": {"image": image, "labels": labels,
                    "command": ["httpd", "-f", "-p", str(port), "-h", "/var/www"]},
            "client": {"image": image, "labels": labels, "depends_on": ["web"],
                       "command": ["sh", "-c", f"while true; do wget -q -O- "
                                   f"http://web:{port}/ && sleep 5; done"]},
        },
        "networks": {"default": {"labels": labels}},
    }


def write_compose_file(directory: str | Path, spec: dict) -> Path:
    """Write ``spec`` as ``compose.yml`` (JSON is valid YAML, so no YAML library is needed)."""
    path = Path(directory) / "compose.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, indent=2) + "\n")
    return path


@dataclass
class ComposeProject:
    """One Compose project (a name and a file) run against the engine of a client."""

    name: str
    file: Path
    client: object
    tool: ComposeTool | None = None

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run ``docker compose -p NAME -f FILE ARGS``; return what it printed."""
        tool = self.tool or find_compose()
        if tool is None:
            raise DockerLabError(why_unavailable(), "The other cells do not need Compose.")
        done = subprocess.run([*tool.command, "-p", self.name, "-f", str(self.file), *args],
                              capture_output=True, text=True, timeout=timeout,
                              env=endpoint_of(self.client).cli_environment())
        if done.returncode != 0:
            raise DockerLabError(f"`{tool.name} {' '.join(args)}` failed: "
                                 f"{done.stderr.strip()[-1200:]}",
                                 f"Read Compose's message; `{tool.name} config` checks "
                                 "the file.")
        return "\n".join(line.strip() for line in (done.stdout + done.stderr).splitlines()
                         if not _progress(line))

    def up(self) -> str:
        """Create the network and start one container per service; like ``up -d``."""
        return self.run("up", "-d", "--no-build")

    def down(self) -> str:
        """Stop and remove the project's containers and network; like ``down``."""
        return self.run("down", "--remove-orphans", "--timeout", "1")

    def containers(self) -> list:
        """The project's containers, found through the SDK by Compose's own label."""
        return self.client.containers.list(
            all=True, filters={"label": [f"{PROJECT_LABEL}={self.name}"]})

    def services(self) -> dict[str, list[str]]:
        """Service name -> container names, read from the labels Compose set."""
        found: dict[str, list[str]] = {}
        for container in self.containers():
            found.setdefault(container.labels.get(SERVICE_LABEL, "?"), []).append(
                container.name)
        return {k: sorted(v) for k, v in sorted(found.items())}

    def networks(self) -> list[str]:
        return sorted(n.name for n in self.client.networks.list(
            filters={"label": [f"{PROJECT_LABEL}={self.name}"]}))


#: the verbs of Compose v2's "under way" lines (``Container x  Creating``)
UNDER_WAY = {"Creating", "Starting", "Stopping", "Removing", "Recreating", "Waiting",
             "Pulling", "Building", "Restarting", "Killing", "Pausing", "Unpausing"}


def _progress(line: str) -> bool:
    """A line that only says a step is under way (v1 ``Creating x ...``, v2 ``Container x
    Creating``): the line saying it is done follows; blank lines count too. Anything else
    (a warning ending in "missing", say) is kept."""
    words = line.split()
    return not words or line.rstrip().endswith("...") or (
        len(words) <= 3 and words[-1] in UNDER_WAY)


def project_for(lab, directory: str | Path, spec: dict | None = None) -> ComposeProject:
    """A project named after the session, with ``spec`` (default: :func:`two_services`)."""
    name = "".join(ch for ch in lab.session.lower() if ch.isalnum() or ch in "-_")
    file = write_compose_file(directory, spec or two_services(lab))
    return ComposeProject(name, file, lab.client, find_compose())
