"""What a learner can do about each refusal: the advice half of the kit's errors."""

from __future__ import annotations

API_VERSION = (
    "Client and engine must share an API version: leave the version out (the kit negotiates "
    "it: version='auto'), or pick one between the engine's MinAPIVersion and ApiVersion "
    "(`docker version`, or `GET /version` without a version prefix, tells both).")

IMAGE_MISSING = (
    "Build it first (the kit's base images: `dockerlab base-images`), or check the name for "
    "a typo with `lab.client.images.list()`; the kit never pulls behind your back.")

DOCKERFILE = (
    "Fix the line it names (instructions are words like FROM, RUN, COPY, CMD), then build "
    "again. No step ran, nothing was created.")

IMAGE_NAME = (
    "Image names are lowercase, like `dockerlab/busybox:latest` (name, optional `:tag`); a "
    "tag is at most 128 letters, digits, `_`, `.` and `-`, and does not start with `.` or "
    "`-`.")

NOT_FOUND = {
    "container": "List the containers with `lab.client.containers.list(all=True)` (like "
                 "`docker ps -a`) and check the name or ID: a removed container is gone.",
    "network": "List the networks with `lab.client.networks.list()` (like `docker network "
               "ls`) and check the name.",
    "volume": "List the volumes with `lab.client.volumes.list()` (like `docker volume ls`) "
              "and check the name.",
    "": "List what exists with `lab.client.containers.list(all=True)` (or networks, "
        "volumes) and check the name or ID.",
}

VOLUME_NAME = (
    "A volume name starts with a letter or a digit and goes on with letters, digits, `_`, "
    "`.` and `-` only (like `my-data_1`); a host path for a bind mount is absolute.")

BIND_SOURCE = (
    "Create the host directory first, or check the path for a typo "
    "(`dockerlab.volumes.bind(path, target)` checks it before the engine sees it).")

VOLUME_IN_USE = (
    "Remove the containers that use it first (even stopped ones: `docker ps -a --filter "
    "volume=NAME`), then remove the volume again.")

COMMAND_NOT_FOUND = (
    "A container can only run programs its image contains. List them with "
    "`lab.run('ls /bin')`, or use a string command, which runs through `sh -c`.")

PORT_TAKEN = (
    "Publish on another host port (pick a free one with `free_port()`), or stop the "
    "container holding this one first.")

RESOURCE_LIMIT = (
    "Give a memory limit of at least 6 MB (`mem_limit='64m'`) and a CPU quota within the "
    "period (`cpu_quota=50_000` of `cpu_period=100_000` is half a CPU).")

REFUSED = "Read the engine's message above: it names the object or parameter it did not accept."

_STATE_ADVICE = [
    ("cannot remove a running container",
     "Stop it first (`container.stop()`), or remove it with `container.remove(force=True)` "
     "(like `docker rm -f`)."),
    ("container is running",  # Docker 25+: "cannot remove container ...: container is running"
     "Stop it first (`container.stop()`), or remove it with `container.remove(force=True)` "
     "(like `docker rm -f`)."),
    ("is not running",
     "Start it first (`container.start()`): exec, pause and stop need a running container; "
     "`container.reload()` then `container.status` shows its state."),
    ("is not paused",
     "Only a paused container can be unpaused; `container.reload()` then `container.status` "
     "shows its state."),
    ("paused",
     "Unpause it first (`container.unpause()`), then try again."),
]


def state_advice(text: str) -> str:
    """What to do about a container in the wrong state, from the engine's words."""
    lowered = text.lower()
    for words, advice in _STATE_ADVICE:
        if words in lowered:
            return advice
    return ("Check its state (`container.reload()`, then `container.status`) and pick an "
            "operation possible from there.")
