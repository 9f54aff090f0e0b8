"""The lifecycle, step by step: ``docker create``, ``start``, ``pause`` ... ``rm``."""

from __future__ import annotations

import time
from dataclasses import dataclass

import docker.errors

from ..errors import ContainerError, InvalidContainerState, ObjectNotFound, translate
from .failures import refused
from .logs_exec import require_output
from .machine import ALLOWED_FROM, State, state_of, wait_for
from .run import create


def operate(container, operation: str, **options) -> State:
    """Apply one lifecycle operation and return the state it leads to.

    Similar to ``docker start|pause|unpause|stop|kill|restart|rm NAME``; a refusal
    (unpausing a running container, say) becomes an :class:`InvalidContainerState`
    (:func:`refused`)."""
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


#: the reply :data:`TRAPS_TERM` prints once its SIGTERM handler is in place
READY = "ready"
#: a process that turns SIGTERM into a clean "exit 143"; it says ``ready`` once the trap is
#: set, since a ``docker stop`` that comes sooner finds no handler yet (and gives 137)
TRAPS_TERM = f"trap 'exit 143' TERM; echo {READY}; while true; do sleep 1; done"


class Lifecycle:
    """One container driven step by step, with its state recorded after each step.

    Each method mirrors a CLI command: ``create`` is ``docker create``, ``start`` is
    ``docker start`` and so on; ``steps`` keeps what happened and ``path`` the states.
    With the default command, each start waits for the process to say ``ready`` (its TERM
    trap is set), so a ``stop`` right after it always meets the handler: exit code 143.
    """

    def __init__(self, lab, command=TRAPS_TERM, image: str | None = None,
                 ready: str | None = None, **options):
        self.lab = lab
        self.command = command
        self.image = image
        self.ready = ready if ready is not None else (READY if command == TRAPS_TERM else None)
        self.options = options
        self.container = None
        self.steps: list[Step] = []
        self._starts = 0

    def create(self) -> State:
        """Similar to ``docker create IMAGE COMMAND``: the container exists, nothing runs."""
        started = time.monotonic()
        self.container = create(self.lab, self.command, self.image, **self.options)
        return self._record("create", state_of(self.container), started)

    def _do(self, operation: str, **options) -> State:
        if self.container is None:
            raise InvalidContainerState(f"There is no container to {operation} yet.",
                                        "Call .create() first.")
        was_running = bool(self.steps) and self.steps[-1].status == "running"
        started = time.monotonic()
        state = self._record(operation, operate(self.container, operation, **options), started)
        fresh = operation == "restart" or (operation == "start" and not was_running)
        if self.ready and fresh and state.status == "running":
            self._starts += 1  # each start runs the command afresh: one more line to wait for
            require_output(self.container, self.ready, self._starts)
        return state

    def start(self) -> State:
        """Similar to ``docker start NAME``: run the container's command."""
        return self._do("start")

    def pause(self) -> State:
        """Similar to ``docker pause NAME``: freeze its processes (cgroup freezer)."""
        return self._do("pause")

    def unpause(self) -> State:
        """Similar to ``docker unpause NAME``: let its frozen processes run on."""
        return self._do("unpause")

    def stop(self, timeout: int = 10) -> State:
        """Similar to ``docker stop -t TIMEOUT NAME``: SIGTERM, then SIGKILL after the timeout."""
        return self._do("stop", timeout=timeout)

    def kill(self, signal: str = "SIGKILL") -> State:
        """Similar to ``docker kill --signal SIGNAL NAME``: send a signal (SIGKILL by default)."""
        return self._do("kill", signal=signal)

    def restart(self, timeout: int = 10) -> State:
        """Similar to ``docker restart -t TIMEOUT NAME``: stop, then start again."""
        return self._do("restart", timeout=timeout)

    def remove(self, force: bool = False) -> State:
        """Similar to ``docker rm NAME`` (``docker rm -f`` with ``force=True``)."""
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
