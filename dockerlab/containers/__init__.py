"""Containers: the life of one, what it is made of, how it is fenced in, and what it may use.

A container is an image plus the options given when it is created or started. This module
drives real containers through the engine and returns plain facts read back from
``inspect``, so a notebook can show what really happened::

    life = Lifecycle(lab)                 # docker create / start / pause ... / rm
    life.create(); life.start(); life.pause(); life.unpause(); life.stop(); life.remove()
    life.path                             # ['created', 'running', 'paused', ..., 'removed']
    exit_code_cases(lab)                  # 0, 3, 137 after kill, 143 after stop ...
    changes(container)                    # docker diff: added / changed / deleted
    oom_kill(lab, "20m")                  # OOMKilled: true, exit code 137

Every container is made through ``lab.client`` (so it carries the session's labels) and the
functions that make throwaway containers remove them before returning.
"""

from __future__ import annotations

import io
import json
import re
import signal
import tarfile
import threading
import time
from dataclasses import dataclass, field

import docker.errors

from ..errors import (
    CommandNotFound,
    ContainerError,
    DockerLabError,
    InvalidContainerState,
    ObjectNotFound,
    ResourceLimitInvalid,
    translate,
)

#: the operations of the lifecycle, in the order a container usually meets them
OPERATIONS = ("create", "start", "pause", "unpause", "stop", "kill", "restart", "remove")

#: the states the engine reports (``State.Status``), plus ``removed`` for "no longer exists"
STATES = ("created", "running", "paused", "restarting", "exited", "dead", "removed")

#: the states from which the engine accepts each operation (checked against Docker Engine
#: 20.10: stop on a created or exited container is accepted and changes nothing); used to
#: advise the learner, never to refuse: the engine decides.
ALLOWED_FROM = {
    "start": ("created", "exited"),
    "pause": ("running",),
    "unpause": ("paused",),
    "stop": ("running", "paused", "restarting", "created", "exited"),
    "kill": ("running", "paused", "restarting"),
    "restart": ("created", "running", "paused", "exited"),
    "remove": ("created", "exited", "dead"),
}

#: the smallest memory limit the engine accepts
MIN_MEMORY = 6 * 1024 * 1024
DEFAULT_CPU_PERIOD = 100_000


# --- small helpers ----------------------------------------------------------------------

def shell(command):
    """A string becomes ``sh -c <string>`` (so ``;`` and ``|`` work); lists stay as they are."""
    if isinstance(command, str):
        return ["sh", "-c", command]
    return command


def _explanation(error) -> str:
    text = getattr(error, "explanation", None) or str(error)
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return str(text).strip().rstrip(".")


def _command_missing(text: str) -> bool:
    return "executable file not found" in text or "no such file or directory" in text.lower()


# --- finding a container and reading its state -----------------------------------------

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
    """The container's current state; ``removed`` once the engine no longer knows it."""
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


# --- resource options --------------------------------------------------------------------

_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def parse_memory(limit, host_total: int | None = None) -> int:
    """A memory limit (``"20m"``, ``"1g"``, or bytes) in bytes, checked for sense.

    Similar to how ``docker run --memory`` reads its value; the kit also refuses a limit
    larger than the machine's memory, which the engine would silently accept.
    """
    if isinstance(limit, bool) or limit is None:
        raise ResourceLimitInvalid(f"A memory limit of {limit!r} means nothing.",
                                   "Give a size such as '20m' (MiB) or '1g' (GiB).")
    if isinstance(limit, (int, float)):
        size = int(limit)
    else:
        match = _MEMORY.match(str(limit))
        if not match:
            raise ResourceLimitInvalid(
                f"The memory limit '{limit}' is not a size.",
                "Write a number with a unit: b, k, m or g, for example '20m' or '1g'.")
        size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < MIN_MEMORY:
        raise ResourceLimitInvalid(
            f"A memory limit of {size} bytes is below the engine's minimum of 6 MiB.",
            "Use at least '6m'; '20m' is plenty for a busybox container.")
    if host_total and size > host_total:
        raise ResourceLimitInvalid(
            f"A memory limit of {size / 1024 ** 3:.1f} GiB is more than this machine has "
            f"({host_total / 1024 ** 3:.1f} GiB): it would limit nothing.",
            "Pick a limit below the machine's memory, such as '20m' or '256m'.")
    return size


