def get_oom_killed(lab):
    """Run (detached) a container from lab.base_image with a memory limit of exactly
    24 MiB and no extra swap, whose command uses more memory than that. Wait until it
    has ended and return the container (do not remove it): the engine must report that
    the kernel's OOM killer ended it."""
    # Your code here: mem_limit= is `docker run --memory`.
    return None
