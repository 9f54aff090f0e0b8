"""The session's containers at a glance (``docker ps -a``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Summary:
    """One line of ``docker ps -a`` for a session's container."""

    id: str
    name: str
    status: str
    exit_code: int | None
    oom_killed: bool
    image: str
    command: str

    @property
    def short_id(self) -> str:
        return self.id[:12]


def summaries(lab) -> list[Summary]:
    """This session's containers with their state, oldest first; like ``docker ps -a``."""
    with lab.mapped("container"):
        found = lab.containers()
    rows = []
    for container in sorted(found, key=lambda c: c.attrs.get("Created", "")):
        state = container.attrs.get("State") or {}
        config = container.attrs.get("Config") or {}
        status = state.get("Status", container.status)
        rows.append(Summary(container.id, container.name, status,
                            state.get("ExitCode") if status in ("exited", "dead") else None,
                            bool(state.get("OOMKilled")), config.get("Image", ""),
                            " ".join(config.get("Cmd") or [])))
    return rows
