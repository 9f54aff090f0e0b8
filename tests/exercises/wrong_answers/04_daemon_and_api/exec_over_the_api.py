"""Wrong answers to 04_daemon_and_api/exec_over_the_api, as learners write them."""

from dockerlab.engine.wire import raw_request

TOUCH = ["touch", "/tmp/hello-from-the-api"]


def _sleeper(lab):
    return lab.start("sleep 60", name=f"{lab.session}-exec")


def created_never_started(lab):
    """Only the first request: an exec is created, nothing runs."""
    container = _sleeper(lab)
    created = raw_request("POST", f"/containers/{container.id}/exec", body={"Cmd": TOUCH})
    return created.json()["Id"]


def command_as_one_string(lab):
    """The shell line as the one word of "Cmd": the engine looks for a program named
    'touch /tmp/hello-from-the-api'."""
    container = _sleeper(lab)
    created = raw_request("POST", f"/containers/{container.id}/exec",
                          body={"Cmd": [" ".join(TOUCH)]})
    exec_id = created.json()["Id"]
    raw_request("POST", f"/exec/{exec_id}/start", body={"Detach": True})
    return exec_id


def container_id_returned(lab):
    """Both requests made, then the container's ID returned instead of the exec's."""
    container = _sleeper(lab)
    created = raw_request("POST", f"/containers/{container.id}/exec", body={"Cmd": TOUCH})
    raw_request("POST", f"/exec/{created.json()['Id']}/start", body={"Detach": True})
    return container.id


def whole_answer_returned(lab):
    """The decoded answer of the create ({"Id": ...}) returned, not the ID."""
    container = _sleeper(lab)
    created = raw_request("POST", f"/containers/{container.id}/exec", body={"Cmd": TOUCH})
    raw_request("POST", f"/exec/{created.json()['Id']}/start", body={"Detach": True})
    return created.json()


MISTAKES = {
    "created_never_started": r"never started",
    "command_as_one_string": r"list of words",
    "container_id_returned": r"container's ID",
    "whole_answer_returned": r"not the whole answer",
}
