"""The container state machine: the states, the operations, and reading a container's state.

Every state the engine reports (``State.Status``), plus ``removed``; every lifecycle operation
and the states it is accepted from. :mod:`dockerlab.containers.pictures` draws this machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import docker.errors

from ..errors import ObjectNotFound

#: the operations of the lifecycle, in the order a container usually meets them
OPERATIONS = ("create", "start", "pause", "unpause", "stop", "kill", "restart", "remove")

#: the states the engine reports (``State.Status``), plus ``removed`` for "no longer exists"
STATES = ("created", "running", "paused", "restarting", "exited", "dead", "removed")

#: what the engine does by itself, without an operation: the main process ends, or the
#: restart policy starts the container again
ENGINE_MOVES = ("process ends", "restart policy")


@dataclass(frozen=True)
class Transition:
    """One move of the machine: from ``source``, ``operation`` leads to ``target``."""

    source: str
    operation: str
    target: str


def _moves(operation: str, target: str, *sources: str) -> tuple[Transition, ...]:
    return tuple(Transition(source, operation, target) for source in sources)


#: every move, checked against Docker Engine 20.10 (``image`` is where ``create`` starts;
#: stop on a created or exited container is accepted and changes nothing). Used to draw the
#: machine and to advise the learner, never to refuse: the engine decides.
TRANSITIONS = (
    *_moves("create", "created", "image"),
    *_moves("start", "running", "created", "exited"),
    *_moves("pause", "paused", "running"),
    *_moves("unpause", "running", "paused"),
    *_moves("stop", "exited", "running", "paused", "restarting"),
    Transition("created", "stop", "created"),
    Transition("exited", "stop", "exited"),
    *_moves("kill", "exited", "running", "paused", "restarting"),
    *_moves("restart", "running", "created", "running", "paused", "exited"),
    *_moves("remove", "removed", "created", "exited", "dead"),
    Transition("running", "process ends", "exited"),
    Transition("exited", "restart policy", "restarting"),
    Transition("restarting", "restart policy", "running"),
)

#: the states from which the engine accepts each operation (``create`` aside: it starts
#: from an image), read off :data:`TRANSITIONS`
ALLOWED_FROM = {
    operation: tuple(move.source for move in TRANSITIONS if move.operation == operation)
    for operation in OPERATIONS if operation != "create"
}


def find(lab, name_or_id: str):
    """The container called ``name_or_id``; similar to ``docker container inspect NAME``."""
    try:
        return lab.client.containers.get(name_or_id)
    except docker.errors.NotFound:
        mine = ", ".join(c.name for c in lab.containers()) or "none yet"
        raise ObjectNotFound(
            f"There is no container called '{name_or_id}' on this engine.",
            f"This session's containers: {mine}. Check the name (or ID) and try again."
        ) from None
    except Exception as error:
        raise lab.explain(error) from None


@dataclass
class State:
    """What ``docker inspect`` says about a container's state, in a few fields."""

    status: str
    exit_code: int | None = None
    oom_killed: bool = False
    restart_count: int = 0
    pid: int = 0
    error: str = ""
    started_at: str = ""
    finished_at: str = ""

    def __str__(self) -> str:
        text = self.status
        if self.status in ("exited", "dead") and self.exit_code is not None:
            text += f" (exit code {self.exit_code}{', OOM-killed' if self.oom_killed else ''})"
        return text


def state_of(container) -> State:
    """Similar to ``docker inspect --format '{{.State}}' NAME``: the container's current
    state; ``removed`` once the engine no longer knows it."""
    try:
        container.reload()
    except docker.errors.NotFound:
        return State("removed")
    raw = container.attrs["State"]
    return State(status=raw["Status"], exit_code=raw.get("ExitCode"),
                 oom_killed=bool(raw.get("OOMKilled")),
                 restart_count=container.attrs.get("RestartCount", 0), pid=raw.get("Pid", 0),
                 error=raw.get("Error", ""), started_at=raw.get("StartedAt", ""),
                 finished_at=raw.get("FinishedAt", ""))


def wait_for(container, statuses, timeout: float = 10.0, poll: float = 0.05) -> State:
    """Poll until the container reaches one of ``statuses`` (or ``timeout`` passes)."""
    wanted = {statuses} if isinstance(statuses, str) else set(statuses)
    deadline = time.monotonic() + timeout
    state = state_of(container)
    while state.status not in wanted and time.monotonic() < deadline:
        time.sleep(poll)
        state = state_of(container)
    return state
