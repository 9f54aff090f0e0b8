def raw_running_names(lab):
    """Two containers are started below: f"{lab.session}-raw" keeps running, and
    f"{lab.session}-done" has already exited. Without the SDK, ask the engine over its UNIX
    socket for the RUNNING containers that carry your session's label
    (io.dockerlab.session=<lab.session>), and return their names exactly as the REST API
    spells them (a list of strings)."""
    from dockerlab.engine.wire import raw_request  # an HTTP request over /var/run/docker.sock

    lab.start("true", name=f"{lab.session}-done").wait()
    lab.start("sleep 60", name=f"{lab.session}-raw")
    label = f"io.dockerlab.session={lab.session}"
    response = raw_request("GET", "/containers/json", query={"filters": {"label": [label]}})
    return [name for container in response.json() for name in container["Names"]]