def check_cpu_quota(quota, period: int = DEFAULT_CPU_PERIOD) -> int:
    """Check a CFS CPU quota (microseconds per ``period``); similar to ``--cpu-quota``.

    The engine accepts a negative quota silently (it means "no limit" to the kernel), so
    the kit refuses it: leave the option out when you want no limit.
    """
    if isinstance(quota, bool) or not isinstance(quota, int):
        raise ResourceLimitInvalid(f"The CPU quota {quota!r} is not a whole number.",
                                   "Give microseconds per period, e.g. 20000 for 20% of a CPU.")
    if quota < 0:
        raise ResourceLimitInvalid(
            f"A CPU quota of {quota} is negative: a container cannot have less than no time.",
            "Give microseconds of CPU per period (e.g. 20000 of 100000 is 20% of one CPU), "
            "or leave cpu_quota out for no limit.")
    if quota < 1000:
        raise ResourceLimitInvalid(
            f"A CPU quota of {quota} µs is below the engine's minimum of 1000 µs (1 ms).",
            "Use at least 1000; 20000 with the default period of 100000 is 20% of a CPU.")
    if not 1000 <= period <= 1_000_000:
        raise ResourceLimitInvalid(f"A CPU period of {period} µs is out of range.",
                                   "The period must be between 1000 and 1000000 µs.")
    return quota


def checked_options(lab, options: dict) -> dict:
    """``options`` with the memory and CPU settings checked (and memory in bytes)."""
    options = dict(options)
    for key in ("mem_limit", "memswap_limit"):
        if key in options and options[key] not in (None, -1):
            options[key] = parse_memory(options[key], _host_memory(lab))
    if options.get("cpu_quota") is not None:
        check_cpu_quota(options["cpu_quota"], options.get("cpu_period") or DEFAULT_CPU_PERIOD)
    return options


def _host_memory(lab) -> int | None:
    try:
        return int(lab.client.info().get("MemTotal") or 0) or None
    except Exception:
        return None


# --- starting containers ------------------------------------------------------------------

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


def start_failure(error, command, image: str, lab=None) -> DockerLabError:
    """The kit's error for a failed start, naming a missing command plainly."""
    text = _explanation(error)
    if _command_missing(text):
        shown = command if isinstance(command, str) else " ".join(command or [])
        return CommandNotFound(
            f"The command '{shown}' does not exist in the image '{image}' (the engine says: "
            f"{text}).",
            "A container can only run programs its image contains. List them with "
            "`lab.run('ls /bin')`, or use a string command, which runs through `sh -c`.")
    return lab.explain(error) if lab is not None else translate(error)


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


# --- the lifecycle ------------------------------------------------------------------------

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


# --- exit codes ---------------------------------------------------------------------------

def explain_exit_code(code: int | None, oom_killed: bool = False) -> str:
    """What an exit code means, in one sentence."""
    if code is None:
        return "still running: no exit code yet"
    if code == 0:
        return "the main process finished successfully"
    if code == 137 and oom_killed:
        return "killed by the kernel's OOM killer (SIGKILL, 128+9): it hit its memory limit"
    if code == 126:
        return "the command was found but could not be executed"
    if code == 127:
        return "the command was not found"
    if code > 128:
        try:
            name = signal.Signals(code - 128).name
        except ValueError:
            name = f"signal {code - 128}"
        return f"ended by {name} (128 + {code - 128})"
    return f"the program chose to exit with status {code} (a failure it reports itself)"


