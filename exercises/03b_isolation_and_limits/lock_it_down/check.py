"""A running container with no network, a read-only root file system and no capabilities."""

from dockerlab.checker import expect

TITLE = "Lock a container down"
FUNCTION = "lock_it_down"
HINTS = [
    "Each fence is an option of the container, set when it is created: its network namespace "
    "can hold no interface but loopback, its root file system can be mounted read-only, and "
    "root's power is cut into capabilities that can all be dropped.",
    "Look at the options of `lab.client.containers.run`: `network_mode=` is `--network`, "
    "`read_only=` is `--read-only`, `cap_drop=` is `--cap-drop` (a list of capability names, "
    "and 'ALL' is one of them). `detach=True` returns the Container while it runs.",
    "Run `['sleep', '600']` detached with network_mode='none', read_only=True and "
    "cap_drop=['ALL'], add no capability back, and return the container.",
]


def _probe(container, command):
    """What ``command`` run inside the container says: (exit code, output)."""
    result = container.exec_run(command)
    return result.exit_code, result.output.decode(errors="replace").strip()


def _fences(container):
    host = container.attrs["HostConfig"]
    mode = host.get("NetworkMode") or "default"
    expect(mode == "none", f"The container's network is {mode!r}: it still has a network "
           "interface besides loopback; network_mode='none' gives it none.")
    _, interfaces = _probe(container, ["ls", "/sys/class/net"])
    expect(interfaces.split() == ["lo"], f"Inside, the interfaces are {interfaces!r}, not "
           "only 'lo'.")
    expect(host.get("ReadonlyRootfs"), "The root file system is writable: read_only=True "
           "mounts it read-only (`--read-only`).")
    code, _ = _probe(container, ["touch", "/probe"])
    expect(code != 0, "Writing /probe inside the container worked: the root file system is "
           "not read-only.")
    dropped = [name.upper().removeprefix("CAP_") for name in host.get("CapDrop") or []]
    expect("ALL" in dropped, f"Dropped capabilities: {', '.join(dropped) or 'none'}; drop "
           "them all, cap_drop=['ALL'], not one by one.")
    added = host.get("CapAdd") or []
    expect(not added, f"cap_add gives back {', '.join(added)}: leave cap_add out, every "
           "capability stays dropped.")


def check(lab, answer):
    expect(answer is not None and hasattr(answer, "reload"),
           "Return the Container object (use detach=True).")
    expect(answer.id in {c.id for c in lab.containers()},
           "That container is not in your session any more: do not remove it.")
    answer.reload()
    expect(answer.status == "running", f"The container is {answer.status}: its command must "
           "keep it running (`sleep 600`), so that the check can look inside.")
    _fences(answer)
