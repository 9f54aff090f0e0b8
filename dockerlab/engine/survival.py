"""What survives a container's move to another engine (:mod:`dockerlab.engine.move`).

:func:`traveller` starts a container that leaves a trace of each kind: a file in its writable
layer, an environment variable and a label in its configuration, a counter in memory (a
``tmpfs``) kept by its running process. :func:`compare` looks for each trace on the other
engine, in the image every move made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..containers.run import launch, remove_quietly, run_to_end
from ..errors import ContainerError, DockerLabError

NOTE = "/moved/note.txt"
MEMORY = "/run/memory"
GREETING = "hello from the first engine"
LABEL = ("org.example.lesson", "move")
TRAVELLER = (f'mkdir -p /moved {MEMORY}; echo "written before the move" > {NOTE}; i=0; '
             f"while true; do i=$((i+1)); echo $i > {MEMORY}/count; sleep 1; done")
#: what compare() looks at, in this order
TRACES = ("file in the writable layer", "CMD", "ENV GREETING", f"label {LABEL[0]}",
          "memory (a tmpfs)", "the running process")
NOTHING = "(none)"


def traveller(lab, name: str | None = None, count: int = 3):
    """Start the container to move, and wait until its counter reached ``count``; similar to
    ``docker run -d -e GREETING=... --label org.example.lesson=move --tmpfs /run/memory
    dockerlab/busybox sh -c '...'``."""
    container = launch(lab, TRAVELLER, name=name or f"{lab.session}-traveller",
                       environment={"GREETING": GREETING}, labels={LABEL[0]: LABEL[1]},
                       tmpfs={MEMORY: ""})
    wait_for_count(container, count)
    return container


def count_of(container) -> int | None:
    """The counter the container's process keeps in ``/run/memory/count``, if any."""
    code, output = container.exec_run(["cat", f"{MEMORY}/count"])
    text = output.decode(errors="replace").strip()
    return int(text) if code == 0 and text.isdigit() else None


def wait_for_count(container, at_least: int, timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        count = count_of(container)
        if count is not None and count >= at_least:
            return count
        time.sleep(0.2)
    raise ContainerError(f"The counter in {container.name} did not reach {at_least} within "
                         f"{timeout:.0f} s.", f"Look at `docker logs {container.name}`.")


def _env(config: dict, name: str) -> str:
    values = dict(item.partition("=")[::2] for item in config.get("Env") or [])
    return values.get(name, NOTHING)


def _configured(config: dict) -> dict[str, str]:
    return {"CMD": " ".join(config.get("Cmd") or []) or NOTHING,
            "ENV GREETING": _env(config, "GREETING"),
            f"label {LABEL[0]}": (config.get("Labels") or {}).get(LABEL[0], NOTHING)}


def original(container) -> dict[str, str]:
    """The traces as they are in the running container on its first engine."""
    container.reload()
    code, note = container.exec_run(["cat", NOTE])
    count = count_of(container)
    return {TRACES[0]: note.decode(errors="replace").strip() if code == 0 else NOTHING,
            **_configured(container.attrs["Config"]),
            TRACES[4]: f"count {count}", TRACES[5]: f"running, count {count}"}


def _files(lab, image: str) -> tuple[str, str]:
    """The note and the memory counter, as a new container of ``image`` finds them."""
    _, output = run_to_end(lab, ["sh", "-c", f"cat {NOTE} || echo '{NOTHING}'; "
                                 f"cat {MEMORY}/count 2>/dev/null || echo '{NOTHING}'"],
                           image=image)
    lines = output.splitlines() + [NOTHING, NOTHING]
    return lines[0].strip(), lines[1].strip()


def _process(lab, image: str, config: dict) -> str:
    """What starting ``image`` as it is (its own CMD) does on the other engine."""
    try:
        container = launch(lab, None, image=image)
    except DockerLabError:
        if config.get("Cmd") or config.get("Entrypoint"):
            raise
        return "cannot start: no CMD"  # the engine refuses: "No command specified"
    try:
        return f"started, count {wait_for_count(container, 1)}"
    finally:
        remove_quietly(container)


def arrived(lab, image: str) -> dict[str, str]:
    """The traces as they are in ``image`` on the engine of ``lab``."""
    note, memory = _files(lab, image)
    config = lab.client.images.get(image).attrs.get("Config") or {}
    return {TRACES[0]: note, **_configured(config),
            TRACES[4]: memory if memory == NOTHING else f"count {memory}",
            TRACES[5]: _process(lab, image, config)}


def _count(text: str) -> int | None:
    """The number after "count" in a trace such as "running, count 4"."""
    _, found, number = text.rpartition("count ")
    return int(number) if found and number.isdigit() else None


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


@dataclass
class Survival:
    """Each trace on the first engine, and after each move."""

    before: dict[str, str]
    after: dict[str, dict[str, str]] = field(default_factory=dict)  # how -> traces

    def kept(self, trace: str, how: str) -> bool:
        """Did ``trace`` survive the move ``how``? The process did if the one started there
        carries on counting from where the first one was."""
        value = self.after[how][trace]
        if trace == TRACES[5]:
            return _count(value) is not None and _count(value) >= _count(self.before[trace])
        return value == self.before[trace]

    def __str__(self) -> str:
        columns = ["before the move", *self.after]
        rows = [[trace, *(_short(t[trace]) for t in (self.before, *self.after.values()))]
                for trace in TRACES]
        widths = [max(len(str(row[i])) for row in rows + [["", *columns]])
                  for i in range(len(columns) + 1)]
        lines = [["", *columns], *rows]
        return "\n".join("  ".join(str(cell).ljust(width) for cell, width
                                   in zip(line, widths, strict=True)).rstrip()
                         for line in lines)


def compare(container, lab, moves) -> Survival:
    """Each trace of ``container`` (still running), and where each of ``moves``
    (:class:`~dockerlab.engine.move.Move`) landed on the engine of ``lab``."""
    survival = Survival(original(container))
    for move in moves:
        survival.after[move.how] = arrived(lab, move.image)
    return survival
