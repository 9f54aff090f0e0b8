"""Stop a running container the way `docker stop` does, proven by the engine's events."""

from dockerlab.checker import container_events, expect

TITLE = "Stop a running container"
FUNCTION = "stop_a_container"
HINTS = [
    "A container lives as long as its first process. `docker stop` asks that process to end "
    "(SIGTERM, then SIGKILL after a grace period) and the engine records a `stop` event; "
    "`docker kill` ends it at once; `docker pause` only freezes it.",
    "With `detach=True`, `lab.client.containers.run` returns the running Container at once; "
    "its methods are the docker subcommands: `.stop()`, `.kill()`, `.pause()`, `.remove()`. "
    "`.stop(timeout=N)` sets the grace period in seconds.",
    "Run `['sleep', '300']` detached, call the method that is `docker stop` with a short "
    "timeout (sleep ignores SIGTERM as a first process, so the grace period is all waiting), "
    "and return the container itself, not removed.",
]


def _the_container(lab, answer):
    expect(answer is not None and hasattr(answer, "reload"),
           "Return the Container object (start it with detach=True), not its output or ID.")
    containers = {c.id: c for c in lab.containers()}
    expect(answer.id in containers, "The engine has no container from your session with that "
           "ID: was it removed? Stop it, but do not remove it.")
    container = containers[answer.id]
    command = " ".join(container.attrs["Config"].get("Cmd") or [])
    expect("sleep 300" in command, f"The container's command is {command!r}, not `sleep 300`.")
    return container


def check(lab, answer):
    container = _the_container(lab, answer)
    expect(container.status != "paused", "The container is paused: `docker pause` freezes "
           "its processes, it does not stop them. Stop it.")
    expect(container.status != "running", "The container is still running: stop it before "
           "returning it.")
    done = container_events(lab, container)
    expect("stop" in done or "kill" not in done,
           "You killed it (`docker kill`, container.kill()): the engine recorded no stop. "
           "Stop it as `docker stop` does, which asks the process to end first.")
    expect("stop" in done, f"It is {container.status} but nobody stopped it (exit code "
           f"{container.attrs['State']['ExitCode']}): it ended on its own. Its command must "
           "be `sleep 300`, stopped while it runs.")
