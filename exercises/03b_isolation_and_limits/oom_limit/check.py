"""A container whose memory limit is 24 MiB, proven OOM-killed by the engine's record."""

from dockerlab.checker import container_events, expect

TITLE = "Get OOM-killed at 24 MiB"
FUNCTION = "get_oom_killed"
HINTS = [
    "Memory limits live in the container's cgroup: when its processes use more than the "
    "limit (memory plus swap), the kernel's OOM killer ends them with SIGKILL, and the "
    "engine records that it did.",
    "Look at the options of `lab.client.containers.run`: `mem_limit` is `--memory`, "
    "`memswap_limit` is `--memory-swap` (memory PLUS swap: the same value means no swap; "
    "left out, the engine allows as much swap again). 24 MiB is 24 * 1024 * 1024 bytes, or "
    "'24m'.",
    "Give both options '24m', a command that never stops growing (a shell string that "
    "doubles itself in a loop), then `container.wait()` and return the container. Killing "
    "it yourself also gives exit code 137, but that is not the OOM killer.",
]

LIMIT = 24 * 1024 * 1024


def _limits(lab, container):
    host = container.attrs["HostConfig"]
    memory = host.get("Memory") or 0
    expect(memory == LIMIT, f"The container's memory limit is {memory} bytes; it should be "
           f"24 MiB ({LIMIT} bytes, mem_limit='24m'; 24 MB = 24000000 is not 24 MiB).")
    swap = host.get("MemorySwap") or 0
    if swap == -1 and lab.client.info().get("SwapLimit") is False:
        return  # this kernel cannot limit swap: the engine records -1 whatever was asked
    if swap in (0, 2 * memory):
        said = "the default swap: as much swap again as memory (memswap_limit left out)"
    elif swap < 0:
        said = "unlimited swap (memswap_limit=-1)"
    else:
        said = f"a memory+swap limit of {swap} bytes"
    expect(swap == LIMIT, f"The engine recorded {said}: no extra swap means memswap_limit "
           "equal to mem_limit, '24m'.")


def check(lab, answer):
    expect(answer is not None and hasattr(answer, "reload"),
           "Return the Container object (use detach=True).")
    expect(answer.id in {c.id for c in lab.containers()},
           "That container is not in your session any more: do not remove it.")
    answer.reload()
    _limits(lab, answer)
    state = answer.attrs["State"]
    expect(state["Status"] == "exited",
           f"The container is {state['Status']}: wait for it (container.wait()) first.")
    killed_by_hand = "kill" in container_events(lab, answer)
    expect(state["OOMKilled"] or not killed_by_hand,
           f"It exited with {state['ExitCode']} because it was killed (docker kill), not "
           "by the OOM killer: 137 only says SIGKILL; make the command use more than 24 MiB.")
    expect(state["OOMKilled"], f"It exited with {state['ExitCode']} but the OOM killer did "
           "not end it: make the command use more than 24 MiB.")
    expect(state["ExitCode"] == 137, f"OOM-killed, yet the exit code is {state['ExitCode']}, "
           "not 137 (128 + SIGKILL).")
