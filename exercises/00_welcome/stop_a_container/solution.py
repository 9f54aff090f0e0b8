def stop_a_container(lab):
    """Start (detached) a container from lab.base_image whose command is `sleep 300`.
    While it runs, STOP it as `docker stop` does (not `docker kill`, not `docker pause`).
    Keep it (do not remove it) and return it (the Container object)."""
    container = lab.client.containers.run(lab.base_image, ["sleep", "300"], detach=True)
    # sleep, as a container's first process, ignores SIGTERM: after the grace period the
    # engine sends SIGKILL. A short grace period saves the wait.
    container.stop(timeout=1)
    return container