@dataclass
class ExitCase:
    """One real run that ends with a known exit code."""

    name: str
    command: str
    how: str
    exit_code: int | None
    oom_killed: bool
    seconds: float = 0.0

    @property
    def meaning(self) -> str:
        return explain_exit_code(self.exit_code, self.oom_killed)


#: a process that turns SIGTERM into a clean "exit 143"
TRAPS_TERM = "trap 'exit 143' TERM; while true; do sleep 1; done"
#: a process that has no SIGTERM handler; as PID 1 the kernel ignores the signal for it
IGNORES_TERM = "while true; do sleep 1; done"


def _ended_by(lab, name, command, how, act) -> ExitCase:
    container = launch(lab, command)
    try:
        wait_for(container, "running", timeout=10)
        started = time.monotonic()
        act(container)
        container.wait(timeout=30)
        state = state_of(container)
        return ExitCase(name, command, how, state.exit_code, state.oom_killed,
                        time.monotonic() - started)
    finally:
        _remove_quietly(container)


def exit_code_cases(lab, stop_timeout: int = 2) -> list[ExitCase]:
    """Real runs ending in 0, 3, 137 (kill), 143 (stop, SIGTERM handled), 137 (stop, ignored)."""
    cases = []
    for name, command in (("finishes", "echo done"), ("fails", "echo oops; exit 3")):
        started = time.monotonic()
        state, _ = run_to_end(lab, command)
        cases.append(ExitCase(name, command, "runs to its end", state.exit_code,
                              state.oom_killed, time.monotonic() - started))
    cases.append(_ended_by(lab, "killed", IGNORES_TERM, "docker kill (SIGKILL)",
                           lambda c: c.kill()))
    cases.append(_ended_by(lab, "stopped, handles TERM", TRAPS_TERM,
                           f"docker stop -t {stop_timeout}",
                           lambda c: c.stop(timeout=stop_timeout)))
    cases.append(_ended_by(lab, "stopped, ignores TERM", IGNORES_TERM,
                           f"docker stop -t {stop_timeout}",
                           lambda c: c.stop(timeout=stop_timeout)))
    return cases


def exit_table(cases: list[ExitCase]) -> str:
    lines = [f"{'case':<22} {'how it ended':<24} {'exit':>4}  {'seconds':>7}  meaning"]
    lines += [f"{c.name:<22} {c.how:<24} {c.exit_code!s:>4}  {c.seconds:7.2f}  {c.meaning}"
              for c in cases]
    return "\n".join(lines)


# --- restart policy -------------------------------------------------------------------------

#: crashes the first time (exit 1), then stays up: the marker file survives a restart
CRASH_ONCE = ("if [ -e /tmp/crashed ]; then echo 'back up'; while true; do sleep 1; done; "
              "else touch /tmp/crashed; echo 'crashing'; exit 1; fi")


def with_restart_policy(lab, command=CRASH_ONCE, policy: str = "on-failure",
                        max_retries: int = 3, **options):
    """Start a container with a restart policy; similar to ``docker run --restart``."""
    restart = {"Name": policy}
    if policy == "on-failure":
        restart["MaximumRetryCount"] = max_retries
    return launch(lab, command, restart_policy=restart, **options)


def wait_for_restart(container, count: int = 1, timeout: float = 20) -> State:
    """Wait until the engine has restarted the container ``count`` times and it runs."""
    deadline = time.monotonic() + timeout
    state = state_of(container)
    while time.monotonic() < deadline and not (state.restart_count >= count
                                               and state.status == "running"):
        time.sleep(0.1)
        state = state_of(container)
    return state


# --- logs and exec -------------------------------------------------------------------------

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


