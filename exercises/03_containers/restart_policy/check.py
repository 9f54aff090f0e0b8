"""A container that crashes once and is brought back by its restart policy."""

import time

from dockerlab.checker import expect

TITLE = "Survive a crash with a restart policy"
FUNCTION = "make_it_come_back"
HINTS = [
    "`containers.run(..., detach=True, restart_policy={'Name': 'on-failure', "
    "'MaximumRetryCount': 3})` is `docker run -d --restart on-failure:3`.",
    "A restarted container keeps its writable layer: let the command look for a marker "
    "file. Missing: create it and `exit 1`. Present: `sleep 3600`. Run it with "
    "`['sh', '-c', '...']`.",
]


def _settled(container, timeout=20):
    """Wait until the engine restarted the container and it runs again."""
    deadline = time.monotonic() + timeout
    while True:
        container.reload()
        done = container.attrs["RestartCount"] >= 1 and container.status == "running"
        if done or time.monotonic() > deadline:
            return container


def check(lab, answer):
    expect(answer is not None and hasattr(answer, "reload"),
           "Return the Container object (use detach=True).")
    expect(answer.id in {c.id for c in lab.containers()},
           "That container is not in your session any more: do not remove it.")
    policy = answer.attrs["HostConfig"]["RestartPolicy"].get("Name") or "no"
    expect(policy in ("on-failure", "always", "unless-stopped"),
           f"The container's restart policy is '{policy}': the engine will not bring it "
           "back. Pass restart_policy=...")
    container = _settled(answer)
    expect(container.attrs["RestartCount"] >= 1,
           "The engine never had to restart it: the command must crash (exit non-zero) "
           "the first time.")
    expect(container.status == "running",
           f"After {container.attrs['RestartCount']} restart(s) the container is "
           f"{container.status}, not running: after a restart it must keep running.")
