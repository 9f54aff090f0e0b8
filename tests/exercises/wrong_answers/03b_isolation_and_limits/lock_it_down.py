"""Mistakes learners make when they lock a container down."""

SLEEP = ["sleep", "600"]


def _run(lab, command=SLEEP, **options):
    return lab.client.containers.run(lab.base_image, command, detach=True, **options)


def kept_the_default_network(lab):
    return _run(lab, read_only=True, cap_drop=["ALL"])


def forgot_read_only(lab):
    return _run(lab, network_mode="none", cap_drop=["ALL"])


def dropped_one_capability(lab):
    return _run(lab, network_mode="none", read_only=True, cap_drop=["NET_RAW"])


def added_one_back(lab):
    return _run(lab, network_mode="none", read_only=True, cap_drop=["ALL"], cap_add=["CHOWN"])


def command_ends_at_once(lab):
    container = _run(lab, ["true"], network_mode="none", read_only=True, cap_drop=["ALL"])
    container.wait(timeout=30)
    return container


MISTAKES = {
    "kept_the_default_network": r"network is 'default'|network is 'bridge'",
    "forgot_read_only": r"root file system is writable",
    "dropped_one_capability": r"Dropped capabilities: NET_RAW",
    "added_one_back": r"cap_add gives back CHOWN",
    "command_ends_at_once": r"The container is exited",
}
