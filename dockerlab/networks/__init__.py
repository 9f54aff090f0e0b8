"""Networks: how containers find and reach each other, seen from outside and from inside.

::

    net = create_network(lab, "shop-net")                    # docker network create
    web = start(lab, "httpd -f -p 80 -h /var/www", networks=[net.name], aliases=["web"])
    interfaces(web), routes(web)                            # ip addr / ip route, inside
    reachability(lab, [web, client])                        # who reaches whom, by name or IP

Three kinds of network matter for a learner: the engine's default ``bridge`` (containers get
an address, but no names), a user-defined bridge (the engine's embedded DNS at 127.0.0.11
answers with container names and aliases), and ``none`` (loopback only).

Containers started by :func:`start` use a DNS server at 127.0.0.1 *inside the container*
(nothing listens there): the embedded DNS still answers container names, and a name it
does not know fails within a second instead of being forwarded to a resolver off this
machine.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import docker.errors

from ..containers.run import launch
from ..errors import ContainerError, DockerLabError, NetworkNotFound, PortTaken, mapped

#: the engine's own networks, present on every engine
BUILTIN_NETWORKS = ("bridge", "host", "none")
#: a nameserver nobody answers on: unknown names fail fast and never leave the machine
OFFLINE_DNS = ["127.0.0.1"]
#: ask once, wait one second: a name nobody knows fails quickly (the default is 2 x 5 s)
OFFLINE_DNS_OPTIONS = ["timeout:1", "attempts:1"]

#: the engine's words for a taken host port: 20.10-26 ("Bind for ... failed", the userland
#: proxy's "listen tcp"), 28 ("failed to bind host port for HOST:PORT:CONTAINER:PORT/tcp")
_PORT_TAKEN = re.compile(r"(?:Bind for (?P<addr>[\d.:\[\]a-f]+?):(?P<port>\d+) failed|"
                         r"listen tcp[46]? (?P<addr2>[\d.:\[\]a-f]+?):(?P<port2>\d+): bind: "
                         r"address already in use|failed to bind host port for "
                         r"(?P<addr3>[\d.:\[\]a-f]+?):(?P<port3>\d+):)", re.I)


# --- networks as objects ---------------------------------------------------------------
def unique_name(lab, base: str) -> str:
    """``base`` plus the session's short id (``web-3f9a1c``): container and network names are
    shared by everyone using the engine, the way ``docker compose`` prefixes its project."""
    return f"{base}-{lab.session.rsplit('-', 1)[-1]}"


def create_network(lab, name: str, *, internal: bool = False, **kwargs):
    """Create a user-defined bridge network; similar to ``docker network create NAME``.

    ``internal=True`` makes a network with no route out (``--internal``). The network
    carries the session's labels, so ``lab.cleanup()`` removes it.
    """
    with mapped(about="network"):
        return lab.client.networks.create(name, driver="bridge", internal=internal,
                                          check_duplicate=True, **kwargs)


def require_network(lab, name: str):
    """The network called ``name``, or :class:`NetworkNotFound` listing the ones there are.

    Similar to ``docker network inspect NAME``.
    """
    with mapped(about="network"):
        try:
            network = lab.client.networks.get(name)
        except docker.errors.NotFound:
            network = None
    if network is None:
        known = list(BUILTIN_NETWORKS) + sorted(n.name for n in lab.networks())
        raise NetworkNotFound(
            f"There is no network called '{name}' on this engine.",
            f"Create it first with `create_network(lab, '{name}')` (like `docker network "
            f"create {name}`), or pick one of: {', '.join(known)}.")
    return network


def attach(lab, container, network: str, aliases: list[str] | None = None) -> None:
    """Connect a container to one more network; similar to ``docker network connect``."""
    net = require_network(lab, network)
    with mapped(about="network"):
        net.connect(container, aliases=aliases)
    container.reload()


def detach(lab, container, network: str) -> None:
    """Disconnect a container from a network; similar to ``docker network disconnect``."""
    net = require_network(lab, network)
    with mapped(about="network"):
        net.disconnect(container)
    container.reload()


# --- starting containers without leaking them -------------------------------------------
def port_taken(error_text: str) -> tuple[str, int] | None:
    """``(address, port)`` when an engine message says a host port is taken, else None."""
    match = _PORT_TAKEN.search(error_text or "")
    if not match:
        return None
    address = match.group("addr") or match.group("addr2") or match.group("addr3")
    return address, int(match.group("port") or match.group("port2") or match.group("port3"))


def _holders(lab, port: int) -> list[str]:
    try:
        return [c.name for c in lab.client.containers.list(filters={"publish": str(port)})]
    except Exception:
        return []


def _start_failed(lab, error, name: str | None) -> DockerLabError:
    """The kit's error for a container that was created but could not start."""
    explained = lab.explain(error)
    if "could not find bridge docker0" in explained.message:
        return ContainerError(
            f"Container {name or '(unnamed)'} could not join the default bridge network: the "
            "engine's bridge interface docker0 is gone from the host (a second dockerd "
            "started with --bridge=none deletes it). The failed container was removed.",
            "Restart the engine to recreate docker0, or use a user-defined network "
            "(`create_network(lab, name)`), which has its own bridge.")
    taken = port_taken(explained.message)
    if taken is None:
        return explained
    address, port = taken
    holders = _holders(lab, port)
    who = f" by container {', '.join(holders)}" if holders else " by another program"
    return PortTaken(
        f"Container {name or '(unnamed)'} could not start: host port {address}:{port} is "
        f"already taken{who}. The failed container was removed.",
        "Publish on another host port (pick a free one with `free_port()`), or stop the "
        "container holding this one first.")


