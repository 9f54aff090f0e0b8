"""A two-tier application from the kit's offline busybox image: a web tier and a client tier.

::

    app = deploy_two_tier(lab, page="<h1>Menu of the day</h1>")
    app.client_fetch()     # a client container runs `wget http://web/` on the app network
    app.host_fetch()       # the notebook fetches http://127.0.0.1:PORT/ from the host

This is what ``docker compose`` does for two services: one network for the application,
each service reachable on it by its service name (a network alias), and the web service's
port published on the host (on 127.0.0.1 only: the kit's guard binds there by default).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import DockerLabError
from ..host import free_port
from . import OFFLINE_DNS, OFFLINE_DNS_OPTIONS, create_network, start, unique_name

LOOPBACK = "127.0.0.1"
WEB_ROOT = "/var/www"
#: busybox httpd in the foreground, serving WEB_ROOT on port 80, logging each request
HTTPD = f"httpd -f -v -p 80 -h {WEB_ROOT}"




#: an opener that ignores http_proxy & co.: loopback traffic must never go through a proxy
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, attempts: int = 50, pause: float = 0.1) -> str:
    """The body at ``url`` on this machine's loopback; retries while the server starts.

    Similar to ``curl http://127.0.0.1:PORT/``. Only loopback addresses are allowed: the kit
    sends traffic to its own containers, nowhere else.
    """
    host = urlsplit(url).hostname
    if host not in (LOOPBACK, "localhost"):
        raise DockerLabError(f"The kit only fetches from 127.0.0.1, not from '{host}'.",
                             "Publish the container's port and fetch "
                             "http://127.0.0.1:PORT/ instead.")
    last = None
    for _ in range(attempts):
        try:
            with _DIRECT.open(url, timeout=5) as response:
                return response.read().decode(errors="replace")
        except (urllib.error.URLError, ConnectionError) as error:
            last = error
            time.sleep(pause)
    raise DockerLabError(f"Nothing answered at {url} ({last}).",
                         "Is the container running (`container.status`) and is its port "
                         "published? Look at `container.logs()`.")


def fetch_by_name(lab, network: str, name: str, path: str = "/", tries: int = 10) -> str:
    """What a fresh container on ``network`` fetches from ``http://NAME/PATH`` (a container
    name or a network alias, resolved by the engine's DNS), retrying while the server comes
    up; ``""`` when nothing answered. Similar to
    ``docker run --rm --network NET busybox wget -qO- http://NAME/``."""
    rounds = " ".join(str(n) for n in range(tries))
    probe = (f"for i in {rounds}; do wget -q -O - http://{name}{path} && exit 0; "
             "sleep 0.2; done; exit 1")
    try:
        return lab.run(probe, network=network, dns=OFFLINE_DNS, dns_opt=OFFLINE_DNS_OPTIONS)
    except DockerLabError:  # the probe's own exit 1: nothing answered by that name
        return ""


def page_command(page: str | None) -> str:
    """The web container's command: write the page from $PAGE (when given), run httpd."""
    if page is None:
        return f"exec {HTTPD}"
    return f'printf "%s" "$PAGE" > {WEB_ROOT}/index.html && exec {HTTPD}'


def serve(lab, page: str | None = None, *, port: int | None = None, networks=(),
          aliases: list[str] | None = None, name: str | None = None, **kwargs):
    """A busybox ``httpd`` container serving ``page``; ``docker run -d -p 127.0.0.1:PORT:80``.

    ``port=None`` publishes nothing; ``port=0`` lets the kit pick a free port. When the
    port is taken the container is removed and :class:`~dockerlab.errors.PortTaken` raised.
    """
    if port == 0:
        port = free_port()
    if port is not None:
        kwargs["ports"] = {"80/tcp": port}
    if page is not None:
        kwargs["environment"] = {"PAGE": page}
    return start(lab, page_command(page), networks=networks, aliases=aliases, name=name,
                 **kwargs)


def published(container) -> dict[str, list[str]]:
    """Container port -> host addresses it is published on; similar to ``docker port``."""
    container.reload()
    ports = container.attrs["NetworkSettings"]["Ports"] or {}
    return {inner: [f"{b['HostIp']}:{b['HostPort']}" for b in bindings or []]
            for inner, bindings in ports.items() if bindings}


def host_url(container, inner: str = "80/tcp") -> str:
    """``http://127.0.0.1:PORT/`` for a published container port."""
    addresses = published(container).get(inner)
    if not addresses:
        raise DockerLabError(f"Container {container.name} publishes no port for {inner}.",
                             "Start it with a port (`serve(lab, page, port=0)`).")
    return f"http://{addresses[0]}/"


@dataclass
class TwoTierApp:
    """A web tier and a client tier on one application network."""

    lab: object
    network: object
    web: object
    service: str = "web"

    @property
    def url(self) -> str:
        return host_url(self.web)

    def client_fetch(self, path: str = "/") -> str:
        """A client container on the app network fetches the page by service name.

        Similar to ``docker run --rm --network NET busybox wget -qO- http://web/``.
        """
        url = f"http://{self.service}{path}"
        # the final `echo` ends the output with a newline: the engine's log can drop an
        # unfinished last line of a container that exits at once
        output = self.lab.run(f"timeout 10 wget -q -O - {url}; s=$?; echo; exit $s",
                              network=self.network.name, dns=OFFLINE_DNS,
                              dns_opt=OFFLINE_DNS_OPTIONS)
        return output[:-1] if output.endswith("\n") else output

    def host_fetch(self, path: str = "/") -> str:
        """The page fetched from the host through the published port (loopback only)."""
        return fetch(self.url.rstrip("/") + path)


def deploy_two_tier(lab, page: str = "<h1>Hello from the web tier</h1>\n", *,
                    prefix: str = "shop", port: int | None = 0) -> TwoTierApp:
    """Create the app network and its web tier; similar to ``docker compose up`` for one web
    service (``port=0`` picks a free host port, ``None`` publishes none).

    Object names end with the session id because network and container names are shared
    by everyone using this engine; the service name ``web`` is an alias on the app network.
    """
    network = create_network(lab, unique_name(lab, f"{prefix}-net"))
    web = serve(lab, page, port=port, networks=[network.name], aliases=["web"],
                name=unique_name(lab, f"{prefix}-web"))
    return TwoTierApp(lab, network, web)
