def run_first_container(lab):
    """Run a container from the kit's busybox image (lab.base_image) whose whole
    output is the line `hello, dockerlab`. Keep the container (do not remove it),
    wait until it has finished, and return it (the Container object)."""
    # Your code here: lab.client.containers.run(...) is the SDK's `docker run`.
    return None