def start(lab, command=None, *, networks=(), aliases: list[str] | None = None,
          image: str | None = None, offline_dns: bool = True, **kwargs):
    """Start a detached container on some networks; similar to ``docker run -d --network``.

    ``networks`` is one name or a list: the container joins the first when it is created
    and the others before it starts (like ``docker network connect``); ``aliases`` are the
    extra names it answers to on each of them. When the container cannot start (a port
    already taken, a network gone), it is removed before the error is raised: nothing leaks.
    """
    names = [networks] if isinstance(networks, str) else list(networks or [])
    for name in names:
        require_network(lab, name)
    if names:
        kwargs["network"] = names[0]
        if aliases and names[0] not in ("bridge", "none", "host"):
            endpoint = lab.client.api.create_endpoint_config(aliases=list(aliases))
            kwargs["networking_config"] = {names[0]: endpoint}
    if offline_dns and not set(names[:1]) & {"none", "host"} and "network_mode" not in kwargs:
        kwargs.setdefault("dns", OFFLINE_DNS)
        kwargs.setdefault("dns_opt", OFFLINE_DNS_OPTIONS)

    def join_the_others(container):
        for name in names[1:]:
            lab.client.networks.get(name).connect(container, aliases=aliases)

    return launch(lab, command, image, before_start=join_the_others,
                  explain=lambda error: _start_failed(lab, error, kwargs.get("name")), **kwargs)


# --- what a container sees inside -------------------------------------------------------
@dataclass
class Interface:
    """One network interface inside a container, as ``ip addr`` lists it."""

    name: str
    addresses: list[str] = field(default_factory=list)

    @property
    def ipv4(self) -> list[str]:
        """The IPv4 addresses (``127.0.0.1/8``): every engine gives these the same way."""
        return [a for a in self.addresses if ":" not in a]

    @property
    def ipv6(self) -> list[str]:
        """The IPv6 addresses (``::1/128`` on loopback): whether a container has them
        depends on the engine's release and the kernel's settings (Docker 20.10 turns IPv6
        off in a container's namespace, Docker 26 leaves ``::1`` on loopback), so ask."""
        return [a for a in self.addresses if ":" in a]

    def __str__(self) -> str:
        return f"{self.name}: {', '.join(self.addresses) or '(no address)'}"


@dataclass
class Route:
    """One line of a container's routing table, as ``ip route`` lists it."""

    destination: str
    device: str
    gateway: str | None = None

    def __str__(self) -> str:
        via = f" via {self.gateway}" if self.gateway else ""
        return f"{self.destination}{via} dev {self.device}"


def parse_ip_addr(text: str) -> list[Interface]:
    """Interfaces and their IPv4/IPv6 addresses from ``ip addr`` (or ``ip -o addr``) output."""
    found: dict[str, Interface] = {}
    current = None
    for line in text.splitlines():
        header = re.match(r"^\d+:\s+(?P<name>[^:\s@]+)(?:@\S+)?:?\s", line)
        if header:
            current = found.setdefault(header.group("name"), Interface(header.group("name")))
        address = re.search(r"\binet6?\s+(?P<addr>\S+)", line)
        if address and current is not None:
            current.addresses.append(address.group("addr"))
    return list(found.values())


def parse_ip_route(text: str) -> list[Route]:
    """Routes from ``ip route`` output: destination, device, and gateway when there is one."""
    routes = []
    for line in text.splitlines():
        words = line.split()
        if not words or "dev" not in words:
            continue
        gateway = words[words.index("via") + 1] if "via" in words else None
        routes.append(Route(words[0], words[words.index("dev") + 1], gateway))
    return routes


def inside(lab, container, command: str) -> str:
    """Run ``command`` in a running container; similar to ``docker exec NAME sh -c CMD``."""
    with mapped(about="container"):
        result = container.exec_run(["sh", "-c", command])
    return result.output.decode(errors="replace")


def interfaces(lab, container) -> list[Interface]:
    """The container's interfaces seen from inside; similar to ``docker exec C ip addr``."""
    return parse_ip_addr(inside(lab, container, "ip addr"))


def routes(lab, container) -> list[Route]:
    """The container's routing table seen from inside; similar to ``docker exec C ip route``."""
    return parse_ip_route(inside(lab, container, "ip route"))


def parse_nameservers(text: str) -> list[str]:
    """The ``nameserver`` addresses of a resolv.conf; comments (Docker 26 and later add
    ``# Overrides: [nameservers ...]`` and ``# Based on host file ...``) are left out."""
    found = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and words[0] == "nameserver":
            found.append(words[1])
    return found


