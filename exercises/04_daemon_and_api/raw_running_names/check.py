"""List the running containers with a hand-made HTTP request, as the REST API names them."""

from dockerlab.checker import expect

TITLE = "Running containers, straight from the REST API"
FUNCTION = "raw_running_names"
HINTS = [
    "`GET /containers/json` lists the running containers; its `filters` query parameter "
    "takes JSON such as {\"label\": [\"io.dockerlab.session=...\"]} (raw_request encodes a "
    "dict for you: query={\"filters\": {...}}).",
    "The answer is a list of dicts; each has a \"Names\" list whose entries start with '/'. "
    "Return those strings unchanged: [n for c in response.json() for n in c[\"Names\"]].",
]


def check(lab, answer):
    running = [c for c in lab.containers() if c.status == "running"]
    expect(any(c.name == f"{lab.session}-raw" for c in running),
           f"No running container named {lab.session}-raw: keep the lab.start(...) line.")
    expect(isinstance(answer, list) and all(isinstance(n, str) for n in answer),
           "Return a list of strings (the names), not the response object.")
    expect(all(n.startswith("/") for n in answer),
           "The REST API spells names with a leading '/', as in '/web': return them as the "
           "engine sent them (the SDK's container.name strips the '/').")
    expect(sorted(answer) == sorted(f"/{c.name}" for c in running),
           f"You returned {sorted(answer)}; the engine runs {sorted('/' + c.name for c in running)}"
           " for your session. Filter by your session's label, running containers only.")