def wait_for_output(container, text: str, timeout: float = 10.0, poll: float = 0.05) -> bool:
    """Poll the container's output until ``text`` appears; False after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if text in container.logs().decode(errors="replace"):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(poll)


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
    if result.exit_code == 126 and _command_missing(output):
        raise CommandNotFound(
            f"The command '{' '.join(argv)}' does not exist in the container "
            f"'{container.name}'.",
            "Only programs inside the container's image can run there; try "
            "`exec_in(container, 'ls /bin')` to see them.")
    return ExecOutcome(argv, result.exit_code, output)


# --- image plus options ----------------------------------------------------------------------

#: what each variant prints, so output and inspect can be compared
SHOW_CONFIG = 'echo "user=$(id -u) host=$(hostname) dir=$(pwd) greeting=${GREETING:-none}"'

VARIANTS = {
    "defaults": {},
    "command": {"command": "echo a different command"},
    "environment": {"environment": {"GREETING": "hello"}},
    "working_dir": {"working_dir": "/tmp"},
    "user": {"user": "1000"},
    "hostname": {"hostname": "lab-box"},
}

INSPECT_FIELDS = (("Image", "Image"), ("Cmd", "Cmd"), ("Env", "Env"),
                  ("WorkingDir", "WorkingDir"), ("User", "User"), ("Hostname", "Hostname"))


def config_of(container) -> dict:
    """The fields of ``docker inspect`` that the options change (``Config.*``)."""
    config = container.attrs["Config"]
    row = {}
    for label, key in INSPECT_FIELDS:
        value = config.get(key)
        if key == "Cmd":
            value = " ".join(value or [])
        elif key == "Env":
            value = ",".join(e for e in (value or []) if not e.startswith("PATH=")) or "-"
        elif key == "Hostname" and len(value or "") == 12 and value == container.id[:12]:
            value = "<its own ID>"
        row[label] = value if value not in (None, "") else "-"
    return row


def compare_options(lab, variants: dict | None = None) -> dict[str, dict]:
    """Run the same image once per variant and return each one's inspect fields and output.

    Similar to ``docker run`` with ``--env``, ``--workdir``, ``--user``, ``--hostname`` or
    a different command, followed by ``docker inspect``.
    """
    rows = {}
    for name, options in (variants or VARIANTS).items():
        options = dict(options)
        command = options.pop("command", SHOW_CONFIG)
        container = launch(lab, command, **options)
        try:
            container.wait(timeout=30)
            container.reload()
            row = config_of(container)
            row["Output"] = container.logs().decode(errors="replace").strip()
            rows[name] = row
        finally:
            _remove_quietly(container)
    return rows


def side_by_side(rows: dict[str, dict]) -> str:
    """The rows of :func:`compare_options` as a text table, one line per variant.

    The long "print my settings" command is shown as ``<show config>``.
    """
    fields = [f for f in next(iter(rows.values())) if f not in ("Image", "Output")]
    shown = {name: {f: str(row[f]).replace(SHOW_CONFIG, "<show config>") for f in fields}
             for name, row in rows.items()}
    width = {f: max(len(f), *(len(shown[n][f]) for n in rows)) for f in fields}
    name_width = max(len("variant"), *(len(n) for n in rows))
    lines = [f"{'variant':<{name_width}}  " + "  ".join(f"{f:<{width[f]}}" for f in fields)]
    for name in rows:
        lines.append(f"{name:<{name_width}}  " + "  ".join(
            f"{shown[name][f]:<{width[f]}}" for f in fields))
    images = sorted({row["Image"] for row in rows.values()})
    lines += ["", f"image of every variant: {', '.join(images)}", ""]
    lines += [f"{name:<{name_width}}  printed: {row['Output']}" for name, row in rows.items()]
    return "\n".join(lines)


# --- the writable layer ------------------------------------------------------------------------

CHANGE_KINDS = {0: "changed", 1: "added", 2: "deleted"}

#: adds a file, changes one and deletes one: each kind of change ``docker diff`` shows
TOUCH_FILES = ("mkdir -p /data && echo 'written inside' > /data/notes.txt && "
               "echo 'guest:x:2000:2000::/tmp:/bin/sh' >> /etc/passwd && rm /var/www/index.html "
               "&& echo changes-done")


def changes(container) -> dict[str, list[str]]:
    """The writable layer's changes by kind; similar to ``docker diff``."""
    found = {kind: [] for kind in CHANGE_KINDS.values()}
    for change in container.diff() or []:
        found[CHANGE_KINDS[change["Kind"]]].append(change["Path"])
    return {kind: sorted(paths) for kind, paths in found.items()}


