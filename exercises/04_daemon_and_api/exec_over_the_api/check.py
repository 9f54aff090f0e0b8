"""Run a command in a running container with the REST API's two exec requests.

The check asks the engine about the exec whose ID is returned (`GET /exec/<id>/json`): whose
it is, what it ran, whether it was started and how it ended, then looks for the file.
"""

import re
import time

import docker.errors

from dockerlab.checker import expect

TITLE = "docker exec, by hand"
FUNCTION = "exec_over_the_api"
HINTS = [
    "`docker exec` is two REST calls: `POST /containers/<id>/exec` creates an exec (the "
    "engine answers with its \"Id\"), and `POST /exec/<exec id>/start` runs it. Creating "
    "alone runs nothing.",
    "raw_request(\"POST\", path, body={...}) sends a dict as JSON. The create's body names "
    "the command under \"Cmd\"; the start's body can say {\"Detach\": true} so the request "
    "returns at once.",
    "\"Cmd\" is a list of words, [\"touch\", \"/tmp/hello-from-the-api\"], as in a "
    "Dockerfile's exec form; `created.json()[\"Id\"]` is what to start and to return.",
]

FILE = "/tmp/hello-from-the-api"
_ID = re.compile(r"[0-9a-f]{64}")


def _inspect(lab, exec_id: str) -> dict | None:
    """The engine's record of the exec, once it no longer runs (None: no such exec)."""
    for _ in range(50):
        try:
            info = lab.client.api.exec_inspect(exec_id)
        except docker.errors.NotFound:
            return None
        if not info.get("Running"):
            return info
        time.sleep(0.1)
    return info


def check(lab, answer):
    sleepers = [c for c in lab.containers() if c.name == f"{lab.session}-exec"]
    expect(sleepers and sleepers[0].status == "running",
           "Keep the lab.start(...) line: the exec runs in that container.")
    container = sleepers[0]
    expect(isinstance(answer, str) and _ID.fullmatch(answer),
           "Return the exec's ID as a string: the \"Id\" in the answer to POST "
           "/containers/<id>/exec (64 hexadecimal characters), not the whole answer.")
    expect(answer != container.id,
           "That is the container's ID; an exec has an ID of its own, in the answer to "
           "POST /containers/<id>/exec.")
    info = _inspect(lab, answer)
    expect(info is not None, "The engine knows no exec with that ID.")
    expect(info["ContainerID"] == container.id,
           f"That exec ran in another container, not in {container.name}.")
    process = info.get("ProcessConfig") or {}
    words = [process.get("entrypoint") or ""] + list(process.get("arguments") or [])
    expect(not (len(words) == 1 and " " in words[0]),
           f"The engine looked for a program called {words[0]!r}: \"Cmd\" is a list of words, "
           "one per argument, not one string (no shell splits it).")
    expect(info.get("ExitCode") is not None,
           "The exec was created but never started: send POST /exec/<id>/start too.")
    expect(info["ExitCode"] == 0,
           f"The exec ran {words} and exited with {info['ExitCode']}.")
    found = container.exec_run(["test", "-f", FILE]).exit_code == 0
    expect(found, f"The exec ran {words}, but there is no {FILE} in the container.")
