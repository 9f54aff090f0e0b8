"""Why a container did not start or refused an operation, said plainly."""

from __future__ import annotations

from ..errors import CommandNotFound, DockerLabError, InvalidContainerState, translate
from .machine import ALLOWED_FROM, state_of


def _explanation(error) -> str:
    text = getattr(error, "explanation", None) or str(error)
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return str(text).strip().rstrip(".")


def _command_missing(text: str) -> bool:
    """True when the engine's words say the command to run is not in the image.

    ``exec: "nope": executable file not found in $PATH``, or for a path,
    ``exec: "/no/such": stat /no/such: no such file or directory``; a mount whose source is
    missing also says "no such file or directory", but never ``exec:``.
    """
    return "executable file not found" in text or (
        "exec:" in text and "no such file or directory" in text.lower())


def start_failure(error, command, image: str, lab=None, explain=None) -> DockerLabError:
    """The kit's error for a failed start, naming a missing command plainly.

    Any other failure is ``explain(error)`` when given, else the session's ``lab.explain``.
    """
    if isinstance(error, DockerLabError) and getattr(error, "response", None) is None:
        return error  # the kit's own (a refusal the engine answered is explained below)
    text = _explanation(error)
    if _command_missing(text):
        shown = command if isinstance(command, str) else " ".join(command or [])
        return CommandNotFound(
            f"The command '{shown}' does not exist in the image '{image}' (the engine says: "
            f"{text}).",
            "A container can only run programs its image contains. List them with "
            "`lab.run('ls /bin')`, or use a string command, which runs through `sh -c`.")
    if explain is not None:
        return explain(error)
    return lab.explain(error) if lab is not None else translate(error)


def refused(container, operation: str, error) -> DockerLabError:
    """A refusal explained: ``.operation``, ``.status`` and the engine's own ``.engine_says``."""
    text = _explanation(error)
    if _command_missing(text):
        return start_failure(error, container.attrs.get("Config", {}).get("Cmd"),
                             container.attrs.get("Config", {}).get("Image", "?"))
    status = state_of(container).status
    possible = [op for op, states in ALLOWED_FROM.items() if status in states]
    refusal = InvalidContainerState(
        f"Cannot {operation} the container '{container.name}' while it is {status}. "
        f"The engine says: {text}.",
        f"From '{status}' you can: {', '.join(possible) or 'nothing but look at it'}.")
    refusal.operation, refusal.status, refusal.engine_says = operation, status, text
    return refusal
