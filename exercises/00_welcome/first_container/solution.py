def run_first_container(lab):
    """Run a container from the kit's busybox image (lab.base_image) whose whole
    output is the line `hello, dockerlab`. Keep the container (do not remove it),
    wait until it has finished, and return it (the Container object)."""
    container = lab.client.containers.run(lab.base_image, ["echo", "hello, dockerlab"],
                                          detach=True)
    container.wait()
    return container
