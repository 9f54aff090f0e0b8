"""The one way down to a container: create it, start it, remove it if its start failed.

Every container the kit starts goes through :func:`launch`: ``Lab.run`` and ``Lab.start``,
``networks.start``, the functions of this package, the overhead measurements, the local
registry's container and the under-the-hood helper. So every one of them gets the same
treatment: a string command runs through ``sh -c``, memory and CPU limits are checked before
the engine sees them, the session's labels are on it, and a container whose start failed is
removed again, with an error that says why.
"""

from __future__ import annotations

import docker.errors

from .. import labels
from .failures import start_failure
from .limits import checked_options
from .machine import State, state_of


def shell(command):
    """A string becomes ``sh -c <string>`` (so ``;`` and ``|`` work); lists stay as they are."""
    if isinstance(command, str):
        return ["sh", "-c", command]
    return command


def create(lab, command=None, image: str | None = None, **options):
    """Create (but do not start) a container; similar to ``docker create``.

    The limits are checked (:func:`~dockerlab.containers.limits.checked_options`) and the
    session's labels added to any the caller gave.
    """
    options = checked_options(lab, options)
    options["labels"] = labels.with_labels(options.get("labels"), lab.labels)
    with lab.mapped("container"):
        return lab.client.containers.create(image or lab.base_image, shell(command), **options)


def launch(lab, command=None, image: str | None = None, *, before_start=None, explain=None,
           **options):
    """Create and start a container in the background; similar to ``docker run -d``.

    Unlike docker-py's ``containers.run``, a container whose start fails (a command missing
    from the image, a port already taken) is removed again, so nothing is left behind.
    ``before_start(container)`` runs between create and start (to join more networks, say);
    ``explain(error)`` turns a failed start into the caller's own error (``lab.explain`` by
    default; a missing command is always :class:`~dockerlab.errors.CommandNotFound`).
    """
    container = create(lab, command, image, **options)
    try:
        if before_start is not None:
            before_start(container)
        container.start()
    except Exception as error:
        remove_quietly(container)
        raise start_failure(error, command, image or lab.base_image, lab, explain) from None
    try:
        container.reload()  # its state and addresses as they are now that it runs
    except docker.errors.NotFound:
        pass  # started with auto_remove, it has already ended and gone
    return container


def remove_quietly(container) -> None:
    """Similar to ``docker rm -f -v NAME``: the container and its anonymous volumes go,
    whatever state it is in; nothing is said when it is already gone."""
    try:
        container.remove(force=True, v=True)
    except docker.errors.APIError:
        pass


def run_to_end(lab, command, timeout: float = 60, **options) -> tuple[State, str]:
    """Similar to ``docker run`` then ``docker rm``: run until it exits, return its final
    state and output, and remove it."""
    container = launch(lab, command, **options)
    try:
        container.wait(timeout=timeout)
        return state_of(container), container.logs().decode(errors="replace")
    finally:
        remove_quietly(container)
