"""The wire: recording docker-py's requests, raw HTTP over a UNIX socket, answers compared.

A tiny HTTP server on a UNIX socket stands in for the engine here; the real engine is in
tests/integration/test_wire_engine.py.
"""

from __future__ import annotations

import http.server
import json
import socketserver
import threading

import docker
import pytest
import requests

from dockerlab.engine.wire import (
    Exchange,
    RawResponse,
    ThreeWays,
    WireRecorder,
    body_text,
    endpoint_of,
    parse_exchange,
    query_string,
    raw_request,
    redact,
    request_text,
    trim,
)
from dockerlab.errors import ApiVersionRefused, DockerLabError, EngineNotFound, EngineTLSError


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list = []

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Api-Version", "1.41")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (the http.server naming)
        self.seen.append(("GET", self.path))
        if self.path.startswith("/v1.99/"):
            self._answer(400, {"message": "client version 1.99 is too new. Maximum "
                                          "supported API version is 1.41"})
        elif "/containers/json" in self.path:
            self._answer(200, [{"Id": "a" * 64, "Names": ["/web"]}])
        else:
            self._answer(404, {"message": "page not found"})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        self.seen.append(("POST", self.path, self.rfile.read(length)))
        self._answer(201, {"Id": "b" * 64, "Warnings": []})

    def log_message(self, *args):
        pass


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):  # http.server wants a (host, port) client address
        request, _ = super().get_request()
        return request, ("local", 0)


@pytest.fixture
def fake_engine(tmp_path):
    path = str(tmp_path / "engine.sock")
    server = _UnixServer(path, _Handler)
    _Handler.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield path
    server.shutdown()
    server.server_close()


def test_trim_says_how_much_was_left_out():
    assert trim("x" * 10, 20) == "x" * 10
    assert trim("x" * 30, 20) == "x" * 20 + "... (30 chars)"


def test_redact_hides_passwords_and_tokens_at_any_depth():
    value = {"username": "ada", "password": "s3cret", "nested": [{"IdentityToken": "tok"}]}
    assert redact(value) == {"username": "ada", "password": "***",
                             "nested": [{"IdentityToken": "***"}]}


def test_body_text_compacts_json_and_names_binary_and_streamed_bodies():
    assert body_text(b'{"a": 1,  "password": "x"}') == '{"a":1,"password":"***"}'
    assert body_text(b"\x00\x01tar") == "(binary, 5 bytes)"
    assert "streamed" in body_text(iter([b"chunk"]))
    assert body_text(None) == ""


def test_exchange_splits_version_endpoint_and_query():
    exchange = Exchange("GET", "/v1.41/containers/json", {"all": ["1"]}, 200)
    assert exchange.version == "1.41"
    assert exchange.endpoint == "/containers/json"
    assert exchange.target == "/v1.41/containers/json?all=1"
    assert str(exchange).startswith("GET /v1.41/containers/json?all=1 -> 200")
    assert Exchange("GET", "/_ping", {}, 200).version is None


def test_parse_exchange_from_a_prepared_request():
    request = requests.Request("POST", "http+docker://localhost/v1.41/containers/create",
                               params={"name": "web"}, json={"Image": "x"}).prepare()
    exchange = parse_exchange(request, None)
    assert (exchange.method, exchange.path, exchange.query) == \
        ("POST", "/v1.41/containers/create", {"name": ["web"]})
    assert exchange.request_body == '{"Image":"x"}'
    assert exchange.status is None and "no answer" in str(exchange)


def test_query_string_sends_filters_as_json():
    text = query_string({"filters": {"label": ["a=b"]}, "all": True})
    assert text == "filters=%7B%22label%22%3A+%5B%22a%3Db%22%5D%7D&all=true"


def test_request_text_is_the_first_lines_of_the_request():
    assert request_text("GET", "/containers/json", version="1.41").splitlines()[0] == \
        "GET /v1.41/containers/json HTTP/1.1"


def test_recorder_sees_each_sdk_call_and_lets_go_after(fake_engine):
    api = docker.APIClient(base_url=f"unix://{fake_engine}", version="1.41")
    with WireRecorder(api) as wire:
        api.containers(all=True)
        api.create_container("dockerlab/busybox:latest", "true", name="web")
    methods = [(e.method, e.endpoint, e.status) for e in wire]
    assert methods == [("GET", "/containers/json", 200), ("POST", "/containers/create", 201)]
    assert wire.exchanges[0].query["all"] == ["1"]
    assert '"Image":"dockerlab/busybox:latest"' in wire.exchanges[1].request_body
    assert "/web" in wire.exchanges[0].response_body
    api.containers()
    assert len(wire) == 2  # stopped recording
    assert "send" not in vars(api)


def test_raw_request_over_a_unix_socket(fake_engine):
    response = raw_request("GET", "/containers/json", url=f"unix://{fake_engine}",
                           version="1.41", query={"all": True})
    assert response.status == 200
    assert response.json()[0]["Names"] == ["/web"]
    assert _Handler.seen[-1] == ("GET", "/v1.41/containers/json?all=true")
    assert response.headers["Api-Version"] == "1.41"
    assert response.head().startswith("HTTP/1.1 200 OK")


def test_raw_request_sends_a_json_body(fake_engine):
    raw_request("POST", "/containers/create", url=f"unix://{fake_engine}",
                body={"Image": "x"})
    assert _Handler.seen[-1] == ("POST", "/containers/create", b'{"Image": "x"}')


def test_a_refused_api_version_is_one_clear_error(fake_engine):
    response = raw_request("GET", "/containers/json", url=f"unix://{fake_engine}",
                           version="1.99")
    with pytest.raises(ApiVersionRefused, match="too new"):
        response.json()


def test_an_error_status_names_the_request_and_the_engine_message():
    response = RawResponse("GET", "/v1.41/nothing", 404, "Not Found", {},
                           b'{"message": "page not found"}', "unix:///x.sock")
    with pytest.raises(DockerLabError, match=r"404 Not Found to GET /v1.41/nothing: page not"):
        response.raise_for_status()


def test_a_wrong_socket_path_is_engine_not_found(tmp_path):
    with pytest.raises(EngineNotFound, match="does not exist"):
        raw_request("GET", "/version", url=f"unix://{tmp_path}/nope.sock")


def test_plain_http_over_tcp_is_refused_by_the_kit():
    with pytest.raises(EngineTLSError, match="plain HTTP"):
        raw_request("GET", "/version", url="http://127.0.0.1:2375")


def test_endpoint_of_a_unix_client_and_its_cli_environment(fake_engine):
    endpoint = endpoint_of(docker.APIClient(base_url=f"unix://{fake_engine}", version="1.41"))
    assert endpoint.url == f"unix://{fake_engine}"
    assert endpoint.ssl_context() is None
    env = endpoint.cli_environment()
    assert env["DOCKER_HOST"] == endpoint.url and "DOCKER_TLS_VERIFY" not in env


def test_three_ways_agree_only_when_all_answers_match():
    assert ThreeWays("x", {"cli": [1], "sdk": [1], "raw": [1]}).agree
    assert not ThreeWays("x", {"cli": [1], "sdk": [2], "raw": [1]}).agree
    assert not ThreeWays("x", {"sdk": [1]}).agree  # one answer proves nothing
    shown = str(ThreeWays("x", {"sdk": "a", "raw": "a"}, {"cli": "not installed"}))
    assert "(not installed)" in shown and "agree" in shown