def nameservers(lab, container) -> list[str]:
    """Where the container sends DNS queries; ``docker exec C cat /etc/resolv.conf``."""
    return parse_nameservers(inside(lab, container, "cat /etc/resolv.conf"))


def attachments(container) -> dict[str, str]:
    """Network name -> the container's IPv4 address on it, from ``docker inspect``."""
    container.reload()
    networks = container.attrs["NetworkSettings"]["Networks"] or {}
    return {name: info.get("IPAddress") or "" for name, info in networks.items()}


# --- who reaches whom ------------------------------------------------------------------
BY_NAME, BY_IP, UNREACHABLE = "name", "ip", "-"


@dataclass
class Reachability:
    """For each (source, target) pair of containers: reached by ``name``, by ``ip``, or ``-``."""

    names: list[str]
    cells: dict[tuple[str, str], str]

    def __getitem__(self, pair: tuple[str, str]) -> str:
        return self.cells[pair]

    def reaches(self, source: str, target: str) -> bool:
        return self.cells[(source, target)] != UNREACHABLE

    @property
    def cli(self) -> list[str]:
        """The same probes typed in a terminal, one ``docker exec`` per pair (by name)."""
        return [f"docker exec {source} ping -c 1 -W 1 {target}" for source in self.names
                for target in self.names if source != target]

    def table(self) -> str:
        """The matrix as text: rows are sources, columns are targets."""
        corner = "from \\ to"
        width = max([len(n) for n in self.names] + [len(corner)]) + 2
        lines = [corner.ljust(width) + "".join(n.ljust(width) for n in self.names)]
        for source in self.names:
            cells = ["" if source == target else self.cells[(source, target)]
                     for target in self.names]
            lines.append(source.ljust(width) + "".join(c.ljust(width) for c in cells))
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        return self.table()


def probe_script(targets: dict[str, list[str]]) -> str:
    """A shell script pinging every target by name, then by its addresses, all at once.

    It prints one line per target: ``NAME name``, ``NAME ip`` or ``NAME -``.
    """
    lines = ['p() { ping -c 1 -W 1 "$1" >/dev/null 2>&1; }']
    for name, addresses in targets.items():
        by_ip = " || ".join(f"p {a}" for a in addresses) or "false"
        lines.append(f"( if p {name}; then echo '{name} {BY_NAME}'; elif {by_ip}; then "
                     f"echo '{name} {BY_IP}'; else echo '{name} {UNREACHABLE}'; fi ) &")
    lines.append("wait")
    return "\n".join(lines)


def parse_probe(output: str) -> dict[str, str]:
    """Target -> ``name``/``ip``/``-`` from the output of :func:`probe_script`."""
    found = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) == 2 and words[1] in (BY_NAME, BY_IP, UNREACHABLE):
            found[words[0]] = words[1]
    return found


def reachability(lab, containers: list) -> Reachability:
    """Ping every container from every other one, by name and by address, from inside.

    Similar to running ``docker exec A ping -c1 B`` for each pair; each source pings all
    its targets in parallel. Needs running containers of the kit's busybox image.
    """
    addresses = {c.name: [ip for ip in attachments(c).values() if ip] for c in containers}

    def from_source(source):
        targets = {name: ips for name, ips in addresses.items() if name != source.name}
        return source.name, parse_probe(inside(lab, source, probe_script(targets)))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(pool.map(from_source, containers))
    cells = {(source, target): results[source].get(target, UNREACHABLE)
             for source in addresses for target in addresses if source != target}
    return Reachability(list(addresses), cells)


def draw_reachability(matrix: Reachability, title: str = "Who reaches whom"):
    """The reachability matrix as a coloured grid; returns a matplotlib Figure."""
    import matplotlib.pyplot as plt

    colours = {BY_NAME: "#27ae60", BY_IP: "#f5b041", UNREACHABLE: "#e6b0aa", "": "#d5d8dc"}
    n = len(matrix.names)
    figure, axes = plt.subplots(figsize=(1.6 + 1.3 * n, 1.2 + 0.8 * n))
    for row, source in enumerate(matrix.names):
        for col, target in enumerate(matrix.names):
            value = "" if source == target else matrix.cells[(source, target)]
            axes.add_patch(_cell(col, row, colours[value]))
            label = {BY_NAME: "by name", BY_IP: "by IP only", UNREACHABLE: "no", "": ""}[value]
            axes.text(col + 0.5, row + 0.5, label, ha="center", va="center", fontsize=9)
    axes.set_xlim(0, n)
    axes.set_ylim(n, 0)
    axes.set_xticks([i + 0.5 for i in range(n)], matrix.names, rotation=20)
    axes.set_yticks([i + 0.5 for i in range(n)], matrix.names)
    axes.set_xlabel("target")
    axes.set_ylabel("source")
    axes.set_title(title)
    figure.tight_layout()
    return figure


def _cell(x, y, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=2)
