"""A child process with its own hostname, while the host keeps its own.

The check runs the recipe and asks the kernel, inside and outside: which UTS namespace
(``/proc/self/ns/uts``) and which hostname each side has, before and after.
"""

import shlex

from dockerlab import linux
from dockerlab.checker import expect
from dockerlab.errors import DemoFailed
from dockerlab.linux.isolation import Isolation

TITLE = "A hostname only the child sees"
FUNCTION = "hostname_recipe"
HINTS = [
    "The hostname belongs to a namespace, the UTS namespace: a process given a new one can "
    "rename \"its machine\" while every other process keeps the old name.",
    "Two fields of the `Isolation(...)` recipe matter: `namespaces` (a tuple of kinds, as in "
    "/proc/<pid>/ns/) and `hostname`. Return the recipe itself; the check runs it.",
    "`namespaces=(\"uts\",)` (mind the comma: a one-element tuple), and `hostname=` a short "
    "name (at most 64 characters) different from the host's.",
]

#: what each side reports: the hostname, then the UTS namespace's identity
REPORT = "hostname; readlink /proc/self/ns/uts"
HOST_NAME_MAX = 64


def check(lab, answer):
    expect(isinstance(answer, Isolation), "Return an `Isolation(...)` recipe, not "
           f"{type(answer).__name__}: the check runs `hostname` with it itself.")
    expect(answer.enter is None, f"enter={answer.enter} joins the namespaces of a process "
           "that already runs: the child would borrow that process's UTS namespace, not get "
           "its own. Ask for a new one with `namespaces=(\"uts\",)`.")
    expect("uts" in answer.namespaces, "Without a new UTS namespace the child shares the "
           "host's hostname: add \"uts\" to `namespaces`.")
    expect(answer.hostname, "A new UTS namespace starts with a copy of the host's hostname: "
           "set `hostname=` in the recipe.")
    size = len(str(answer.hostname).encode())
    expect(size <= HOST_NAME_MAX, f"The hostname is {size} characters long; the kernel "
           f"takes at most {HOST_NAME_MAX} characters (HOST_NAME_MAX): pick a shorter one.")
    box = linux.box_for(lab)
    host_name, host_uts = _report(box.sh(REPORT))
    try:
        inside_name, inside_uts = _report(box.run(REPORT, answer).output)
    except DemoFailed as failed:
        expect(False, f"The recipe did not run: {failed.message}")
    after_name, after_uts = _report(box.sh(REPORT))
    if after_name != host_name:  # undo it: the exercise must leave the host as it was
        box.sh(f"hostname {shlex.quote(host_name)}")
    expect(after_name == host_name, f"The host's hostname changed to '{after_name}' (the "
           f"check set '{host_name}' back): keep the change inside the child's UTS namespace.")
    expect(inside_uts and inside_uts != host_uts, f"The child ran in the host's UTS "
           f"namespace ({host_uts}): ask for a new one, `namespaces=(\"uts\",)`.")
    expect(inside_name == answer.hostname, f"In its own UTS namespace the child's hostname is "
           f"'{inside_name}', not the recipe's '{answer.hostname}'.")
    expect(inside_name != host_name, f"'{inside_name}' is the host's own name too: pick "
           "another one, so the two sides can be told apart.")


def _report(output: str) -> tuple[str, str]:
    lines = output.strip().splitlines() + ["", ""]
    return lines[0].strip(), lines[1].strip()
