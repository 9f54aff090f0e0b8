"""Docker Compose as another client: what it creates, seen through the SDK."""

from __future__ import annotations

import time

import pytest

from dockerlab import labels
from dockerlab.engine.compose import (
    NUMBER_LABEL,
    PROJECT_LABEL,
    SERVICE_LABEL,
    candidates,
    compose_command,
    project_for,
    why_unavailable,
)
from dockerlab.engine.wire import WireRecorder
from dockerlab.errors import DockerLabError

pytestmark = pytest.mark.skipif(compose_command() is None, reason=str(why_unavailable()))


def test_compose_objects_are_seen_by_the_sdk_with_compose_labels(lab, tmp_path):
    project = project_for(lab, tmp_path)
    project.up()
    try:
        services = project.services()
        assert sorted(services) == ["client", "web"]
        assert project.networks() == [f"{project.name}_default"]
        for container in project.containers():
            assert container.labels[PROJECT_LABEL] == project.name
            assert container.labels[labels.SESSION] == lab.session  # so cleanup finds it
        for service, names in services.items():  # named by this Compose, read back
            assert len(names) == 1 and project.name in names[0] and service in names[0]
        client = next(c for c in project.containers() if c.labels[SERVICE_LABEL] == "client")
        assert client.labels[NUMBER_LABEL] == "1"
        deadline = time.monotonic() + 30
        while b"Hello from a dockerlab container" not in client.logs() \
                and time.monotonic() < deadline:
            time.sleep(0.5)
        assert b"Hello from a dockerlab container" in client.logs()  # reached web by name
    finally:
        project.down()
    assert project.containers() == [] and project.networks() == []


def test_compose_v2_is_used_whenever_one_is_installed(lab, tmp_path):
    tools = candidates()
    project = project_for(lab, tmp_path)
    if any(tool.major >= 2 for tool in tools):
        assert project.tool.major >= 2
    else:
        assert project.tool == tools[0] and project.tool.major == 1
    assert "version" not in project.file.read_text()


def test_lab_cleanup_removes_a_project_that_was_never_brought_down(lab, tmp_path):
    project = project_for(lab, tmp_path)
    project.up()
    report = lab.cleanup()
    assert len(report.removed["containers"]) == 2
    assert report.removed["networks"] == [f"{project.name}_default"]
    assert project.containers() == []


def test_the_sdk_reading_compose_objects_is_plain_rest(lab, tmp_path):
    project = project_for(lab, tmp_path)
    project.up()
    try:
        with WireRecorder(lab.client) as wire:
            project.containers()
        first = wire.exchanges[0]
        assert (first.method, first.endpoint) == ("GET", "/containers/json")
        assert PROJECT_LABEL in first.query["filters"][0]
    finally:
        project.down()


def test_a_broken_compose_file_is_one_clear_error(lab, tmp_path):
    project = project_for(lab, tmp_path, {"services": {"web": {}}})  # no image
    with pytest.raises(DockerLabError, match="failed"):
        project.up()
    assert project.containers() == []
