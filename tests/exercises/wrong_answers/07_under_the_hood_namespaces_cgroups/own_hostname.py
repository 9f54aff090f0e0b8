"""Wrong answers to own_hostname: mistakes a learner makes with the UTS namespace."""


def uts_without_a_hostname(lab):
    """A new UTS namespace, but no name set in it: it starts as a copy of the host's."""
    from dockerlab.linux.isolation import Isolation

    return Isolation(namespaces=("uts",))


def tuple_without_the_comma(lab):
    """("uts") is the string "uts", not a tuple holding it."""
    from dockerlab.linux.isolation import Isolation

    return Isolation(namespaces=("uts"), hostname="my-own-box")


def returned_the_run(lab):
    """The recipe run by the learner, and its result returned instead of the recipe."""
    from dockerlab import linux
    from dockerlab.linux.isolation import Isolation

    return linux.box_for(lab).run("hostname", Isolation(namespaces=("uts",),
                                                        hostname="my-own-box"))


def hostname_too_long(lab):
    """A descriptive name longer than the kernel's 64 characters (HOST_NAME_MAX)."""
    from dockerlab.linux.isolation import Isolation

    return Isolation(namespaces=("uts",),
                     hostname="my-own-box-for-the-under-the-hood-notebook-of-the-dockerlab-teaching-kit")


def joined_a_container_namespace(lab):
    """A container started with the name, and its UTS namespace joined (enter=): the child
    borrows the container's namespace instead of getting its own."""
    from dockerlab.linux.isolation import Isolation

    container = lab.start("sleep 300", hostname="my-own-box", network_mode="none")
    container.reload()
    return Isolation(enter=container.attrs["State"]["Pid"], enter_namespaces=("uts",),
                     hostname="my-own-box")


MISTAKES = {
    "uts_without_a_hostname": r"hostname=",
    "tuple_without_the_comma": r"comma",
    "returned_the_run": r"not Run",
    "hostname_too_long": r"64 characters",
    "joined_a_container_namespace": r"enter=",
}
