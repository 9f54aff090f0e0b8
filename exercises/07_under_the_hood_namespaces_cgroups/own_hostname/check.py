"""A child process with its own hostname, while the host keeps its own."""

from dockerlab import linux
from dockerlab.checker import expect
from dockerlab.linux.isolation import Isolation

TITLE = "A hostname only the child sees"
FUNCTION = "hostname_recipe"
HINTS = [
    "The hostname lives in the UTS namespace: the recipe needs `namespaces=(\"uts\",)` and a "
    "`hostname=` of your choice.",
    "`return Isolation(namespaces=(\"uts\",), hostname=\"my-own-box\")`",
]


def check(lab, answer):
    expect(isinstance(answer, Isolation), "Return an `Isolation(...)` recipe, not "
           f"{type(answer).__name__}.")
    expect("uts" in answer.namespaces, "Without a new UTS namespace the child would change "
           "the HOST's hostname: add \"uts\" to `namespaces`.")
    box = linux.box_for(lab)
    host_before = box.sh("hostname").strip()
    inside = box.run("hostname", answer).output.strip()
    host_after = box.sh("hostname").strip()
    expect(host_after == host_before, "The host's hostname changed: keep the change inside "
           "the child's own UTS namespace.")
    expect(inside and inside != host_before, f"The child still reports '{inside}', the host's "
           "name: set `hostname=` in the recipe.")
