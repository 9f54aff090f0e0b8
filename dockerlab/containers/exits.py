"""How a container ends: exit codes, and the restart policy that starts it again."""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass

from .lifecycle import READY, TRAPS_TERM
from .logs_exec import require_output
from .machine import State, state_of, wait_for
from .run import launch, remove_quietly, run_to_end


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

    @property
    def cli(self) -> list[str]:
        """The same case typed in a terminal: run it, end it as the case did, read the code."""
        quoted = self.command.replace("'", "'\\''")
        run = f"docker run {'' if self.how == 'runs to its end' else '-d '}--name demo " \
              f"dockerlab/busybox sh -c '{quoted}'"
        ended = [self.how.split(" (")[0] + " demo"] if self.how.startswith("docker ") else []
        return [run, *ended, "docker inspect -f '{{.State.ExitCode}}' demo", "docker rm demo"]


#: a process that has no SIGTERM handler; as PID 1 the kernel ignores the signal for it
IGNORES_TERM = "while true; do sleep 1; done"


def _ended_by(lab, name, command, how, act, ready: str | None = None) -> ExitCase:
    """Start ``command``, let ``act`` end it, and record how; with ``ready``, ``act`` waits
    until the command has printed that line (its signal handler is set)."""
    container = launch(lab, command)
    try:
        if ready:
            require_output(container, ready)
        else:
            wait_for(container, "running", timeout=10)
        started = time.monotonic()
        act(container)
        container.wait(timeout=30)
        state = state_of(container)
        return ExitCase(name, command, how, state.exit_code, state.oom_killed,
                        time.monotonic() - started)
    finally:
        remove_quietly(container)


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
                           lambda c: c.stop(timeout=stop_timeout), ready=READY))
    cases.append(_ended_by(lab, "stopped, ignores TERM", IGNORES_TERM,
                           f"docker stop -t {stop_timeout}",
                           lambda c: c.stop(timeout=stop_timeout)))
    return cases


def exit_table(cases: list[ExitCase]) -> str:
    lines = [f"{'case':<22} {'how it ended':<24} {'exit':>4}  {'seconds':>7}  meaning"]
    lines += [f"{c.name:<22} {c.how:<24} {c.exit_code!s:>4}  {c.seconds:7.2f}  {c.meaning}"
              for c in cases]
    return "\n".join(lines)


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
