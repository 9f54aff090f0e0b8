"""The SDK's own calls on ``lab.client``, from a script's point of view: a bad input is a kit
error that says what to do, and still the docker-py (or requests) class a script catches."""

import os
import signal
import subprocess
import sys
import time

import docker.errors
import pytest
import requests

from dockerlab import Lab
from dockerlab.engine.private import PrivateEngine, _children, availability
from dockerlab.errors import (
    ContainerNotFound,
    DockerLabError,
    EngineUnreachable,
    ImageNameInvalid,
    InvalidContainerState,
    VolumeNameInvalid,
)
from dockerlab.host import is_dockerd
from dockerlab.notebook import show_error


def _readable(error, sdk_class) -> None:
    """A kit error with advice, one paragraph in a notebook, and still the SDK's class."""
    assert isinstance(error, DockerLabError) and error.advice, repr(error)
    assert isinstance(error, sdk_class)
    assert str(error) == f"{error.message}\n{error.advice}"
    lines = show_error(object(), type(error), error, None)
    assert len(lines) == 2 and type(error).__name__ in lines[0] and error.advice in lines[1]


def test_getting_a_missing_container_by_name(lab):
    with pytest.raises(docker.errors.NotFound) as raised:
        lab.client.containers.get("dockerlab-test-no-such-container")
    assert type(raised.value) is ContainerNotFound
    assert "dockerlab-test-no-such-container" in raised.value.message
    _readable(raised.value, docker.errors.NotFound)


def test_stopping_a_missing_id_with_the_low_level_api(lab):
    with pytest.raises(ContainerNotFound) as raised:
        lab.client.api.stop("0123456789ab0123456789ab")
    assert raised.value.status_code == 404
    _readable(raised.value, docker.errors.NotFound)


def test_removing_a_running_container(lab):
    container = lab.start("sleep 60")
    with pytest.raises(InvalidContainerState) as raised:
        container.remove()
    assert "container.remove(force=True)" in raised.value.advice
    assert raised.value.status_code == 409
    _readable(raised.value, docker.errors.APIError)


def test_unpausing_a_running_container(lab):
    container = lab.start("sleep 60")
    with pytest.raises(InvalidContainerState, match="refused to unpause") as raised:
        container.unpause()
    _readable(raised.value, docker.errors.APIError)


def test_exec_in_a_stopped_container(lab):
    container = lab.start("true")
    container.wait(timeout=30)
    with pytest.raises(InvalidContainerState, match="is not running") as raised:
        container.exec_run(["echo", "hi"])
    assert "container.start()" in raised.value.advice
    _readable(raised.value, docker.errors.APIError)


def test_an_invalid_volume_name(lab):
    with pytest.raises(VolumeNameInvalid, match="bad name!") as raised:
        lab.client.volumes.create("bad name!")
    _readable(raised.value, docker.errors.APIError)


def test_an_invalid_tag(lab):
    image = lab.client.images.get(lab.base_image)
    with pytest.raises(ImageNameInvalid) as raised:
        image.tag("dockerlab/test-sdk-errors", "bad tag!")
    assert raised.value.status_code in (400, 500)  # Docker 20.10 answers 500, 26.1 400
    _readable(raised.value, docker.errors.APIError)


def test_an_uncaught_error_in_a_script_ends_with_the_paragraph(engine_location):
    script = ("from dockerlab import Lab\n"
              "lab = Lab('test-sdk-errors-script', engine=None, base_images=False)\n"
              "try:\n"
              "    lab.client.containers.get('dockerlab-test-not-there')\n"
              "finally:\n"
              "    lab.cleanup()\n")
    env = dict(os.environ, DOCKER_HOST=engine_location.url)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-2:]
    assert last[0].startswith("dockerlab.errors.ContainerNotFound: There is no container "
                              "'dockerlab-test-not-there'"), done.stderr
    assert last[1].startswith("List the containers with"), done.stderr


@pytest.mark.skipif(availability() is not None,
                    reason=f"no private engine here: {availability()}")
def test_a_killed_engine_is_unreachable_and_still_a_connection_error():
    engine = PrivateEngine().start()
    lab = None
    try:
        lab = Lab("test-sdk-errors-killed", engine=engine.location(), base_images=False)
        assert lab.client.containers.list() == []
        _kill(engine)
        with pytest.raises(requests.exceptions.ConnectionError) as raised:
            lab.client.containers.list()
        assert type(raised.value) is EngineUnreachable
        assert engine.url in raised.value.message
        _readable(raised.value, requests.exceptions.ConnectionError)
    finally:
        if lab is not None:
            lab.client.close()
        engine.remove()


def _kill(engine) -> None:
    """``kill -KILL`` the engine (its socket file stays), then end the containerd it left."""
    pid = engine.pid
    children = [child for child, _ in _children(pid)]
    os.kill(pid, signal.SIGKILL)
    if engine.process is not None:
        engine.process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while is_dockerd(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    for child in children:
        try:
            os.kill(child, signal.SIGTERM)
        except ProcessLookupError:
            pass
