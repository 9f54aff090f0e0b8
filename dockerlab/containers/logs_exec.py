"""What a container prints (``docker logs``) and running more in it (``docker exec``)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import docker.errors

from ..errors import CommandNotFound, ContainerError
from .failures import _command_missing, refused
from .run import shell


@dataclass
class LogLine:
    """One line of a container's output with the engine's timestamp."""

    timestamp: str
    text: str

    def __str__(self) -> str:
        return f"{self.timestamp}  {self.text}"


def parse_log_line(raw: str) -> LogLine:
    """Split ``2026-01-01T10:00:00.123456789Z hello`` into its timestamp and text."""
    stamp, _, text = raw.rstrip("\n").partition(" ")
    return LogLine(stamp, text)


def wait_for_output(container, text: str, timeout: float = 10.0, poll: float = 0.05,
                    times: int = 1) -> bool:
    """Poll the container's output until ``text`` appears (``times`` times: once per start
    of a command that prints it, say); False after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if container.logs().decode(errors="replace").count(text) >= times:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(poll)


def require_output(container, text: str, times: int = 1, timeout: float = 30.0) -> None:
    """:func:`wait_for_output`, raising :class:`ContainerError` when ``text`` never comes."""
    if not wait_for_output(container, text, timeout=timeout, times=times):
        raise ContainerError(
            f"The container '{container.name}' did not print '{text}' within {timeout:.0f} s.",
            "The machine may be very busy: look at `container.logs()` and try again.")


def timestamped_logs(container, tail: int | str = "all") -> list[LogLine]:
    """The output so far, one timestamped line each; similar to ``docker logs -t``."""
    raw = container.logs(timestamps=True, tail=tail).decode(errors="replace")
    return [parse_log_line(line) for line in raw.splitlines() if line]


def stream_logs(container, max_lines: int = 10, timeout: float = 30.0):
    """Yield lines as the container prints them; similar to ``docker logs -f -t``.

    Stops after ``max_lines`` lines, when the container exits, or after ``timeout`` seconds.
    """
    stream = container.logs(stream=True, follow=True, timestamps=True)
    timer = threading.Timer(timeout, stream.close)
    timer.start()
    pending, count = "", 0
    try:
        for chunk in stream:
            pending += chunk.decode(errors="replace")
            while "\n" in pending and count < max_lines:
                line, pending = pending.split("\n", 1)
                count += 1
                yield parse_log_line(line)
            if count >= max_lines:
                return
    except (OSError, AttributeError, ValueError):
        return  # the timer closed the stream under us
    finally:
        timer.cancel()
        stream.close()


@dataclass
class ExecOutcome:
    """What ``docker exec`` returned: the command, its exit code and its output."""

    command: list
    exit_code: int
    output: str


def exec_in(container, command, **options) -> ExecOutcome:
    """Run a command inside a running container; similar to ``docker exec``."""
    argv = shell(command)
    try:
        result = container.exec_run(argv, **options)
    except docker.errors.APIError as error:
        raise refused(container, "exec", error) from None
    output = result.output.decode(errors="replace") if result.output else ""
    # 126 up to Engine 26, 127 (the shell's "not found") from Engine 28 on
    if result.exit_code in (126, 127) and _command_missing(output):
        raise CommandNotFound(
            f"The command '{' '.join(argv)}' does not exist in the container "
            f"'{container.name}'.",
            "Only programs inside the container's image can run there; try "
            "`exec_in(container, 'ls /bin')` to see them.")
    return ExecOutcome(argv, result.exit_code, output)
