"""A picture of who is connected to what: containers, networks and published ports.

Built from live ``docker inspect`` data (:func:`topology`), then drawn with matplotlib
(:func:`draw_topology`): the host on top with its published ports, containers in the
middle, networks at the bottom, one line per attachment labelled with the address.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    """One container: its name, state, networks (name -> IPv4) and published ports."""

    name: str
    status: str
    networks: dict[str, str] = field(default_factory=dict)
    ports: dict[str, list[str]] = field(default_factory=dict)  # "80/tcp" -> ["127.0.0.1:8080"]


@dataclass
class Topology:
    containers: list[Node]
    networks: dict[str, str]  # name -> driver

    def summary(self) -> str:
        """One line per container: networks it is on and ports it publishes."""
        lines = []
        for node in self.containers:
            nets = ", ".join(sorted(node.networks)) or "no network"
            ports = "; ".join(f"{h} -> {inner}" for inner, hosts in node.ports.items()
                              for h in hosts)
            lines.append(f"{node.name} [{node.status}] on {nets}"
                         + (f", publishes {ports}" if ports else ""))
        return "\n".join(lines)


def topology_of(containers: list[dict], networks: list[dict]) -> Topology:
    """A :class:`Topology` from inspect dicts (``container.attrs``, ``network.attrs``)."""
    nodes = []
    for attrs in containers:
        settings = attrs.get("NetworkSettings") or {}
        attached = {name: info.get("IPAddress") or ""
                    for name, info in (settings.get("Networks") or {}).items()}
        ports = {inner: [f"{b['HostIp']}:{b['HostPort']}" for b in bindings]
                 for inner, bindings in (settings.get("Ports") or {}).items() if bindings}
        status = (attrs.get("State") or {}).get("Status", "")
        nodes.append(Node(attrs["Name"].lstrip("/"), status, attached, ports))
    drivers = {n["Name"]: n.get("Driver", "") for n in networks}
    for node in nodes:  # built-in networks a container uses (bridge, none) are shown too
        for name in node.networks:
            drivers.setdefault(name, "")
    return Topology(sorted(nodes, key=lambda n: n.name), drivers)


def topology(lab, containers: list | None = None) -> Topology:
    """The live topology of this session's containers (or the ones given)."""
    chosen = lab.containers() if containers is None else containers
    for container in chosen:
        container.reload()
    used = {name for c in chosen for name in c.attrs["NetworkSettings"]["Networks"] or {}}
    networks = [n.attrs for n in lab.client.networks.list(names=sorted(used))] if used else []
    return topology_of([c.attrs for c in chosen], networks)


def draw_topology(topo: Topology, title: str = "Containers, networks and published ports"):
    """Host, containers and networks in three rows; returns a matplotlib Figure.

    Containers are ordered by the networks they sit on, so lines cross as little as
    possible; each line carries the container's address on that network.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    names = sorted(topo.networks, key=lambda n: (n in ("bridge", "none", "host"), n))
    width = max(len(topo.containers), len(names), 2)
    net_x = {name: (i + 0.5) * width / len(names) for i, name in enumerate(names)}
    order = sorted(topo.containers, key=lambda node: (
        sum(net_x[n] for n in node.networks) / max(len(node.networks), 1), node.name))
    figure, axes = plt.subplots(figsize=(2.3 * width + 1, 5.2))
    axes.set_xlim(0, width)
    axes.set_ylim(-0.5, 3.3)
    axes.axis("off")
    axes.set_title(title)
    axes.add_patch(FancyBboxPatch((0.1, 2.75), width - 0.2, 0.3, boxstyle="round,pad=0.02",
                                  facecolor="#d6eaf8", edgecolor="#566573"))
    axes.text(0.2, 2.9, "host: published ports listen on 127.0.0.1", va="center", fontsize=9)
    for name, x in net_x.items():
        driver = topo.networks[name]
        _box(axes, x, 0, f"network {name}" + (f"\n({driver})" if driver else ""), "#fdebd0")
    for i, node in enumerate(order):
        x = (i + 0.5) * width / len(order)
        _box(axes, x, 1.5, f"{node.name}\n[{node.status}]", "#d5f5e3")
        for net, address in node.networks.items():
            axes.plot([x, net_x[net]], [1.28, 0.22], color="#7f8c8d", linewidth=1)
            axes.text(x + 0.3 * (net_x[net] - x), 1.28 - 0.3 * 1.06, address or "no address",
                      fontsize=8, ha="center", va="center", backgroundcolor="white")
        hosts = [f"{host} -> {inner}" for inner, bound in node.ports.items() for host in bound]
        if hosts:
            axes.annotate("", (x, 1.74), (x, 2.75),
                          arrowprops={"arrowstyle": "->", "color": "#2e86c1"})
            axes.text(x, 2.25, "\n".join(hosts), fontsize=8, ha="center", va="center",
                      backgroundcolor="white")
    figure.tight_layout()
    return figure


def _box(axes, x, y, text, colour):
    axes.text(x, y, text, ha="center", va="center", fontsize=9,
              bbox={"boxstyle": "round,pad=0.5", "facecolor": colour, "edgecolor": "#566573"})