def file_after_removal(lab, path: str = "/data/notes.txt", volume: str | None = None) -> str:
    """Write ``path`` in one container, remove it, and look for the file in a new one.

    With ``volume`` (a volume name), ``/data`` is that volume in both containers, similar to
    ``docker run -v NAME:/data``. Returns what the second container found.
    """
    mounts = {volume: {"bind": "/data", "mode": "rw"}} if volume else None
    folder = path.rsplit("/", 1)[0] or "/"
    run_to_end(lab, f"mkdir -p {folder} && echo 'kept?' > {path}", volumes=mounts)
    _, output = run_to_end(lab, f"cat {path} 2>/dev/null || echo 'no such file'",
                           volumes=mounts)
    return output.strip()


def commit(container, repository: str, tag: str = "latest", message: str = ""):
    """A new image from the container's current file system; similar to ``docker commit``."""
    try:
        return container.commit(repository=repository, tag=tag, message=message or None)
    except Exception as error:
        raise translate(error) from None


def top_layer_paths(client, image) -> dict[str, list[str]]:
    """The paths stored in an image's newest layer, from ``docker save``'s archive.

    Deletions are stored as ``.wh.<name>`` "whiteout" files; they are reported as deleted.
    """
    archive = io.BytesIO(b"".join(client.images.get(image.id).save()))
    with tarfile.open(fileobj=archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        layer = outer.extractfile(manifest[0]["Layers"][-1])
        with tarfile.open(fileobj=io.BytesIO(layer.read())) as inner:
            names = ["/" + member.name.strip("./").rstrip("/") for member in inner]
    present = {"present": [], "deleted": []}
    for name in names:
        folder, _, base = name.rpartition("/")
        if base.startswith(".wh."):
            present["deleted"].append(f"{folder}/{base[4:]}")
        else:
            present["present"].append(name)
    return {kind: sorted(paths) for kind, paths in present.items()}


# --- isolation -----------------------------------------------------------------------------

#: Linux capability names by bit number (``include/uapi/linux/capability.h``)
CAPABILITIES = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
    "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
    "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
    "PERFMON", "BPF", "CHECKPOINT_RESTORE")


def decode_capabilities(mask: str | int) -> list[str]:
    """Capability names in a ``CapEff`` mask from ``/proc/<pid>/status``."""
    value = int(mask, 16) if isinstance(mask, str) else mask
    return [name for bit, name in enumerate(CAPABILITIES) if value >> bit & 1]


def interfaces(lab, **options) -> list[str]:
    """The network interfaces a container sees (``ls /sys/class/net``)."""
    _, output = run_to_end(lab, "ls /sys/class/net", **options)
    return output.split()


def try_write(lab, path: str = "/hello.txt", **options) -> tuple[int, str]:
    """Try to create a file at the root; exit code and message (``--read-only`` fails it)."""
    state, output = run_to_end(lab, f"touch {path} && echo written", **options)
    return state.exit_code, output.strip()


def capabilities(lab, **options) -> list[str]:
    """The effective capabilities of a container's process (``--cap-drop``/``--cap-add``)."""
    _, output = run_to_end(lab, "grep CapEff /proc/self/status", **options)
    return decode_capabilities(output.split()[-1])


def try_chown(lab, **options) -> str:
    """Try to give a file to another user as root; ``--cap-drop CHOWN`` makes it fail."""
    _, output = run_to_end(lab, "touch /tmp/f && chown 1000 /tmp/f && echo 'chown worked'",
                           **options)
    return output.strip()


