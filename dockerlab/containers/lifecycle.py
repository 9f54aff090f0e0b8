"""The lifecycle, step by step: ``docker create``, ``start``, ``pause`` ... ``rm``."""

from __future__ import annotations

import time
from dataclasses import dataclass

import docker.errors

from ..errors import ContainerError, InvalidContainerState, ObjectNotFound, translate
from .failures import refused
from .machine import ALLOWED_FROM, State, state_of, wait_for
from .run import create


def operate(container, operation: str, **options) -> State:
    """Apply one lifecycle operation and return the state it leads to.

    Mirrors ``docker start|pause|unpause|stop|kill|restart|rm``; a refusal (unpausing a
    running container, say) becomes an :class:`InvalidContainerState` (:func:`refused`)."""
    if operation not in ALLOWED_FROM:
        raise ContainerError(f"'{operation}' is not a container operation.",
                             f"Use one of: {', '.join(ALLOWED_FROM)}.")
    action = getattr(container, operation)
    try:
        action(**options)
    except docker.errors.NotFound:
        raise ObjectNotFound(f"The container '{container.name}' no longer exists.",
                             "It was removed; create a new one.") from None
    except docker.errors.APIError as error:
        raise refused(container, operation, error) from None
    except Exception as error:
        raise translate(error) from None
    if operation == "remove":
        return State("removed")
    if operation == "kill":
        return wait_for(container, ("exited", "dead", "restarting"), timeout=10)
    return state_of(container)


@dataclass
class Step:
    """One lifecycle step: the operation and the state recorded right after it."""

    operation: str
    state: State
    seconds: float

    @property
    def status(self) -> str:
        return self.state.status


class Lifecycle:
    """One container driven step by step, with its state recorded after each step.

    Each method mirrors a CLI command: ``create`` is ``docker create``, ``start`` is
    ``docker start`` and so on; ``steps`` keeps what happened and ``path`` the states.
    """

    def __init__(self, lab, command="trap 'exit 143' TERM; while true; do sleep 1; done",
                 image: str | None = None, **options):
        self.lab = lab
        self.command = command
        self.image = image
        self.options = options
        self.container = None
        self.steps: list[Step] = []

    def create(self) -> State:
        started = time.monotonic()
        self.container = create(self.lab, self.command, self.image, **self.options)
        return self._record("create", state_of(self.container), started)

    def _do(self, operation: str, **options) -> State:
        if self.container is None:
            raise InvalidContainerState(f"There is no container to {operation} yet.",
                                        "Call .create() first.")
        started = time.monotonic()
        return self._record(operation, operate(self.container, operation, **options), started)

    def start(self) -> State:
        return self._do("start")

    def pause(self) -> State:
        return self._do("pause")

    def unpause(self) -> State:
        return self._do("unpause")

    def stop(self, timeout: int = 10) -> State:
        return self._do("stop", timeout=timeout)

    def kill(self, signal: str = "SIGKILL") -> State:
        return self._do("kill", signal=signal)

    def restart(self, timeout: int = 10) -> State:
        return self._do("restart", timeout=timeout)

    def remove(self, force: bool = False) -> State:
        return self._do("remove", force=force)

    def _record(self, operation: str, state: State, started: float) -> State:
        self.steps.append(Step(operation, state, time.monotonic() - started))
        return state

    @property
    def path(self) -> list[str]:
        """The states the container went through, one per step."""
        return [step.status for step in self.steps]

    @property
    def operations(self) -> list[str]:
        return [step.operation for step in self.steps]

    def table(self) -> str:
        """The steps as a small text table (operation, state after it, time taken)."""
        lines = [f"{'step':<9} {'state after':<32} seconds"]
        lines += [f"{s.operation:<9} {str(s.state):<32} {s.seconds:6.2f}" for s in self.steps]
        return "\n".join(lines)
