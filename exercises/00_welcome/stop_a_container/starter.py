def stop_a_container(lab):
    """Start (detached) a container from lab.base_image whose command is `sleep 300`.
    While it runs, STOP it as `docker stop` does (not `docker kill`, not `docker pause`).
    Keep it (do not remove it) and return it (the Container object)."""
    # Your code here: a detached container's methods are the docker subcommands.
    return None
