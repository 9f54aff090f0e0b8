"""Wrong answers to killed_at_the_limit: mistakes a learner makes with a cgroup's memory limit."""

DD = "exec dd if=/dev/zero of=/dev/null bs=33554432 count=1"


def limit_set_to_the_buffer_size(lab):
    """The limit made as big as dd's buffer (32m), and the asked-for 16 MiB typed in by hand."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory="32m") as group:
        run = box.run(DD, Isolation(cgroups=group.directories))
        return {"run": run, "limit": 16 * 1024 * 1024, "oom_kills": group.oom_kills()}


def limit_in_decimal_megabytes(lab):
    """16 MB written as 16,000,000 bytes: `m` in a memory size means MiB (1024 x 1024)."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory=16_000_000) as group:
        run = box.run(DD, Isolation(cgroups=group.directories))
        return {"run": run, "limit": group.memory_limit, "oom_kills": group.oom_kills()}


def never_joined_the_cgroup(lab):
    """The cgroup has its limit, but dd runs with an empty recipe: outside of it."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory="16m") as group:
        run = box.run(DD, Isolation())
        return {"run": run, "limit": group.memory_limit, "oom_kills": group.oom_kills()}


def joined_by_name(lab):
    """The cgroup's name where its directories (full paths) belong."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory="16m") as group:
        run = box.run(DD, Isolation(cgroups=[group.name]))
        return {"run": run, "limit": group.memory_limit, "oom_kills": group.oom_kills()}


def oom_kills_from_the_exit_status(lab):
    """"Was it killed?" (run.killed, a bool) given where the cgroup's own counter belongs."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory="16m") as group:
        run = box.run(DD, Isolation(cgroups=group.directories))
        return {"run": run, "limit": group.memory_limit, "oom_kills": run.killed}


def read_after_the_block(lab):
    """The cgroup's files read after the `with` block, when the cgroup is already gone."""
    from dockerlab import linux
    from dockerlab.linux.cgroups import Cgroup
    from dockerlab.linux.isolation import Isolation

    box = linux.box_for(lab)
    with Cgroup(box, memory="16m") as group:
        run = box.run(DD, Isolation(cgroups=group.directories))
    return {"run": run, "limit": group.memory_limit, "oom_kills": group.oom_kills()}


MISTAKES = {
    "limit_set_to_the_buffer_size": r"dd ran in .*limit(ed)? (was|of) 32 MiB",
    "limit_in_decimal_megabytes": r"MiB.*1024",
    "never_joined_the_cgroup": r"did not run in (the|a) cgroup",
    "joined_by_name": r"group\.directories",
    "oom_kills_from_the_exit_status": r"run\.killed",
    "read_after_the_block": r"inside the .with",
}
