"""What the engine the kit talks to is made of: ask it, never assume.

Docker Engines differ in ways a learner meets at once: which builder ``docker build`` uses
(BuildKit since Engine 23.0, the classic builder before), where images live (the graph
driver's own store, or containerd's snapshotters: the default for fresh installs of Engine
29, where an image ID is the manifest's digest instead of the config's), what
``docker save`` writes (Docker's own layout, or the OCI image layout since Engine 25.0),
the API versions it accepts, cgroup v1 or v2, rootless or not, and which Compose is around.
:func:`engine_facts` asks the engine (``/_ping``, ``/version``, ``/info``) and the docker
CLI for each of these. Similar to ``docker version``, ``docker info`` and
``docker buildx version`` read side by side.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

from .clis import _cli_output, _cli_version, _run, find_buildkit, version_tuple

#: the first Engine release whose ``docker save`` writes the OCI image layout
OCI_SAVE_SINCE = (25, 0)


def image_store_of(info: dict) -> str:
    """``"containerd"`` when the engine keeps images in containerd's snapshotters (the
    containerd image store), else ``"classic"`` (the graph driver's own store)."""
    for key, value in info.get("DriverStatus") or []:
        if key == "driver-type" and "snapshotter" in str(value):
            return "containerd"
    return "classic"


def security_options(info: dict) -> set[str]:
    """``{"seccomp", "apparmor", "rootless", "userns", "cgroupns"}``-style names."""
    names = set()
    for option in info.get("SecurityOptions") or []:
        for part in str(option).split(","):
            if part.startswith("name="):
                names.add(part[len("name="):])
    return names


@dataclass(frozen=True)
class CLIFacts:
    """The docker CLI on PATH and the builder and Compose it can drive."""

    path: str | None = None
    version: str | None = None
    buildx: str | None = None           # buildx plugin version, when the CLI has it
    compose: str | None = None          # "2.26.1 (docker compose)" or "1.29.2 (docker-compose)"
    refused: str | None = None          # what the CLI said when it could not use this engine
    buildkit: str | None = None         # the CLI the kit builds with, when it is another one

    @property
    def buildkit_client(self) -> str | None:
        """How a build on this machine reaches BuildKit, or ``None`` when nothing can (any
        CLI here: Debian 12's 20.10 reaches it even behind a newer CLI without buildx)."""
        if self.buildkit:
            return self.buildkit
        if self.buildx:
            return f"docker buildx {self.buildx}"
        if self.version and version_tuple(self.version) < (23,):
            return f"DOCKER_BUILDKIT=1 docker build (CLI {self.version})"
        return None

    @property
    def build_default(self) -> str:
        """What a plain ``docker build`` from this CLI uses: BuildKit through buildx (CLI 23
        and later with the plugin), otherwise the classic builder (a CLI before 23 reaches
        BuildKit only with ``DOCKER_BUILDKIT=1``)."""
        return "BuildKit" if self.buildx else "classic"


def _cli_refusal(docker: str, environment: dict | None) -> str | None:
    """``None`` when ``docker version`` reaches the engine, else the CLI's own words (an
    engine whose minimum API version is above the CLI's, or the other way round)."""
    done = _run([docker, "version", "--format", "{{.Server.APIVersion}}"], environment)
    if done is None:
        return "the docker CLI did not answer"
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"docker version exited with {done.returncode}"


def cli_facts(environment: dict | None = None) -> CLIFacts:
    """Ask the docker CLI (and Compose) on PATH what they are; ``environment`` points the CLI
    at the engine to ask (as :meth:`dockerlab.engine.raw.Endpoint.cli_environment` gives it)."""
    docker = shutil.which("docker")
    compose = None
    if docker:
        plugin = _cli_output([docker, "compose", "version", "--short"])
        compose = f"{plugin.lstrip('v')} (docker compose)" if plugin else None
    standalone = shutil.which("docker-compose")
    if compose is None and standalone:
        version = _cli_output([standalone, "version", "--short"])
        compose = f"{version.lstrip('v')} (docker-compose)" if version else None
    if not docker:
        return CLIFacts(compose=compose)
    version = _cli_version(docker)
    buildx = _cli_output([docker, "buildx", "version"])
    buildx_version = buildx.split()[1].lstrip("v") if buildx and len(buildx.split()) > 1 \
        else None
    client, _ = find_buildkit()
    return CLIFacts(docker, version, buildx_version, compose, _cli_refusal(docker, environment),
                    client.describe() if client else None)


@dataclass(frozen=True)
class EngineFacts:
    """The facts about one engine and the client tools beside it."""

    server_version: str
    api_version: str                    # what this client and the engine agreed on
    min_api_version: str
    max_api_version: str
    default_builder: str                # "BuildKit" or "classic": what /_ping announces
    image_store: str                    # "classic" or "containerd"
    storage_driver: str
    cgroup_version: str
    cgroup_driver: str
    rootless: bool
    userns_remap: bool
    operating_system: str
    cli: CLIFacts = field(default_factory=CLIFacts)

    @property
    def save_layout(self) -> str:
        """What ``docker save`` writes: ``"oci"`` (an OCI image layout that also carries
        Docker's ``manifest.json``) since Engine 25.0 and from the containerd image store
        (which exports with containerd's OCI exporter), ``"docker"`` before."""
        if self.image_store == "containerd":
            return "oci"
        return "oci" if version_tuple(self.server_version) >= OCI_SAVE_SINCE else "docker"

    @property
    def image_id_is(self) -> str:
        """What an image ID is the digest of on this engine."""
        return "manifest" if self.image_store == "containerd" else "config"

    @property
    def builder(self) -> str:
        """The builder a plain ``docker build`` on this machine gets, and how to reach
        BuildKit when that is not the default."""
        client = self.cli.buildkit_client
        if self.cli.build_default == "BuildKit":
            return f"BuildKit ({client})"
        if client:
            return f"classic by default; BuildKit with {client}"
        return "classic (no BuildKit client: the docker CLI's buildx plugin is missing)"

    def rows(self) -> list[tuple[str, str]]:
        """(fact, value) pairs, in the order a learner reads them."""
        cli = self.cli
        return [
            ("engine", f"Docker Engine {self.server_version} on {self.operating_system}"),
            ("API", f"{self.api_version} in use; the engine accepts "
                    f"{self.min_api_version} to {self.max_api_version}"),
            ("builder", f"{self.builder}; the engine's default: {self.default_builder}"),
            ("image store", f"{self.image_store} ({self.storage_driver}); an image ID is "
                            f"the {self.image_id_is} digest" + (
                                " (an index's, for BuildKit and multi-platform images)"
                                if self.image_id_is == "manifest" else "")),
            ("docker save", "OCI image layout (index.json, blobs/) with manifest.json"
             if self.save_layout == "oci" else "Docker's layout (manifest.json, "
             "one folder per layer)"),
            ("cgroups", f"{self.cgroup_version} ({self.cgroup_driver} driver)"),
            ("rootless", "yes" if self.rootless else
             "no (user namespaces remapped)" if self.userns_remap else "no"),
            ("docker CLI", f"{cli.version} at {cli.path}" if cli.path else "not installed"),
            ("Compose", cli.compose or "not installed"),
        ]

    def notes(self) -> list[str]:
        """One sentence for each tool the kit's features use that is missing or cannot use
        this engine: what is missing, and what the kit does instead."""
        cli, notes = self.cli, []
        if not cli.path:
            notes.append("No docker CLI is installed: the notebooks show the commands you "
                         "would type, but cannot run them; install Debian's docker-cli "
                         "(Debian 13) or docker.io (Debian 12).")
        elif cli.refused:
            notes.append(f"The docker CLI at {cli.path} ({cli.version}) cannot use this engine "
                         f"(it says: {cli.refused}); the kit talks to the engine through the "
                         "SDK, and the CLI cells will fail until CLI and engine agree.")
        if cli.path and not cli.buildx and version_tuple(cli.version) >= (23,):
            kit = (f"the kit builds with BuildKit through {cli.buildkit_client}"
                   if cli.buildkit_client else "and so does the kit")
            notes.append(f"The docker CLI at {cli.path} ({cli.version}) has no buildx plugin, "
                         "so BuildKit cannot be driven from it: `docker build` falls back to "
                         f"the deprecated classic builder, {kit}; install docker-buildx.")
        if not cli.compose:
            notes.append("Docker Compose is not installed: notebook 04's Compose section says "
                         "so and skips its cells; install Debian's docker-compose.")
        elif cli.compose.endswith("(docker-compose)") and version_tuple(cli.compose) < (2,):
            notes.append(f"Only Compose v1 ({cli.compose}) is here, retired since 2023: the "
                         "kit uses it, and its containers are named project_service_1 "
                         "instead of v2's project-service-1.")
        return notes

    def summary(self) -> str:
        """One line (and one per note), for the start of a test run or a lane."""
        line = "engine facts: " + "; ".join(f"{name} {value}" for name, value in self.rows())
        return "\n".join([line, *(f"note: {note}" for note in self.notes())])

    def __str__(self) -> str:
        width = max(len(name) for name, _ in self.rows())
        lines = [f"{name:<{width}}  {value}" for name, value in self.rows()]
        return "\n".join(lines + [f"note: {note}" for note in self.notes()])

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def default_builder(client) -> str:
    """``"BuildKit"`` or ``"classic"``, from the ``Builder-Version`` header of ``/_ping``."""
    response = client.api.get(client.api._url("/_ping", versioned_api=False))
    return "BuildKit" if response.headers.get("Builder-Version") == "2" else "classic"


def engine_facts(client, cli: CLIFacts | None = None) -> EngineFacts:
    """Ask the engine behind ``client`` (and the CLI on PATH, unless given) what it is."""
    if cli is None:
        from .raw import endpoint_of

        cli = cli_facts(endpoint_of(client).cli_environment())
    version = client.version()
    info = client.info()
    options = security_options(info)
    return EngineFacts(
        server_version=str(version.get("Version")),
        api_version=str(client.api.api_version),
        min_api_version=str(version.get("MinAPIVersion")),
        max_api_version=str(version.get("ApiVersion")),
        default_builder=default_builder(client),
        image_store=image_store_of(info),
        storage_driver=str(info.get("Driver")),
        cgroup_version=f"v{info.get('CgroupVersion') or '1'}",
        cgroup_driver=str(info.get("CgroupDriver")),
        rootless="rootless" in options,
        userns_remap="userns" in options,
        operating_system=str(info.get("OperatingSystem")),
        cli=cli,
    )
