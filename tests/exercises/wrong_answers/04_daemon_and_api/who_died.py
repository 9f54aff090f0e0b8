"""Wrong answers to 04_daemon_and_api/who_died, as learners write them."""

import random
import time

from dockerlab.engine.events import collect, event_filters


def _run_three(lab) -> float:
    since = time.time()
    for name, command in [("a", "true"), ("b", f"exit {random.randint(2, 99)}"), ("c", "true")]:
        container = lab.start(command, name=f"{lab.session}-{name}")
        container.wait()
        container.remove()
    return since


def _events(lab, since, action="die"):
    mine = event_filters(type="container", action=action,
                         label=f"io.dockerlab.session={lab.session}")
    return collect(lab.client, since, filters=mine)


def from_attrs(lab):
    """The containers' attrs instead of the events: they are removed, nothing is left."""
    _run_three(lab)
    return {c.name: c.attrs["State"]["ExitCode"] for c in lab.containers()
            if c.attrs["State"]["ExitCode"] != 0}


def exit_code_as_text(lab):
    """The raw attribute, a string."""
    since = _run_three(lab)
    return {e.name: e.attributes["exitCode"] for e in _events(lab, since)
            if e.attributes["exitCode"] != "0"}


def every_death(lab):
    """Every die event, the successful ones too."""
    since = _run_three(lab)
    return {e.name: e.exit_code for e in _events(lab, since)}


def destroy_events(lab):
    """The `destroy` event (the container is removed) instead of `die`: no exit code."""
    since = _run_three(lab)
    return {e.name: e.exit_code for e in _events(lab, since, "destroy") if e.exit_code != 0}


def short_names(lab):
    """The letter from the loop instead of the container's name."""
    since = _run_three(lab)
    return {e.name.rsplit("-", 1)[-1]: e.exit_code for e in _events(lab, since)
            if e.exit_code != 0}


MISTAKES = {
    "from_attrs": r"container\.attrs",
    "exit_code_as_text": r"attribute is text",
    "every_death": r"exited with 0",
    "destroy_events": r"`destroy`",
    "short_names": r"in full",
}
