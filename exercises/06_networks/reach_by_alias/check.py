"""A web server with a network alias, reached by that alias from a second container.

The check reads the engine's record of the server (its aliases on each network, its
hostname, its name), the second container's network, command and output, then fetches
http://shop/ itself from a container on the same network.
"""

import re

import docker.errors

from dockerlab import networks
from dockerlab.checker import expect
from dockerlab.networks.apps import fetch_by_name

TITLE = "One more name: a network alias"
FUNCTION = "reach_by_alias"
HINTS = [
    "On a user-defined network a container answers to its name and to any network aliases "
    "it was given there (`docker run --network-alias`, or `aliases:` in Compose): service "
    "names that stay the same whatever the container is called.",
    "`networks.start(lab, command, networks=network.name, aliases=[...], name=...)` starts "
    "a container on the network with those aliases; the alias belongs to the server, the "
    "second container only uses it.",
    "The server: `networks.start(lab, 'httpd -f -p 80 -h /var/www', networks=network.name, "
    "aliases=['shop'], name=networks.unique_name(lab, 'shop-web'))`. The second container "
    "runs a retry loop around `wget -q -O - http://shop/`; return it after `.wait()`.",
]

ALIAS = "shop"
_FETCHES_ALIAS = re.compile(rf"//{ALIAS}(?![\w.-])")  # http://shop/, not http://shop-web-1/
PAGE = "Hello from a dockerlab container"


def _aliases(container, network: str) -> list:
    info = container.attrs["NetworkSettings"]["Networks"].get(network) or {}
    return info.get("Aliases") or []


def _is_server(container) -> bool:
    return container.status == "running" and "httpd" in " ".join(
        container.attrs["Config"]["Cmd"] or [])


def _own_networks(container) -> list:
    return [n for n in networks.attachments(container) if n not in networks.BUILTIN_NETWORKS]


def _why_no_alias(lab, servers) -> str:
    """The hint when no server has the alias: what the learner did instead."""
    others = [c.name for c in lab.containers() if not _is_server(c)
              and any(ALIAS in _aliases(c, n) for n in _own_networks(c))]
    if others:
        return (f"The alias `{ALIAS}` belongs to {others[0]}, the second container: give it "
                "to the server (aliases=[...] when you start the server).")
    if any(s.name == ALIAS for s in servers):
        return (f"The server's container name is `{ALIAS}`, a name everyone on the engine "
                "shares: keep a name of your own and give the alias with aliases=[...].")
    return f"No server of yours answers to the alias `{ALIAS}`: give it with aliases=[...]."


def check(lab, answer):
    expect(hasattr(answer, "logs") and hasattr(answer, "attrs"),
           "Return the second container itself (networks.start(...) gives it), after "
           ".wait(), not the text it printed.")
    try:
        answer.reload()
    except docker.errors.NotFound:
        expect(False, "The second container is gone: do not remove it, the check reads it.")
    servers = [c for c in lab.containers() if _is_server(c)]
    expect(servers, "Keep the web server running in the background, with the command "
                    "`httpd -f -p 80 -h /var/www`.")
    expect(not any(s.attrs["Config"]["Hostname"] == ALIAS for s in servers),
           f"Leave hostname= out: hostname= only sets the name the server calls itself (Docker "
           f"20.10 also put it on the network, newer engines do not); the network's DNS knows "
           f"container names and aliases: give `{ALIAS}` with aliases=[...].")
    aliased = [(n, s) for s in servers for n in _own_networks(s) if ALIAS in _aliases(s, n)]
    expect(aliased, _why_no_alias(lab, servers))
    shared = [(n, s) for n, s in aliased if n in networks.attachments(answer)]
    expect(shared, "The second container is not on the server's network: start it with "
                   "networks=network.name too.")
    network, server = shared[0]
    asked = " ".join(answer.attrs["Config"]["Cmd"] or [])
    expect(_FETCHES_ALIAS.search(asked) or server.name not in asked,
           f"The second container asked for the server by its container name "
           f"({server.name}), not by the alias: fetch http://{ALIAS}/.")
    expect(_FETCHES_ALIAS.search(asked), f"The second container does not fetch "
                                              f"http://{ALIAS}/.")
    expect(PAGE in answer.logs().decode(errors="replace"),
           f"The second container did not print the page ('{PAGE}'); retry the wget a few "
           "times in case it ran before the server listened.")
    expect(PAGE in fetch_by_name(lab, network, ALIAS),
           f"A container on your network could not fetch http://{ALIAS}/.")
