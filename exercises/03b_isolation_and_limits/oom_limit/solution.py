def get_oom_killed(lab):
    """Run (detached) a container from lab.base_image with a memory limit of exactly
    24 MiB and no extra swap, whose command uses more memory than that. Wait until it
    has ended and return the container (do not remove it): the engine must report that
    the kernel's OOM killer ended it."""
    container = lab.client.containers.run(
        lab.base_image, ["sh", "-c", "x=a; while true; do x=$x$x; done"], detach=True,
        mem_limit="24m", memswap_limit="24m")
    container.wait(timeout=60)
    return container
