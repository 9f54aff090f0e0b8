"""An image whose process runs as a non-root user, and can still write its data."""

import time

import docker.errors

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images import build
from dockerlab.images.instructions import image_config, process_uid

TITLE = "Run as a non-root user"
FUNCTION = "non_root_dockerfile"
TAG = "exercise/nonroot:1"
HINTS = [
    "A container's process runs as root unless the image (or `docker run --user`) says "
    "otherwise. The `USER` instruction sets who runs every later RUN and the container's "
    "process; changing files or variables does not.",
    "Order matters: `RUN` steps after `USER` run as that user too, so create /data and give "
    "it to the user (`chown`) while still root, then switch.",
    "In the RUN that makes /data, also `chown` it to learner; then one `USER` line naming "
    "that user, before the CMD.",
]


def _build(lab, answer: str) -> None:
    try:
        build(lab, answer, tag=TAG)
    except DockerLabError as error:
        said = f"{error.message} {getattr(error, 'output', '')}"
        if "Permission denied" in said:
            expect(False, "A RUN after USER runs as that user, who may not create /data or "
                   "change its owner: do those steps before USER. The build said: "
                   f"{error.message}")
        expect(False, f"Your Dockerfile does not build: {error.message}")


def _start(lab):
    try:
        return lab.start(None, image=TAG)
    except DockerLabError as error:
        if "passwd" in error.message or "unable to find user" in error.message:
            expect(False, "The container could not start: USER names a user that is not in "
                   "the image's /etc/passwd (the base image has learner and nobody). The "
                   f"engine said: {error.message}")
        expect(False, f"The container could not start: {error.message}")


def _wait_started(container, seconds: float = 15.0) -> str:
    """'written' once /data/started holds the date, 'exited' if the process gave up first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        container.reload()
        if container.status == "exited":
            return "exited"
        try:
            if container.exec_run(["test", "-s", "/data/started"]).exit_code == 0:
                return "written"
        except docker.errors.APIError:
            pass  # it exited meanwhile: the next reload says so
        time.sleep(0.2)
    return "timeout"


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    _build(lab, answer)
    container = _start(lab)
    state = _wait_started(container)
    logs = container.logs().decode(errors="replace").strip()
    expect(state != "exited", f"The process cannot write /data (it printed: {logs!r}): the "
           "folder still belongs to root. `chown` it to the user before USER.")
    expect(state == "written", "The process did not write /data/started within 15 seconds: "
           "keep the CMD of the starter.")
    uid = process_uid(container)
    user = image_config(lab.client, TAG).get("User") or ""
    expect(uid != 0, "The process runs as root (uid 0): " + (
        "`ENV USER=...` only sets a variable, " if "USER=" in answer.upper() else "") +
        "chown or su in a RUN step do not change who runs the container; the USER "
        f"instruction does (the image's User is {user!r}).")
