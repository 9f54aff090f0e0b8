def lock_it_down(lab):
    """Start (detached) a container from lab.base_image that runs `sleep 600` with no
    network at all, a read-only root file system and every Linux capability dropped.
    Return the container, still running (do not remove it)."""
    return lab.client.containers.run(lab.base_image, ["sleep", "600"], detach=True,
                                     network_mode="none", read_only=True, cap_drop=["ALL"])
