"""Mistakes learners make when they try to get a container OOM-killed."""

GROW = ["sh", "-c", "x=a; while true; do x=$x$x; done"]


def _run(lab, command=GROW, **limits):
    container = lab.client.containers.run(lab.base_image, command, detach=True, **limits)
    container.wait(timeout=60)
    return container


def no_swap_limit(lab):
    return _run(lab, mem_limit="24m")


def unlimited_swap(lab):
    return _run(lab, mem_limit="24m", memswap_limit=-1)


def megabytes_not_mebibytes(lab):
    return _run(lab, mem_limit=24_000_000, memswap_limit=24_000_000)


def killed_it_myself(lab):
    container = lab.client.containers.run(lab.base_image, ["sleep", "300"], detach=True,
                                          mem_limit="24m", memswap_limit="24m")
    container.kill()
    container.wait(timeout=60)
    return container


def uses_too_little_memory(lab):
    return _run(lab, ["sh", "-c", "x=abc; sleep 1"], mem_limit="24m", memswap_limit="24m")


MISTAKES = {
    "no_swap_limit": r"default swap",
    "unlimited_swap": r"unlimited swap",
    "megabytes_not_mebibytes": r"24 MB = 24000000 is not 24 MiB",
    "killed_it_myself": r"killed \(docker kill\), not by the OOM killer",
    "uses_too_little_memory": r"OOM killer did not end it",
}
