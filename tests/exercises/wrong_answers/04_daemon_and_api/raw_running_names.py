"""Wrong answers to 04_daemon_and_api/raw_running_names, as learners write them."""

from dockerlab.engine.wire import raw_request


def _start(lab):
    lab.start("true", name=f"{lab.session}-done").wait()
    lab.start("sleep 60", name=f"{lab.session}-raw")
    return {"filters": {"label": [f"io.dockerlab.session={lab.session}"]}}


def sdk_names(lab):
    """The SDK instead of the raw request: container.name has no leading '/'."""
    _start(lab)
    label = f"io.dockerlab.session={lab.session}"
    return [c.name for c in lab.client.containers.list(filters={"label": label})]


def ids_not_names(lab):
    """The "Id" field taken for the name."""
    query = _start(lab)
    return [c["Id"] for c in raw_request("GET", "/containers/json", query=query).json()]


def nested_names(lab):
    """Each "Names" list kept whole: a list of lists."""
    query = _start(lab)
    return [c["Names"] for c in raw_request("GET", "/containers/json", query=query).json()]


def every_state(lab):
    """all=true, as `docker ps -a`: the exited container comes too."""
    query = {**_start(lab), "all": "true"}
    response = raw_request("GET", "/containers/json", query=query)
    return [name for c in response.json() for name in c["Names"]]


MISTAKES = {
    "sdk_names": r"leading '/'",
    "ids_not_names": r"container IDs",
    "nested_names": r"itself a list",
    "every_state": r"has exited.*all=true",
}
