"""List the running containers with a hand-made HTTP request, as the REST API names them.

The check compares the answer with what the engine runs for the session: the names, with
the REST API's leading '/', of the running containers only. It cannot see how the request
was made, so the exercise asks for what only the raw answer spells that way.
"""

import re

from dockerlab.checker import expect

TITLE = "Running containers, straight from the REST API"
FUNCTION = "raw_running_names"
HINTS = [
    "The REST API is plain HTTP: `GET /containers/json` answers with a JSON list, one object "
    "per container, and by default it lists only the running ones.",
    "Your session's containers are the ones with your label: pass it in the `filters` query "
    "parameter, which takes JSON such as {\"label\": [\"io.dockerlab.session=...\"]} "
    "(raw_request encodes a dict for you: query={\"filters\": {...}}).",
    "Each object in `response.json()` has a \"Names\" entry, itself a list of strings that "
    "start with '/': return those strings, unchanged, in one flat list.",
]

_ID = re.compile(r"[0-9a-f]{64}")


def check(lab, answer):
    mine = lab.containers()
    running = sorted(f"/{c.name}" for c in mine if c.status == "running")
    exited = sorted(f"/{c.name}" for c in mine if c.status != "running")
    expect(f"/{lab.session}-raw" in running and f"/{lab.session}-done" in exited,
           f"Keep the two lab.start(...) lines as they are: {lab.session}-raw must be running "
           f"and {lab.session}-done exited.")
    expect(isinstance(answer, list),
           "Return a list of names, not the response object (response.json() is the decoded "
           "list of containers).")
    expect(all(isinstance(n, str) for n in answer),
           "Return a flat list of strings: each container's \"Names\" is itself a list, so "
           "take its entries, not the list.")
    expect(not any(_ID.fullmatch(n) for n in answer),
           "Those are container IDs (\"Id\"), not names: the names are under \"Names\".")
    expect(all(n.startswith("/") for n in answer),
           "The REST API spells names with a leading '/', as in '/web': return them as the "
           "engine sent them (the SDK's container.name strips the '/').")
    stopped = sorted(set(answer) & set(exited))
    expect(not stopped,
           f"Your list includes {stopped}, which has exited: `GET /containers/json` lists "
           "only running containers unless you ask for all=true, so leave `all` out.")
    expect(sorted(answer) == running,
           f"You returned {sorted(answer)}; the engine runs {running} for your session. "
           "Filter by your session's label, running containers only.")
