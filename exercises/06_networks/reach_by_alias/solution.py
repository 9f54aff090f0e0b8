def reach_by_alias(lab):
    """Give a web server a second name on your network, a network alias. The network is
    created below; start the kit's busybox web server on it (`httpd -f -p 80 -h /var/www`)
    with the alias `shop`, keeping a container name of your own (end it with the session:
    networks.unique_name does). Then start a second container on the network that fetches
    `http://shop/` with `wget -q -O -` (retrying while the server starts). Wait for it to
    finish and return it, not removed: the check reads what it printed and how it asked."""
    from dockerlab import networks  # create_network, unique_name, start

    network = networks.create_network(lab, networks.unique_name(lab, "shop-net"))
    networks.start(lab, "httpd -f -p 80 -h /var/www", networks=network.name,
                   aliases=["shop"], name=networks.unique_name(lab, "shop-web"))
    fetch = ("for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://shop/ && exit 0; "
             "sleep 0.2; done; exit 1")
    client = networks.start(lab, fetch, networks=network.name)
    client.wait()
    return client