def processes(lab, **options) -> list[tuple[int, str]]:
    """The processes a container can see, as (PID, command); ``--pid host`` shows all."""
    _, output = run_to_end(lab, "sleep 0.3 & ps -o pid,comm; wait", **options)
    rows = []
    for line in output.splitlines()[1:]:
        pid, _, name = line.strip().partition(" ")
        if pid.isdigit():
            rows.append((int(pid), name.strip()))
    return rows


def host_process_count() -> int:
    """How many processes this machine runs (``ls /proc`` numeric entries)."""
    from pathlib import Path

    return sum(1 for entry in Path("/proc").iterdir() if entry.name.isdigit())


@dataclass
class IsolationRow:
    """One isolation control: what a default container sees, and with the option."""

    control: str
    option: str
    default: str
    with_option: str


def isolation_report(lab) -> list[IsolationRow]:
    """Each isolation control tried for real, next to a default container."""
    default_caps = capabilities(lab)
    dropped = capabilities(lab, cap_drop=["ALL"], cap_add=["CHOWN"])
    inside = processes(lab)
    shared = processes(lab, pid_mode="host")
    return [
        IsolationRow("network", "network_mode='none'", " ".join(interfaces(lab)),
                     " ".join(interfaces(lab, network_mode="none"))),
        IsolationRow("root file system", "read_only=True", try_write(lab)[1],
                     try_write(lab, read_only=True)[1]),
        IsolationRow("capabilities", "cap_drop=['ALL'], cap_add=['CHOWN']",
                     f"{len(default_caps)}: {' '.join(default_caps)}",
                     f"{len(dropped)}: {' '.join(dropped)}"),
        IsolationRow("processes", "pid_mode='host'",
                     f"{len(inside)} visible, PID 1 is {inside[0][1] if inside else '?'}",
                     f"{len(shared)} visible, PID 1 is {shared[0][1] if shared else '?'}"),
    ]


def isolation_table(rows: list[IsolationRow]) -> str:
    lines = []
    for row in rows:
        lines += [f"{row.control} ({row.option})", f"  default:     {row.default}",
                  f"  with option: {row.with_option}"]
    return "\n".join(lines)


# --- resources ----------------------------------------------------------------------------

#: doubles a shell string until the memory limit stops it
EAT_MEMORY = "x=a; while true; do x=$x$x; done"


@dataclass
class OomResult:
    limit_bytes: int
    exit_code: int | None
    oom_killed: bool

    def __str__(self) -> str:
        return (f"limit {self.limit_bytes // 2 ** 20} MiB -> exit code {self.exit_code}, "
                f"OOMKilled: {self.oom_killed}")


def oom_kill(lab, memory="20m", command: str = EAT_MEMORY, timeout: float = 60) -> OomResult:
    """A container that outgrows its memory limit; similar to ``docker run --memory 20m``.

    Swap is limited to the same amount (``--memory-swap``), so the kernel cannot page out.
    """
    limit = parse_memory(memory, _host_memory(lab))
    container = launch(lab, command, mem_limit=limit, memswap_limit=limit)
    try:
        container.wait(timeout=timeout)
        state = state_of(container)
        return OomResult(limit, state.exit_code, state.oom_killed)
    finally:
        _remove_quietly(container)


#: counts loop turns until SIGTERM, then prints the count: the work done in the time given
COUNT_LOOPS = "i=0; trap 'echo $i; exit 0' TERM; while true; do i=$((i+1)); done"


@dataclass
class StatsSample:
    """One sample of ``docker stats``: seconds since the first, CPU % and memory."""

    seconds: float
    cpu_percent: float
    memory_bytes: int
    memory_limit: int
    throttled_periods: int = 0


