def lock_it_down(lab):
    """Start (detached) a container from lab.base_image that runs `sleep 600` with no
    network at all, a read-only root file system and every Linux capability dropped.
    Return the container, still running (do not remove it)."""
    # Your code here: network_mode=, read_only= and cap_drop= are options of containers.run.
    return None
