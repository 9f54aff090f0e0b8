"""A process killed by the kernel because its cgroup's memory limit was reached."""

from dockerlab import linux
from dockerlab.checker import expect
from dockerlab.linux.boxes import Run
from dockerlab.linux.cgroups import NAME_PREFIX

TITLE = "Killed at the memory limit"
FUNCTION = "prove_oom_kill"
HINTS = [
    "Create the cgroup with `Cgroup(box, memory=\"16m\")` in a `with` block, and run dd with "
    "`box.run(script, Isolation(cgroups=group.directories))` inside that block.",
    "Inside the block: `return {\"run\": run, \"limit\": group.memory_limit, "
    "\"oom_kills\": group.oom_kills()}`.",
]

LIMIT = 16 * 1024 * 1024


def check(lab, answer):
    expect(isinstance(answer, dict) and {"run", "limit", "oom_kills"} <= set(answer),
           "Return a dict with the keys \"run\", \"limit\" and \"oom_kills\".")
    expect(isinstance(answer["run"], Run), "\"run\" should be what `box.run(...)` returned.")
    expect(answer["limit"] == LIMIT, f"The cgroup's limit was {answer['limit']} bytes, not "
           f"16 MiB ({LIMIT}): `Cgroup(box, memory=\"16m\")`.")
    expect(answer["run"].killed, f"dd ended with status {answer['run'].exit_code}, not 137 "
           "(SIGKILL): did it run inside the cgroup (`cgroups=group.directories`)?")
    expect(answer["oom_kills"] >= 1, "The cgroup counted no OOM kill: read `oom_kills()` "
           "inside the `with` block, after the run.")
    box = linux.box_for(lab)
    left = box.run(f"find /sys/fs/cgroup /lab/cgroup -maxdepth 6 -name '{NAME_PREFIX}*' "
                   "2>/dev/null").output.split()
    expect(not left, "A cgroup was left behind: create it with `with Cgroup(...)` so it is "
           "removed at the end.")
