"""A process killed by the kernel because its cgroup's memory limit was reached.

The check compares the answer with what the kernel recorded: the limit file and the OOM-kill
counter of the cgroup dd really ran in (``Run.cgroups``), read just before the ``with`` block
removed it (:mod:`dockerlab.linux.records`). Typing the numbers in cannot pass.
"""

from dockerlab import linux
from dockerlab.checker import expect
from dockerlab.linux import records
from dockerlab.linux.boxes import Run
from dockerlab.linux.cgroups import REMOVE_SCRIPT

TITLE = "Killed at the memory limit"
FUNCTION = "prove_oom_kill"
HINTS = [
    "A cgroup's memory limit is a file the kernel enforces: a process that joins the cgroup "
    "and needs more memory than the limit is killed by the kernel's OOM killer (SIGKILL, "
    "exit status 137), and the cgroup counts an `oom_kill` event.",
    "Two places in the starter: the size given to `Cgroup(box, memory=...)` (sizes read "
    "like `docker run --memory`: \"16m\" is 16 MiB), and the `Isolation(...)` recipe of "
    "`box.run`, which decides which cgroup the process joins.",
    "`Isolation(cgroups=group.directories)` puts dd in the cgroup; `group.memory_limit` "
    "and `group.oom_kills()` read the cgroup's files, so they only work inside the `with` "
    "block. The limit is 16 MiB, not dd's 32 MiB buffer.",
]

LIMIT = 16 * 1024 * 1024
MIB = 1024 * 1024


def check(lab, answer):
    expect(isinstance(answer, dict) and {"run", "limit", "oom_kills"} <= set(answer),
           "Return a dict with the keys \"run\", \"limit\" and \"oom_kills\".")
    run = answer["run"]
    expect(isinstance(run, Run), "\"run\" should be what `box.run(...)` returned, not "
           f"{type(run).__name__}.")
    expect(run.cgroups, f"dd did not run in a cgroup (it ended with status {run.exit_code}): "
           "its recipe joined none. Put it in yours: `Isolation(cgroups=group.directories)`.")
    record = _record_of(lab, run)
    _expect_the_kernels_limit(record.memory_limit)
    expect(record.oom_kills >= 1 and run.killed,
           f"dd ended with status {run.exit_code} and the kernel counted {record.oom_kills} "
           "OOM kill(s) in the cgroup dd ran in: it should be killed there (137).")
    expect(answer["limit"] == record.memory_limit, f"You returned the limit "
           f"{answer['limit']!r}, but the cgroup's own file said {record.memory_limit}: read "
           "it back with `group.memory_limit` instead of typing it.")
    expect(not isinstance(answer["oom_kills"], bool), "\"oom_kills\" is "
           f"{answer['oom_kills']}, a yes/no: that is `run.killed`, what the shell saw. "
           "Return the cgroup's own counter, `group.oom_kills()`.")
    expect(answer["oom_kills"] == record.oom_kills, f"You returned {answer['oom_kills']!r} "
           f"OOM kills, but the cgroup counted {record.oom_kills}: return `group.oom_kills()`.")


def _record_of(lab, run):
    """What the kernel's files of dd's cgroup said just before the cgroup was removed."""
    for directory in run.cgroups:
        record = records.find(directory)
        if record is not None:
            return record
    box = linux.box_for(lab)
    left = [directory for directory in run.cgroups if box.exists(directory)]
    for directory in left:  # undo it: the exercise must leave the host as it found it
        box.run(REMOVE_SCRIPT.format(path=directory))
    expect(not left, "The cgroup dd ran in was left behind (the check removed it): create "
           "it with `with Cgroup(box, memory=...) as group:` so it goes at the block's end.")
    expect(False, "The cgroup dd ran in was not made by `Cgroup(...)`: create it with "
           "`with Cgroup(box, memory=...) as group:`.")


def _expect_the_kernels_limit(limit):
    expect(limit is not None, "The cgroup dd ran in had no memory limit: give one, "
           "`Cgroup(box, memory=\"16m\")`.")
    if limit % MIB:
        expect(False, f"The cgroup dd ran in was limited to {limit} bytes, not a whole number "
               "of MiB: in a memory size, m means MiB, 1024 x 1024 bytes (16 MB counted in "
               "thousands is less). Write `memory=\"16m\"`.")
    expect(limit == LIMIT, f"The cgroup dd ran in had a limit of {limit // MIB} MiB (its "
           "limit file said so), not 16 MiB: the limit is what dd must NOT fit in, smaller "
           "than its 32 MiB buffer. `Cgroup(box, memory=\"16m\")`.")
