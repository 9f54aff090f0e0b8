def prove_oom_kill(lab):
    """In a cgroup limited to 16 MiB, run `exec dd if=/dev/zero of=/dev/null bs=33554432
    count=1` (dd fills one 32 MiB buffer). Return a dict with "run" (the box.run result),
    "limit" (the cgroup's memory limit in bytes, read back from its file) and "oom_kills"
    (the cgroup's OOM-kill count), all read BEFORE the cgroup is removed."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory=None) as group:  # Your code here: the limit...
        run = box.run("exec dd if=/dev/zero of=/dev/null bs=33554432 count=1",
                      Isolation())  # ...and the cgroup the process must join
        return {"run": run, "limit": group.memory_limit, "oom_kills": group.oom_kills()}
