"""Find, from the engine's event stream, which container died and with what exit code.

The containers are removed as they finish, so only the engine's events still know them: the
check reads the same `die` events and compares.
"""

from dockerlab.checker import expect
from dockerlab.engine.events import collect, event_filters

TITLE = "Who died, and how?"
FUNCTION = "who_died"
HINTS = [
    "The engine keeps a log of what happened to every object, the event stream "
    "(`docker events`): when a container's process ends, the engine records a `die` event, "
    "and that event carries the exit code, even after the container is gone.",
    "`collect(lab.client, since, filters=...)` from dockerlab.engine.events reads the events "
    "from `since` until now; build the filters with `event_filters(type=..., action=..., "
    "label=...)`, with your session's label io.dockerlab.session=<lab.session>.",
    "Ask for action='die' only, then keep the events whose `exit_code` (an int, unlike the "
    "raw `exitCode` attribute) is not 0, keyed by `event.name`, the full container name.",
]


def _deaths(lab) -> dict:
    mine = event_filters(type="container", action="die",
                         label=f"io.dockerlab.session={lab.session}")
    return {event.name: event.exit_code for event in collect(lab.client, lab.started,
                                                             filters=mine)}


def check(lab, answer):
    deaths = _deaths(lab)
    expect(len(deaths) == 3 and not lab.containers(),
           "Keep the loop as it is: three containers, each started, waited for and removed.")
    failed = {name: code for name, code in deaths.items() if code != 0}
    expect(isinstance(answer, dict), "Return a dict {container name: exit code}.")
    expect(answer,
           "Your answer is empty, but the engine recorded a `die` event for each of the three "
           "containers. They are removed, so container.attrs and lab.containers() know "
           "nothing any more: read the events since `since`.")
    expect(not any(code is None for code in answer.values()),
           "Some exit codes are None: only the `die` event carries an exit code (`destroy` "
           "and `stop` have none), so filter on action='die'.")
    expect(all(isinstance(code, int) for code in answer.values()),
           "The exit codes should be numbers: the event's `exitCode` attribute is text, "
           "Event.exit_code is an int.")
    short = {name.removeprefix(f"{lab.session}-") for name in deaths}
    expect(not set(answer) & short,
           "Name the containers in full, as the engine does (the event's `name`, "
           f"{sorted(failed)}), not by the end of their names.")
    healthy = sorted(set(answer) - set(failed))
    expect(not healthy,
           f"{healthy} exited with 0, which is success: keep only the die events with a "
           "non-zero exit code.")
    expect(set(answer) == set(failed),
           f"You named {sorted(answer)}; the container that failed is {sorted(failed)}.")
    expect(answer == failed, f"The exit code is not right: the engine says {failed}.")
