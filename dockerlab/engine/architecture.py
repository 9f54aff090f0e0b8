"""Docker's client-server architecture, drawn from the live engine.

:func:`architecture_facts` asks the engine (similar to ``docker version`` plus ``docker info``)
and :func:`draw_architecture` turns those facts into a matplotlib picture: the client on the
left, the daemon in the middle with the objects it manages, the registries on the right.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArchitectureFacts:
    """What the picture shows; every value comes from the engine or the client."""

    client: str
    api_version: str
    transport: str
    server: str
    os: str
    storage_driver: str
    containers: int
    running: int
    images: int
    networks: int
    volumes: int
    registry: str


def architecture_facts(client) -> ArchitectureFacts:
    """Ask the engine for the facts the architecture picture shows."""
    import docker

    version, info = client.version(), client.info()
    base_url = client.api.base_url
    transport = "a UNIX socket" if base_url.startswith("http+docker://") else base_url
    return ArchitectureFacts(
        client=f"docker-py {docker.__version__}",
        api_version=client.api.api_version,
        transport=transport,
        server=f"dockerd {version.get('Version')}",
        os=info.get("OperatingSystem", "?"),
        storage_driver=info.get("Driver", "?"),
        containers=info.get("Containers", 0),
        running=info.get("ContainersRunning", 0),
        images=info.get("Images", 0),
        networks=len(client.networks.list()),
        volumes=len(client.volumes.list()),
        registry=info.get("IndexServerAddress", "?"),
    )


def _box(ax, x, y, width, height, title, lines, colour):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.02",
                                facecolor=colour, edgecolor="#34495e", linewidth=1.5))
    ax.text(x + width / 2, y + height - 0.06, title, ha="center", va="top", fontsize=12,
            weight="bold")
    ax.text(x + width / 2, y + height - 0.16, "\n".join(lines), ha="center", va="top",
            fontsize=9, linespacing=1.5)


def _arrow(ax, start, end, label):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "<->", "color": "#2c3e50", "lw": 1.5})
    ax.text((start[0] + end[0]) / 2, start[1] + 0.03, label, ha="center", fontsize=8,
            color="#2c3e50")


def draw_architecture(facts: ArchitectureFacts):
    """The client -> daemon -> registry picture for ``facts``; returns the Figure."""
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(11, 4.2))
    ax.set_xlim(0, 3.2)
    ax.set_ylim(0, 1.05)
    ax.axis("off")
    _box(ax, 0.05, 0.25, 0.8, 0.7, "Client", [facts.client, f"API {facts.api_version}",
                                              "(this notebook)"], "#d6eaf8")
    _box(ax, 1.2, 0.05, 0.9, 0.9, "Daemon", [
        facts.server, facts.os, f"storage: {facts.storage_driver}",
        f"containers: {facts.containers} ({facts.running} running)",
        f"images: {facts.images}", f"networks: {facts.networks}",
        f"volumes: {facts.volumes}"], "#d5f5e3")
    registry = facts.registry.replace("https://", "").rstrip("/")
    _box(ax, 2.4, 0.25, 0.75, 0.7, "Registry", [f"default: {registry}",
                                                "(not contacted:", "the kit is offline)"],
         "#fdebd0")
    _arrow(ax, (0.87, 0.6), (1.18, 0.6), f"REST API over\n{facts.transport}")
    _arrow(ax, (2.12, 0.6), (2.38, 0.6), "pull / push")
    ax.set_title("Docker's architecture, as this engine reports it", fontsize=13)
    figure.tight_layout()
    return figure
