"""Wrong answers to 06_networks/reach_by_alias, as learners write them."""

from dockerlab import networks

HTTPD = "httpd -f -p 80 -h /var/www"


def _fetch(target: str) -> str:
    return (f"for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://{target}/ && exit 0; "
            "sleep 0.2; done; exit 1")


def _network(lab):
    return networks.create_network(lab, networks.unique_name(lab, "shop-net"))


def _client(lab, network, target="shop", **kwargs):
    client = networks.start(lab, _fetch(target), networks=network.name, **kwargs)
    client.wait()
    return client


def hostname_not_alias(lab):
    """hostname='shop': the server calls itself shop, the network's DNS does not."""
    network = _network(lab)
    networks.start(lab, HTTPD, networks=network.name, hostname="shop",
                   name=networks.unique_name(lab, "shop-web"))
    return _client(lab, network)


def named_shop(lab):
    """The container itself named `shop`: it resolves, but takes a name from everyone."""
    network = _network(lab)
    networks.start(lab, HTTPD, networks=network.name, name="shop")
    return _client(lab, network)


def alias_on_the_client(lab):
    """aliases=['shop'] given to the second container: it reaches itself, nobody listens."""
    network = _network(lab)
    networks.start(lab, HTTPD, networks=network.name, name=networks.unique_name(lab, "web"))
    return _client(lab, network, aliases=["shop"])


def container_name_fetched(lab):
    """The alias given, then the server fetched by its container name all the same."""
    network = _network(lab)
    server = networks.start(lab, HTTPD, networks=network.name, aliases=["shop"],
                            name=networks.unique_name(lab, "shop-web"))
    return _client(lab, network, target=server.name)


MISTAKES = {
    "hostname_not_alias": r"hostname= only sets",
    "named_shop": r"container name is `shop`",
    "alias_on_the_client": r"belongs to .*the second container",
    "container_name_fetched": r"by its container name",
}
