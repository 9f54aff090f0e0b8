"""The wire against the real engine: recorded SDK calls, raw HTTP, three clients agreeing."""

from __future__ import annotations

import pytest

from dockerlab import labels
from dockerlab.engine.wire import WireRecorder, cli_path, raw_for, raw_request, three_ways
from dockerlab.errors import ApiVersionRefused, EngineNotFound


@pytest.fixture(scope="module")
def running(module_lab):
    """Two running containers of this module's session."""
    names = [f"{module_lab.session}-{n}" for n in ("a", "b")]
    for name in names:
        module_lab.start("sleep 300", name=name)
    return names


def session_label(lab) -> str:
    return f"{labels.SESSION}={lab.session}"


def test_a_run_is_a_sequence_of_rest_calls(lab):
    with WireRecorder(lab.client, limit=5000) as wire:
        lab.client.containers.run(lab.base_image, "true", remove=True)
    calls = [(e.method, e.endpoint.split("/")[1], e.endpoint.rsplit("/", 1)[-1], e.status)
             for e in wire if e.endpoint.startswith("/containers")]
    assert ("POST", "containers", "create", 201) in calls
    assert ("POST", "containers", "start", 204) in calls
    assert ("POST", "containers", "wait", 200) in calls
    assert calls[-1][0] == "DELETE"
    create = next(e for e in wire if e.endpoint == "/containers/create")
    assert create.version == lab.client.api.api_version
    assert session_label(lab).replace("=", '":"') in create.request_body  # the guard's label
    logs = next(e for e in wire if e.endpoint.endswith("/logs"))
    assert logs.streamed and logs.query["follow"] == ["1"]


def test_raw_http_lists_what_the_sdk_lists(module_lab, running):
    filters = {"label": [session_label(module_lab)]}
    response = raw_request("GET", "/containers/json", version="1.41",
                           query={"filters": filters})
    assert response.status == 200
    assert sorted(c["Names"][0].lstrip("/") for c in response.json()) == sorted(running)
    assert response.headers["Api-Version"] == module_lab.client.version()["ApiVersion"]


def test_raw_for_follows_the_clients_engine_and_version(module_lab):
    response = raw_for(module_lab.client, "GET", "/version")
    assert response.target == f"/v{module_lab.client.api.api_version}/version"
    assert response.json()["Version"] == module_lab.client.version()["Version"]


@pytest.mark.parametrize("operation", ["server version", "running containers", "image ids"])
def test_the_same_question_three_ways_gives_one_answer(module_lab, running, operation):
    label = labels.BASE if operation == "image ids" else session_label(module_lab)
    result = three_ways(module_lab.client, operation, label)
    assert result.agree, str(result)
    expected_ways = {"sdk", "raw"} | ({"cli"} if cli_path() else set())
    assert set(result.answers) == expected_ways
    if operation == "running containers":
        assert result.answers["sdk"] == sorted(running)
    if operation == "image ids":
        assert module_lab.client.images.get(module_lab.base_image).id in result.answers["raw"]


def test_an_api_version_the_engine_refuses(module_lab):
    response = raw_request("GET", "/version", version="1.99")
    assert response.status == 400
    with pytest.raises(ApiVersionRefused, match="1.99 is too new"):
        response.json()


def test_a_wrong_socket_path(tmp_path):
    with pytest.raises(EngineNotFound, match="does not exist"):
        raw_request("GET", "/_ping", url=f"unix://{tmp_path}/docker.sock")
