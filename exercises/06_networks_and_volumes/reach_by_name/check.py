"""Two containers on a user-defined network: one reaches the other by its name."""

from dockerlab import networks
from dockerlab.checker import expect

TITLE = "Reach a container by its name"
FUNCTION = "reach_by_name"
HINTS = [
    "Only user-defined networks have the engine's DNS: "
    "`network = lab.client.networks.create(f'my-net-{lab.session}')`, then pass "
    "`network=network.name` to both `containers.run(...)` calls.",
    "Start the server with `detach=True` and `name=...` so it keeps running; run the client "
    "without detach (it returns the output as bytes: `.decode()` it). If the client is "
    "faster than the server, retry the wget a few times in a `sh -c` loop.",
]

PAGE = "Hello from a dockerlab container"


def _servers(lab):
    """(network name, container name) for each running httpd on a user-defined network."""
    found = []
    for container in lab.containers():
        if container.status != "running" or "httpd" not in " ".join(
                container.attrs["Config"]["Cmd"] or []):
            continue
        for network in networks.attachments(container):
            if network not in networks.BUILTIN_NETWORKS:
                found.append((network, container.name))
    return found


def check(lab, answer):
    expect(isinstance(answer, str),
           "Return the text the second container printed (decode the bytes with .decode()).")
    expect(PAGE in answer,
           f"The text you returned does not contain the page ('{PAGE}'); did the second "
           "container fetch http://<server name>/ ?")
    expect(lab.networks(), "Create your own network: the default bridge has no names.")
    servers = _servers(lab)
    expect(servers, "Keep the web server running (detach=True) on your own network, with "
                    "the command `httpd -f -p 80 -h /var/www`.")
    reached = False
    for network, name in servers:
        probe = (f"for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://{name}/ && exit 0; "
                 "sleep 0.2; done; exit 1")
        try:
            reached = PAGE in lab.run(probe, network=network, dns=networks.OFFLINE_DNS,
                                      dns_opt=networks.OFFLINE_DNS_OPTIONS)
        except Exception:
            reached = False
        if reached:
            break
    expect(reached, "A container on your network could not fetch the page by the server's "
                    "name: is the server on that network, and named?")
