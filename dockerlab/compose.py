"""Docker Compose as one more client of the same engine.

Compose reads a YAML file describing services and makes the same REST calls any client
makes: it creates a network, then one container per service, and labels them
(``com.docker.compose.project``, ``com.docker.compose.service``...). The SDK sees those
objects like any others. Similar to::

    docker-compose -p PROJECT -f compose.yml up -d
    docker ps --filter label=com.docker.compose.project=PROJECT
    docker-compose -p PROJECT -f compose.yml down

The file the kit writes carries the session's labels on every service and on the network,
so ``lab.cleanup()`` removes them even if ``down`` never runs. The tool used is the
standalone ``docker-compose`` (Debian's package) or the ``docker compose`` plugin.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import DockerLabError
from .wire import endpoint_of

PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"


def compose_command() -> list[str] | None:
    """The Compose tool here: ``["docker-compose"]``, ``["docker", "compose"]`` or ``None``."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True,
                                 timeout=30).returncode == 0:
        return [docker, "compose"]
    return None


def why_unavailable() -> str | None:
    """``None`` when Compose is installed, otherwise a sentence saying what to install."""
    if compose_command() is not None:
        return None
    return ("Docker Compose is not installed here: install Debian's docker-compose package "
            "(`sudo apt-get install docker-compose`) or the docker compose plugin.")


def two_services(lab, port: int = 8080) -> dict:
    """A two-service application: a web server and a client that fetches from it by name."""
    image = lab.base_image
    labels = dict(lab.labels)
    return {
        "version": "3.8",
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

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run ``docker-compose -p NAME -f FILE ARGS``; return what it printed."""
        command = compose_command()
        if command is None:
            raise DockerLabError(why_unavailable(), "The other cells do not need Compose.")
        done = subprocess.run([*command, "-p", self.name, "-f", str(self.file), *args],
                              capture_output=True, text=True, timeout=timeout,
                              env=endpoint_of(self.client).cli_environment())
        if done.returncode != 0:
            raise DockerLabError(f"`docker-compose {' '.join(args)}` failed: "
                                 f"{done.stderr.strip()[-1200:]}",
                                 "Read Compose's message; `docker-compose config` checks "
                                 "the file.")
        lines = (done.stdout + done.stderr).splitlines()
        return "\n".join(line for line in lines if line.strip() and
                         not line.rstrip().endswith("..."))  # progress lines without a tty

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


def project_for(lab, directory: str | Path, spec: dict | None = None) -> ComposeProject:
    """A project named after the session, with ``spec`` (default: :func:`two_services`)."""
    name = "".join(ch for ch in lab.session.lower() if ch.isalnum() or ch in "-_")
    file = write_compose_file(directory, spec or two_services(lab))
    return ComposeProject(name, file, lab.client)
