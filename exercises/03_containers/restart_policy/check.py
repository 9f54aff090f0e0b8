"""A container that crashes once and is brought back by its restart policy."""

import time

from dockerlab.checker import engine_events, expect

TITLE = "Survive a crash with a restart policy"
FUNCTION = "make_it_come_back"
HINTS = [
    "A restart policy tells the engine what to do when a container's process ends: `no` "
    "(the default), `on-failure[:N]` (only after a non-zero exit), `always`, "
    "`unless-stopped`. The engine restarts the SAME container, with its writable layer.",
    "Two parts: the `restart_policy=` option of `lab.client.containers.run` (a dict, "
    "`{'Name': ..., 'MaximumRetryCount': ...}`, with detach=True), and the command, which "
    "must behave differently the second time: a file written before the crash is still there "
    "after the restart.",
    "`sh -c` with an `if [ -e /tmp/marker ]` test: when the marker is there, stay up (sleep "
    "for long); else create it and `exit 1`. A command that exits 0, or crashes every time, "
    "is not what the exercise asks.",
]

SETTLE, CALM = 10, 3  # seconds: to see the restart, then to see it stay up


def _settled(container):
    """Wait until the engine restarted the container and it runs (or it plainly will not),
    then watch it for CALM seconds: a container that crashes every time is not back."""
    deadline = time.monotonic() + SETTLE
    while True:
        container.reload()
        count, status = container.attrs["RestartCount"], container.status
        back = count >= 1 and status == "running"
        if back or count > 1 or (count == 0 and status == "exited") or \
                time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if back:
        time.sleep(CALM)
        container.reload()
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
    codes = [e.exit_code for e in engine_events(lab, action="die") if e.id == container.id]
    expect(codes, "The container never exited: the command must crash (exit non-zero) the "
           "first time it runs.")
    expect(codes[0] != 0, "The first run ended with exit code 0: that is a clean exit, not a "
           "crash (on-failure would not even restart it). Crash with a non-zero code.")
    restarts = container.attrs["RestartCount"]
    expect(restarts >= 1, "The engine never restarted it: check the restart policy.")
    expect(len(codes) == 1 and container.status == "running",
           f"It crashed {len(codes)} times (exit codes {codes}) and is {container.status}: "
           "the engine brought it back, but it crashes every time. After the restart it must "
           "keep running.")
