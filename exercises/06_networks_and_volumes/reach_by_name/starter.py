def reach_by_name(lab):
    """Make one container reach another by its name. Create a user-defined network,
    start a web server on it (the kit's busybox serves /var/www with
    `httpd -f -p 80 -h /var/www`) under a name of your choice, then run a second
    container on the same network that fetches `http://<that name>/` with
    `wget -q -O -`. Return what the second container printed, as text.
    Names are shared by everyone using the engine: end yours with lab.session."""
    # Your code here: lab.client.networks.create(...), lab.client.containers.run(...)
    return None
