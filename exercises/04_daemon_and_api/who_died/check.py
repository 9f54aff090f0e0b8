"""Find, from the engine's event stream, which container died and with what exit code."""

from dockerlab.checker import expect

TITLE = "Who died, and how?"
FUNCTION = "who_died"
HINTS = [
    "Every container that stops produces a `die` event; its attributes hold `exitCode`. "
    "`collect(lab.client, since, filters=event_filters(type='container', action='die', "
    "label=...))` reads the events from `since` until now.",
    "Filter by your session's label (io.dockerlab.session=<lab.session>) so other sessions' "
    "containers stay out, then keep the events whose `exit_code` is not 0: "
    "{e.name: e.exit_code for e in events if e.exit_code != 0}.",
]


def check(lab, answer):
    exited = {c.name: c.attrs["State"]["ExitCode"] for c in lab.containers()}
    expect(len(exited) == 3, "Keep the three lab.start(...) lines as they are.")
    failed = {name: code for name, code in exited.items() if code != 0}
    expect(isinstance(answer, dict), "Return a dict {container name: exit code}.")
    expect(set(answer) == set(failed),
           f"You named {sorted(answer)}; the container that failed is {sorted(failed)}. "
           "Keep only the die events with a non-zero exit code.")
    expect(all(isinstance(code, int) for code in answer.values()),
           "The exit codes should be numbers: the event's attribute is text, "
           "Event.exit_code is an int.")
    expect(answer == failed, f"The exit code is not right: the engine says {failed}.")
