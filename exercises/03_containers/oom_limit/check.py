"""A container whose memory limit is 24 MiB, proven OOM-killed by the engine's record."""

from dockerlab.checker import expect

TITLE = "Get OOM-killed at 24 MiB"
FUNCTION = "get_oom_killed"
HINTS = [
    "`mem_limit='24m'` sets the limit; `memswap_limit='24m'` (the same value) forbids "
    "extra swap. A shell string that doubles itself forever uses memory fast.",
    "Try `['sh', '-c', 'x=a; while true; do x=$x$x; done']`, then `container.wait()` before "
    "returning it.",
]

LIMIT = 24 * 1024 * 1024


def check(lab, answer):
    expect(answer is not None and hasattr(answer, "reload"),
           "Return the Container object (use detach=True).")
    expect(answer.id in {c.id for c in lab.containers()},
           "That container is not in your session any more: do not remove it.")
    answer.reload()
    memory = answer.attrs["HostConfig"].get("Memory") or 0
    expect(memory == LIMIT, f"The container's memory limit is {memory} bytes; it should be "
           f"24 MiB ({LIMIT} bytes): mem_limit='24m'.")
    state = answer.attrs["State"]
    expect(state["Status"] == "exited",
           f"The container is {state['Status']}: wait for it (container.wait()) first.")
    expect(state["OOMKilled"], f"It exited with {state['ExitCode']} but the OOM killer did "
           "not end it: make the command use more than 24 MiB.")
    expect(state["ExitCode"] == 137, f"OOM-killed, yet the exit code is {state['ExitCode']}, "
           "not 137 (128 + SIGKILL).")
