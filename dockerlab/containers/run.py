"""The one way down to a container: create it, start it, remove it if its start failed."""

from __future__ import annotations

import docker.errors

from ..errors import DockerLabError
from .failures import start_failure
from .limits import checked_options
from .machine import State, state_of


def shell(command):
    """A string becomes ``sh -c <string>`` (so ``;`` and ``|`` work); lists stay as they are."""
    if isinstance(command, str):
        return ["sh", "-c", command]
    return command


def create(lab, command=None, image: str | None = None, **options):
    """Create (but do not start) a container; similar to ``docker create``."""
    options = checked_options(lab, options)
    try:
        return lab.client.containers.create(image or lab.base_image, shell(command), **options)
    except DockerLabError:
        raise
    except Exception as error:
        raise lab.explain(error) from None


def launch(lab, command=None, image: str | None = None, **options):
    """Create and start a container in the background; similar to ``docker run -d``.

    Unlike ``containers.run``, a container whose start fails (a command missing from the
    image, say) is removed again, so nothing is left behind.
    """
    container = create(lab, command, image, **options)
    try:
        container.start()
    except Exception as error:
        _remove_quietly(container)
        raise start_failure(error, command, image or lab.base_image, lab) from None
    return container


def _remove_quietly(container) -> None:
    try:
        container.remove(force=True, v=True)
    except docker.errors.APIError:
        pass


def run_to_end(lab, command, timeout: float = 60, **options) -> tuple[State, str]:
    """Run a container until it exits; its final state and output, then remove it."""
    container = launch(lab, command, **options)
    try:
        container.wait(timeout=timeout)
        return state_of(container), container.logs().decode(errors="replace")
    finally:
        _remove_quietly(container)
