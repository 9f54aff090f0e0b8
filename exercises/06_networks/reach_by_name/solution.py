def reach_by_name(lab):
    """Make one container reach another by its name. Create a user-defined network, start
    a web server on it (the kit's busybox serves /var/www with `httpd -f -p 80 -h /var/www`)
    under a name of your choice, then start a second container on the same network that
    fetches `http://<that name>/` with `wget -q -O -` (retrying while the server starts).
    Wait for it to finish and return that second container, not removed: the check reads
    what it printed and how it asked. Names are shared by everyone using the engine: end
    yours with lab.session."""
    network = lab.client.networks.create(f"exercise-net-{lab.session}")
    server = lab.client.containers.run(
        lab.base_image, ["httpd", "-f", "-p", "80", "-h", "/var/www"],
        name=f"exercise-web-{lab.session}", network=network.name, detach=True)
    # the server needs a moment to listen: try a few times
    fetch = (f"for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://{server.name}/ "
             "&& exit 0; sleep 0.2; done; exit 1")
    client = lab.client.containers.run(lab.base_image, ["sh", "-c", fetch],
                                       network=network.name, detach=True)
    client.wait()
    return client
