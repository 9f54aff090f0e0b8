def reach_by_name(lab):
    """Make one container reach another by its name. Create a user-defined network, start
    a web server on it (the kit's busybox serves /var/www with `httpd -f -p 80 -h /var/www`)
    under a name of your choice, then start a second container on the same network that
    fetches `http://<that name>/` with `wget -q -O -` (retrying while the server starts).
    Wait for it to finish and return that second container, not removed: the check reads
    what it printed and how it asked. Names are shared by everyone using the engine: end
    yours with lab.session."""
    # Your code here: lab.client.networks.create(...), lab.client.containers.run(...)
    return None
