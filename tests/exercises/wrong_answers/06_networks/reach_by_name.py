"""Wrong answers to 06_networks/reach_by_name, as learners write them."""

HTTPD = ["httpd", "-f", "-p", "80", "-h", "/var/www"]


def _fetch(target: str) -> list:
    return ["sh", "-c", f"for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://{target}/ "
                        "&& exit 0; sleep 0.2; done; exit 1"]


def _server(lab, network=None):
    return lab.client.containers.run(lab.base_image, HTTPD, name=f"web-{lab.session}",
                                     network=network, detach=True)


def _client(lab, target: str, network=None):
    client = lab.client.containers.run(lab.base_image, _fetch(target), network=network,
                                       detach=True)
    client.wait()
    return client


def by_ip_address(lab):
    """The server's IP address, read from its attrs, instead of its name."""
    network = lab.client.networks.create(f"net-{lab.session}")
    server = _server(lab, network.name)
    server.reload()
    address = server.attrs["NetworkSettings"]["Networks"][network.name]["IPAddress"]
    return _client(lab, address, network.name)


def default_bridge(lab):
    """No network of their own: both containers on the default bridge, which has no names."""
    server = _server(lab)
    client = lab.client.containers.run(
        lab.base_image, ["sh", "-c", f"timeout 5 wget -q -O - http://{server.name}/"],
        detach=True)
    client.wait()
    return client


def client_not_on_the_network(lab):
    """The server on the new network, the client left on the default bridge."""
    network = lab.client.networks.create(f"net-{lab.session}")
    server = _server(lab, network.name)
    client = lab.client.containers.run(
        lab.base_image, ["sh", "-c", f"timeout 5 wget -q -O - http://{server.name}/"],
        detach=True)
    client.wait()
    return client


def localhost(lab):
    """http://localhost/ from the second container: that is the client itself."""
    network = lab.client.networks.create(f"net-{lab.session}")
    _server(lab, network.name)
    return _client(lab, "localhost", network.name)


def printed_text_returned(lab):
    """The client run with remove=True and its output returned: nothing left to read."""
    network = lab.client.networks.create(f"net-{lab.session}")
    server = _server(lab, network.name)
    return lab.client.containers.run(lab.base_image, _fetch(server.name),
                                     network=network.name, remove=True).decode()


MISTAKES = {
    "by_ip_address": r"IP address",
    "default_bridge": r"default bridge has no names",
    "client_not_on_the_network": r"not on the server's network",
    "localhost": r"localhost.*container itself",
    "printed_text_returned": r"container itself.*not the text",
}
