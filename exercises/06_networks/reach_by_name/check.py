"""Two containers on a user-defined network: one reaches the other by its name.

The check reads the second container (returned, not removed): its networks, its command
(a name, not an IP address or localhost) and what it printed; then a container of its own
fetches the page by the server's name on the same network.
"""

import re

import docker.errors

from dockerlab import networks
from dockerlab.checker import expect
from dockerlab.networks.apps import fetch_by_name

TITLE = "Reach a container by its name"
FUNCTION = "reach_by_name"
HINTS = [
    "On a user-defined network the engine runs a small DNS server: every container on it "
    "can look up the others by name. The default bridge has no such names, and an IP "
    "address changes whenever a container is re-created.",
    "`network = lab.client.networks.create(f'my-net-{lab.session}')`, then pass "
    "`network=network.name` to both `containers.run(...)` calls, and `name=...` to the "
    "server's. Both run with `detach=True`; `client.wait()` waits for the second to finish.",
    "The second container's command: `['sh', '-c', 'for i in 1 2 3 4 5; do wget -q -O - "
    "http://<server name>/ && exit 0; sleep 0.2; done; exit 1']`; return that container "
    "after `client.wait()`, without remove=True.",
]

PAGE = "Hello from a dockerlab container"
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def _servers(lab):
    """The running httpd containers of the session."""
    return [c for c in lab.containers() if c.status == "running" and "httpd" in " ".join(
        c.attrs["Config"]["Cmd"] or [])]


def _names(server, network: str) -> set:
    """What the server answers to on ``network``: its name and its aliases there."""
    info = server.attrs["NetworkSettings"]["Networks"].get(network) or {}
    return {server.name, *(info.get("Aliases") or []), *(info.get("DNSNames") or [])}


def _asked(client) -> str:
    """The client's command line and environment, as one text."""
    config = client.attrs["Config"]
    return " ".join((config.get("Entrypoint") or []) + (config.get("Cmd") or []) +
                    (config.get("Env") or []))


def check(lab, answer):
    expect(hasattr(answer, "logs") and hasattr(answer, "attrs"),
           "Return the second container itself (containers.run(..., detach=True) gives it; "
           "wait for it with client.wait()), not the text it printed.")
    try:
        answer.reload()
    except docker.errors.NotFound:
        expect(False, "The second container is gone: do not remove it (no remove=True), "
                      "the check reads its command and output.")
    servers = _servers(lab)
    expect(servers, "Keep the web server running (detach=True), with the command "
                    "`httpd -f -p 80 -h /var/www`.")
    on_own = [(net, s) for s in servers for net in networks.attachments(s)
              if net not in networks.BUILTIN_NETWORKS]
    expect(on_own, "The web server is not on a network of your own: the default bridge has "
                   "no names, so create a network and start the server on it.")
    shared = [(net, s) for net, s in on_own if net in networks.attachments(answer)]
    expect(shared, "The second container is not on the server's network: pass the same "
                   "network=... to both containers.run(...) calls.")
    asked = _asked(answer)
    expect(not re.search(r"\blocalhost\b|\b127\.0\.0\.1\b", asked),
           "localhost, inside a container, is that container itself, not the server: "
           "fetch http://<server name>/.")
    addresses = sorted(set(_IPV4.findall(asked)))
    expect(not addresses,
           f"The second container asked for an IP address ({', '.join(addresses)}): the "
           "point is the server's name, which the network's DNS resolves (addresses change).")
    network, server = next(((net, s) for net, s in shared
                            if any(n in asked for n in _names(s, net))), (None, None))
    expect(server is not None,
           "The second container's command does not name the server: fetch "
           "http://<server name>/.")
    printed = answer.logs().decode(errors="replace")
    expect(PAGE in printed,
           f"The second container did not print the page ('{PAGE}'); retry the wget a few "
           "times in case it ran before the server listened.")
    expect(PAGE in fetch_by_name(lab, network, server.name),
           "A container on your network could not fetch the page by the server's name.")
