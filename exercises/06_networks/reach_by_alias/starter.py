def reach_by_alias(lab):
    """Give a web server a second name on your network, a network alias. The network is
    created below; start the kit's busybox web server on it (`httpd -f -p 80 -h /var/www`)
    with the alias `shop`, keeping a container name of your own (end it with the session:
    networks.unique_name does). Then start a second container on the network that fetches
    `http://shop/` with `wget -q -O -` (retrying while the server starts). Wait for it to
    finish and return it, not removed: the check reads what it printed and how it asked."""
    from dockerlab import networks  # create_network, unique_name, start

    network = networks.create_network(lab, networks.unique_name(lab, "shop-net"))
    # Your code here: networks.start(lab, command, networks=..., aliases=..., name=...)
    # starts a container in the background; container.wait() waits for it to finish.
    return None
