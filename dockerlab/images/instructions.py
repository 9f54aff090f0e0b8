"""Dockerfile instructions seen from the engine: ``ENTRYPOINT``/``CMD``, ``USER``,
``HEALTHCHECK``, ``ARG`` and ``ENV``.

Each function answers one question a learner would otherwise ask the docker CLI::

    command_line(client, "demo:1")      # docker inspect --format '{{.Config.Entrypoint}} {{.Config.Cmd}}'
    pid1(container)                     # docker exec C cat /proc/1/cmdline
    timed_stop(container, timeout=2)    # time docker stop -t 2 C ; docker inspect --format '{{.State.ExitCode}}' C
    process_uid(container)              # docker exec C grep Uid /proc/1/status
    attempts(lab, "demo:1", {...})      # docker run --rm demo:1 sh -c 'touch /etc/x; ...'
    health_timeline(container, 10)      # docker inspect --format '{{.State.Health.Status}}' C, polled
    environment(client, "demo:1")       # docker inspect --format '{{json .Config.Env}}' demo:1

They read the engine's own records (the image's config, the container's state, the kernel's
``/proc`` inside the container); nothing here guesses from the Dockerfile's text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

#: the exit code of a process killed by SIGKILL (128 + 9): what ``docker stop`` does after
#: its timeout when the main process did not exit on SIGTERM
KILLED = 137


def image_config(client, image: str) -> dict:
    """The image's ``Config``; similar to ``docker inspect --format '{{json .Config}}' IMAGE``."""
    return client.api.inspect_image(image).get("Config") or {}


def command_line(client, image: str, args: list[str] | None = None) -> list[str]:
    """What ``docker run IMAGE [args...]`` starts: the entrypoint, then the arguments given
    (or, when none are, the image's ``CMD``). A shell-form entrypoint is ``/bin/sh -c TEXT``,
    and ``sh -c`` does not pass the extra words on to TEXT: they are there, and ignored."""
    config = image_config(client, image)
    entrypoint = list(config.get("Entrypoint") or [])
    return entrypoint + list(args if args else config.get("Cmd") or [])


def _exec(container, command: list[str], user: str = "0") -> str:
    result = container.exec_run(command, user=user)
    return result.output.decode(errors="replace")


def pid1(container) -> str:
    """The command line of the container's PID 1, as the kernel records it
    (``/proc/1/cmdline``, NUL-separated, shown with spaces)."""
    return _exec(container, ["cat", "/proc/1/cmdline"]).replace("\0", " ").strip()


def processes(container) -> list[tuple[int, str, str]]:
    """(pid, user, command line) of every process in the container but ``ps`` itself;
    similar to ``docker exec C ps -o pid,user,args``."""
    rows = []
    for line in _exec(container, ["ps", "-o", "pid,user,args"]).splitlines()[1:]:
        pid, user, args = (line.split(None, 2) + ["", ""])[:3]
        if args.startswith("{"):  # busybox shows {name} first when argv[0] is not it
            args = args.partition("} ")[2]
        if pid.isdigit() and args != "ps -o pid,user,args":
            rows.append((int(pid), user, args))
    return rows


@dataclass
class StopTiming:
    """How a ``docker stop`` went: how long it took and how the main process ended."""

    seconds: float
    exit_code: int
    timeout: int

    @property
    def killed(self) -> bool:
        """True when the engine had to SIGKILL the process after the timeout."""
        return self.exit_code == KILLED

    def __str__(self) -> str:
        how = "killed with SIGKILL after the timeout" if self.killed else "exited on SIGTERM"
        return f"stopped in {self.seconds:.1f} s (timeout {self.timeout} s): {how}, " \
               f"exit code {self.exit_code}"


def timed_stop(container, timeout: int = 2) -> StopTiming:
    """``docker stop -t TIMEOUT``, timed: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    started = time.monotonic()
    container.stop(timeout=timeout)
    seconds = time.monotonic() - started
    container.reload()
    return StopTiming(seconds, int(container.attrs["State"]["ExitCode"]), timeout)


def wait_for_output(container, text: str, seconds: float = 10.0) -> bool:
    """Wait until the container's log holds ``text`` (e.g. a trap was set); False at timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in container.logs().decode(errors="replace"):
            return True
        time.sleep(0.1)
    return False


def process_uid(container) -> int:
    """The real uid of the container's PID 1, read from the kernel (``/proc/1/status``)."""
    for line in _exec(container, ["cat", "/proc/1/status"]).splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise ValueError("no Uid line in /proc/1/status")


def attempts(lab, image: str, commands: dict[str, str], **options) -> dict[str, str]:
    """Try each shell command in one container of ``image``: ``{name: "allowed"}`` or
    ``{name: "refused: <the first line it printed>"}``; similar to ``docker run --rm IMAGE sh
    -c '...'`` with one ``if`` per command."""
    script = "".join(f'if out=$({command} 2>&1); then echo "allowed"; '
                     f'else echo "refused: $(echo "$out" | head -1)"; fi\n'
                     for command in commands.values())
    lines = lab.run(script, image=image, **options).splitlines()
    return dict(zip(commands, lines, strict=True))


@dataclass
class HealthTimeline:
    """The health statuses the engine reported for a container, in order, with the seconds
    since it started; and the engine's log of the last checks (exit code, output)."""

    changes: list[tuple[float, str]] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)

    @property
    def statuses(self) -> list[str]:
        return [status for _, status in self.changes]

    @property
    def final(self) -> str:
        return self.changes[-1][1] if self.changes else ""

    def seconds_to(self, status: str) -> float | None:
        return next((t for t, seen in self.changes if seen == status), None)

    def last_output(self) -> str:
        return (self.log[-1].get("Output") or "").strip() if self.log else ""

    def __str__(self) -> str:
        return " -> ".join(f"{status} ({t:.1f} s)" for t, status in self.changes)


def health_status(container) -> tuple[str, list[dict]]:
    """The engine's ``State.Health``: its status (``""`` when the image has no HEALTHCHECK)
    and its log; similar to ``docker inspect --format '{{.State.Health.Status}}' C``."""
    container.reload()
    health = container.attrs["State"].get("Health") or {}
    return health.get("Status", ""), list(health.get("Log") or [])


def health_timeline(container, seconds: float, until: tuple[str, ...] = ("healthy",),
                    poll: float = 0.2) -> HealthTimeline:
    """Poll the container's health for up to ``seconds``, recording each change; stop early
    when the status reaches one of ``until``."""
    timeline = HealthTimeline()
    started = time.monotonic()
    while True:
        status, timeline.log = health_status(container)
        if not timeline.changes or timeline.changes[-1][1] != status:
            timeline.changes.append((time.monotonic() - started, status))
        if status in until or time.monotonic() - started > seconds:
            return timeline
        time.sleep(poll)


def healthcheck(client, image: str) -> dict:
    """The image's ``HEALTHCHECK`` as the engine stores it (durations in seconds)."""
    check = image_config(client, image).get("Healthcheck") or {}
    shown = {"test": check.get("Test")}
    for key in ("Interval", "Timeout", "StartPeriod"):
        if check.get(key):
            shown[key.lower()] = check[key] / 1e9
    if check.get("Retries"):
        shown["retries"] = check["Retries"]
    return shown


def environment(client, image: str) -> dict[str, str]:
    """The image's ``ENV`` (what every container starts with); build-time ``ARG`` values are
    not in it."""
    pairs = (entry.partition("=") for entry in image_config(client, image).get("Env") or [])
    return {name: value for name, _, value in pairs}