def cpu_percent(raw: dict) -> float | None:
    """CPU use between two stats readings, in % of one CPU (as ``docker stats`` shows)."""
    cpu, pre = raw.get("cpu_stats") or {}, raw.get("precpu_stats") or {}
    if not pre.get("system_cpu_usage"):
        return None
    used = cpu["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    system = cpu["system_cpu_usage"] - pre["system_cpu_usage"]
    cpus = cpu.get("online_cpus") or len(cpu["cpu_usage"].get("percpu_usage") or [1])
    return 100.0 * used / system * cpus if system > 0 else 0.0


def sample_stats(container, samples: int = 3) -> list[StatsSample]:
    """Read ``samples`` live stats readings (about one a second); similar to ``docker stats``."""
    found: list[StatsSample] = []
    first = None
    stream = container.stats(stream=True, decode=True)
    try:
        for raw in stream:
            percent = cpu_percent(raw)
            if percent is None:
                continue
            now = time.monotonic()
            first = first if first is not None else now
            memory = raw.get("memory_stats") or {}
            throttled = (raw["cpu_stats"].get("throttling_data") or {}).get(
                "throttled_periods", 0)
            found.append(StatsSample(now - first, percent, memory.get("usage", 0),
                                     memory.get("limit", 0), throttled))
            if len(found) >= samples:
                break
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    return found


@dataclass
class LoopRun:
    """A counting busy loop: how far it got, its CPU samples, and how often it was held."""

    cpu_quota: int | None
    cpu_period: int
    loops: int
    samples: list[StatsSample] = field(default_factory=list)

    @property
    def cpus(self) -> float | None:
        return self.cpu_quota / self.cpu_period if self.cpu_quota else None

    @property
    def throttled_periods(self) -> int:
        return max((s.throttled_periods for s in self.samples), default=0)


def _loop_result(container, quota, period, samples) -> LoopRun:
    """Stop a counting loop (its TERM trap prints the count) and read the count."""
    container.stop(timeout=5)
    output = container.logs().decode(errors="replace").split()
    loops = int(output[-1]) if output and output[-1].isdigit() else 0
    return LoopRun(quota, period, loops, samples)


def busy_loop(lab, cpu_quota: int | None = None, cpu_period: int = DEFAULT_CPU_PERIOD,
              samples: int = 3) -> LoopRun:
    """Count loop turns for as long as ``samples`` stats readings take, then stop it.

    Similar to ``docker run --cpu-quota Q --cpu-period P`` and watching ``docker stats``.
    """
    options = {"cpu_quota": cpu_quota, "cpu_period": cpu_period} if cpu_quota else {}
    container = launch(lab, COUNT_LOOPS, **options)
    try:
        return _loop_result(container, cpu_quota, cpu_period, sample_stats(container, samples))
    finally:
        _remove_quietly(container)


def throttle_comparison(lab, cpu_quota: int = 20_000, samples: int = 3,
                        cpu_period: int = DEFAULT_CPU_PERIOD) -> tuple[LoopRun, LoopRun]:
    """The same busy loop without a limit and with ``cpu_quota``, running side by side.

    Both run at the same time, so whatever else loads the machine weighs on both alike;
    stats of both are sampled in parallel. Returns (unlimited, limited).
    """
    check_cpu_quota(cpu_quota, cpu_period)
    free = launch(lab, COUNT_LOOPS)
    limited = None
    try:
        limited = launch(lab, COUNT_LOOPS, cpu_quota=cpu_quota, cpu_period=cpu_period)
        found: dict[str, list[StatsSample]] = {}
        readers = [threading.Thread(target=lambda c=c, k=k: found.__setitem__(
            k, sample_stats(c, samples))) for k, c in (("free", free), ("limited", limited))]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=30 + 5 * samples)
        return (_loop_result(free, None, cpu_period, found.get("free", [])),
                _loop_result(limited, cpu_quota, cpu_period, found.get("limited", [])))
    finally:
        for container in (free, limited):
            if container is not None:
                _remove_quietly(container)


# --- the session's containers at a glance --------------------------------------------------

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
    try:
        found = lab.containers()
    except Exception as error:
        raise lab.explain(error) from None
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
