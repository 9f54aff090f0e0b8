import json
import ssl
import tarfile

import docker.errors
import pytest
import requests

from dockerlab import errors
from dockerlab.engine.transport import EngineAPIClient


def test_every_error_reads_as_message_then_advice():
    error = errors.ImageMissing("The image is missing.", "Build it.")
    assert str(error) == "The image is missing.\nBuild it."
    assert isinstance(error, errors.DockerLabError)


def test_the_docstring_tree_names_every_error_class():
    classes = {name for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, errors.DockerLabError)}
    missing = {name for name in classes if name not in errors.__doc__}
    assert missing == set(), f"add these to the tree in errors/__init__.py: {missing}"


def _response(status, message, method="GET", path="/v1.41/containers/x/json", reason=""):
    """An engine's error answer as requests hands it to docker-py (no engine involved)."""
    response = requests.Response()
    response.status_code = status
    response.reason = reason or {400: "Bad Request", 404: "Not Found", 409: "Conflict",
                                 500: "Internal Server Error"}.get(status, "")
    response.url = f"http+docker://localhost{path}"
    response.request = requests.Request(method, response.url).prepare()
    response._content = json.dumps({"message": message}).encode()
    return response


def _api_error(message, status=400, method="GET", path=""):
    response = _response(status, message, method, path)
    return docker.errors.APIError("boom", response=response, explanation=message)


@pytest.mark.parametrize("error, expected", [
    (docker.errors.ImageNotFound("No such image: x"), errors.NoSuchImage),
    (docker.errors.NotFound("No such container: x"), errors.ContainerNotFound),
    (_api_error("invalid reference format: repository name must be lowercase"),
     errors.ImageNameInvalid),
    (_api_error("Cannot unpause container x: Container x is not paused", 409),
     errors.InvalidContainerState),
    (requests.exceptions.ConnectionError("Connection aborted"), errors.EngineUnreachable),
    (docker.errors.BuildError("step failed", []), errors.BuildFailed),
    (docker.errors.InvalidVersion("all is not supported for API version < 1.42"),
     errors.ApiVersionRefused),
    (_api_error("client version 1.41 is too old. Minimum supported API version is 1.44, "
                "please upgrade your client to a newer version"), errors.ApiVersionRefused),
])
def test_lower_level_errors_become_the_kits_own(error, expected):
    translated = errors.translate(error)
    assert type(translated) is expected
    assert translated.advice, "every translated error says what to do"


def test_the_engines_own_words_are_kept():
    translated = errors.translate(_api_error("Container abc is not paused", 409))
    assert "Container abc is not paused" in translated.message
    assert translated.explanation == "Container abc is not paused"


# --- the SDK's calls, through the kit's transport (fake answers, no engine) ---------------

@pytest.fixture
def api():
    client = EngineAPIClient(base_url="unix:///nonexistent/docker.sock", version="1.41")
    yield client
    client.close()


# (status, engine message, method, path) -> kit class, docker-py class it still is
SDK_CASES = [
    (404, "No such container: typo", "GET", "/v1.41/containers/typo/json",
     errors.ContainerNotFound, docker.errors.NotFound),
    (404, "No such container: 0123abc", "POST", "/v1.41/containers/0123abc/stop",
     errors.ContainerNotFound, docker.errors.NotFound),
    (409, "You cannot remove a running container 0123. Stop the container before attempting "
          "removal or force remove", "DELETE", "/v1.41/containers/0123",
     errors.InvalidContainerState, docker.errors.APIError),
    (409, 'cannot remove container "/web": container is running: stop the container before '
          'removing or force remove', "DELETE", "/v1.45/containers/web",
     errors.InvalidContainerState, docker.errors.APIError),
    (409, "Container 0123 is not paused", "POST", "/v1.41/containers/0123/unpause",
     errors.InvalidContainerState, docker.errors.APIError),
    (409, "Container 0123 is not running", "POST", "/v1.41/containers/0123/exec",
     errors.InvalidContainerState, docker.errors.APIError),
    (400, 'create bad name!: "bad name!" includes invalid characters for a local volume '
          'name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed', "POST", "/v1.41/volumes/create",
     errors.VolumeNameInvalid, docker.errors.APIError),
    (400, "invalid tag format", "POST", "/v1.41/images/sha256:ab/tag",
     errors.ImageNameInvalid, docker.errors.APIError),
    (404, "No such image: nothing:here", "GET", "/v1.41/images/nothing:here/json",
     errors.NoSuchImage, docker.errors.ImageNotFound),
    (404, "network nope not found", "GET", "/v1.41/networks/nope",
     errors.NetworkNotFound, docker.errors.NotFound),
    (404, "get nope: no such volume", "GET", "/v1.41/volumes/nope",
     errors.VolumeNotFound, docker.errors.NotFound),
    (409, "remove data: volume is in use - [0123]", "DELETE", "/v1.41/volumes/data",
     errors.VolumeInUse, docker.errors.APIError),
    (403, "operation is not permitted on predefined bridge network", "DELETE",
     "/v1.41/networks/bridge", errors.NetworkRefused, docker.errors.APIError),
    (409, "conflict: unable to delete 0123 (must be forced) - image is being used",
     "DELETE", "/v1.41/images/0123", errors.ImageRefused, docker.errors.APIError),
    (400, "invalid mount config for type \"bind\": bind source path does not exist: /nope",
     "POST", "/v1.41/containers/create", errors.BindSourceMissing, docker.errors.APIError),
    (500, "driver failed programming external connectivity: Bind for 127.0.0.1:8080 failed: "
          "port is already allocated", "POST", "/v1.41/containers/0123/start",
     errors.PortTaken, docker.errors.APIError),
    (400, "failed to create task: exec: \"nope\": executable file not found in $PATH",
     "POST", "/v1.41/containers/0123/start", errors.CommandNotFound, docker.errors.APIError),
    (400, "dockerfile parse error line 2: unknown instruction: FORM", "POST", "/v1.41/build",
     errors.DockerfileInvalid, docker.errors.APIError),
    (400, "Minimum memory limit allowed is 6MB", "POST", "/v1.41/containers/create",
     errors.ResourceLimitInvalid, docker.errors.APIError),
    (409, 'Conflict. The container name "/web" is already in use by container "0123"',
     "POST", "/v1.41/containers/create", errors.ContainerRefused, docker.errors.APIError),
    (400, "client version 1.99 is too new. Maximum supported API version is 1.41", "GET",
     "/v1.99/version", errors.ApiVersionRefused, docker.errors.APIError),
    (500, "something broke", "GET", "/v1.41/info", errors.EngineRefused,
     docker.errors.APIError),
]


@pytest.mark.parametrize("status, message, method, path, kit, sdk", SDK_CASES,
                         ids=[case[4].__name__ + "-" + case[3] for case in SDK_CASES])
def test_an_error_status_is_a_kit_error_and_still_the_sdks(api, status, message, method, path,
                                                           kit, sdk):
    with pytest.raises(kit) as raised:
        api._raise_for_status(_response(status, message, method, path))
    error = raised.value
    assert type(error) is kit
    assert isinstance(error, sdk) and isinstance(error, errors.DockerLabError)
    assert error.advice and message.rstrip(".") in error.message
    assert error.status_code == status and error.explanation == message.rstrip(".")
    assert str(error) == f"{error.message}\n{error.advice}", "one paragraph, no HTTP noise"


def test_a_refusal_names_its_object_and_operation(api):
    with pytest.raises(errors.InvalidContainerState) as raised:
        api._raise_for_status(_response(409, "Container web is not paused", "POST",
                                        "/v1.41/containers/web/unpause"))
    assert "refused to unpause the container 'web'" in raised.value.message
    assert "unix:///nonexistent/docker.sock" in raised.value.message
    assert not isinstance(raised.value, errors.NetworkRefused)


def test_removing_a_running_container_advises_force_in_both_wordings(api):
    for words in ("You cannot remove a running container 0123. Stop the container before "
                  "attempting removal or force remove",
                  'cannot remove container "/web": container is running: stop the container '
                  "before removing or force remove"):
        with pytest.raises(errors.InvalidContainerState) as raised:
            api._raise_for_status(_response(409, words, "DELETE", "/v1.41/containers/web"))
        assert "container.remove(force=True)" in raised.value.advice


def test_plain_http_to_a_tls_port_is_a_tls_error(api):
    with pytest.raises(errors.EngineTLSError, match="speaks only TLS"):
        api._raise_for_status(_response(400, "Client sent an HTTP request to an HTTPS server.",
                                        "GET", "/version"))


def test_a_refused_network_call_is_not_called_a_container_error(api):
    with pytest.raises(errors.NetworkRefused) as raised:
        api._raise_for_status(_response(400, "invalid subnet", "POST", "/v1.41/networks/create"))
    assert not isinstance(raised.value, errors.ContainerError)


def test_a_request_that_reaches_no_engine_is_the_kits_and_requests(api):
    with pytest.raises(errors.EngineUnreachable) as raised:
        api.containers()
    assert isinstance(raised.value, requests.exceptions.ConnectionError)
    assert "unix:///nonexistent/docker.sock" in raised.value.message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_client_that_negotiates_with_no_engine_gets_the_kits_error():
    with pytest.raises(errors.EngineUnreachable, match="Nothing answers at unix:///nonexistent"):
        EngineAPIClient(base_url="unix:///nonexistent/docker.sock", version="auto")


def test_in_a_classroom_an_unreachable_engine_says_to_ask_the_instructor(monkeypatch):
    with pytest.raises(errors.EngineUnreachable) as alone:
        EngineAPIClient(base_url="unix:///nonexistent/docker.sock", version="auto")
    monkeypatch.setenv("DOCKERLAB_CLASSROOM", "1")
    with pytest.raises(errors.EngineUnreachable) as in_class:
        EngineAPIClient(base_url="unix:///nonexistent/docker.sock", version="auto")
    assert "instructor" not in alone.value.paragraph()
    assert "ask the instructor to restart it" in in_class.value.paragraph()


# --- connections, registries, archives, the one context manager --------------------------

@pytest.mark.parametrize("error, expected, words", [
    (FileNotFoundError(2, "No such file"), errors.EngineNotFound, "does not exist"),
    (PermissionError(13, "Permission denied"), errors.EnginePermissionDenied, "may not open"),
    (requests.exceptions.ConnectionError("('Connection aborted.', PermissionError(13, "
                                         "'Permission denied'))"),
     errors.EnginePermissionDenied, "may not open"),
    (ConnectionRefusedError(111, "Connection refused"), errors.EngineUnreachable,
     "connection refused"),
    (ssl.SSLError(1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert"),
     errors.EngineTLSError, "refused the TLS handshake"),
    (requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
                                  "failed"), errors.EngineTLSError, "does not trust"),
    (docker.errors.DockerException("400 Client Error: Client sent an HTTP request to an "
                                   "HTTPS server."), errors.EngineTLSError, "speaks only TLS"),
])
def test_connection_failures_at_a_url(error, expected, words):
    translated = errors.translate(error, url="unix:///run/x.sock")
    assert type(translated) is expected and words in translated.message
    assert isinstance(translated, requests.exceptions.ConnectionError)


def test_a_missing_file_elsewhere_is_not_called_a_missing_engine():
    assert not isinstance(errors.translate(FileNotFoundError(2, "x")), errors.EngineError)


class _RegistryAnswer:
    def __init__(self, status, codes=(), reason=""):
        self.status, self.reason = status, reason
        self.errors = [{"code": code, "message": code.lower()} for code in codes]


@pytest.mark.parametrize("answer, method, expected", [
    (_RegistryAnswer(404, ["MANIFEST_UNKNOWN"]), "GET", errors.RegistryNotFound),
    (_RegistryAnswer(401, ["UNAUTHORIZED"]), "GET", errors.RegistryAuthFailed),
    (_RegistryAnswer(400, ["DIGEST_INVALID"]), "PUT", errors.DigestMismatch),
    (_RegistryAnswer(405, ["UNSUPPORTED"]), "DELETE", errors.RegistryError),
])
def test_registry_answers(answer, method, expected):
    error = errors.registry_error(answer, method, "/v2/x/manifests/1", "x:1",
                                  url="http://127.0.0.1:5000")
    assert type(error) is expected and error.advice


def test_an_unreadable_archive_is_one_image_error():
    with pytest.raises(errors.ImageError, match=r"corrupted or truncated: ReadError.*\(in a\)"):
        with errors.archive_errors("a"):
            raise tarfile.ReadError("bad header")
    with pytest.raises(KeyError):  # not a read error: left alone
        with errors.archive_errors():
            raise KeyError("x")


def test_mapped_is_a_context_manager_and_a_decorator():
    with pytest.raises(errors.VolumeRefused):
        with errors.mapped(about="volume"):
            raise _api_error("something about this one", 400)

    @errors.mapped(url="unix:///run/y.sock")
    def call():
        raise requests.exceptions.ConnectionError("Connection refused")

    with pytest.raises(errors.EngineUnreachable, match="unix:///run/y.sock") as raised:
        call()
    assert raised.value.__suppress_context__
    kit = errors.ImageMissing("m", "a")
    with pytest.raises(errors.ImageMissing) as passed:
        with errors.mapped():
            raise kit
    assert passed.value is kit
    with pytest.raises(KeyboardInterrupt):
        with errors.mapped():
            raise KeyboardInterrupt


def test_a_command_that_failed_is_the_sdks_container_error_too():
    sdk = docker.errors.ContainerError("c", 3, "false", "busybox", b"oops\n")
    translated = errors.translate(sdk)
    assert isinstance(translated, errors.ContainerError)
    assert isinstance(translated, docker.errors.ContainerError)
    assert translated.exit_status == 3 and "oops" in translated.message


@pytest.mark.parametrize("method, url, kind, name, verb", [
    ("POST", "http+docker://localhost/v1.41/containers/web/unpause", "container", "web",
     "unpause"),
    ("DELETE", "http+docker://localhost/v1.41/images/dockerlab/busybox:latest", "image",
     "dockerlab/busybox:latest", "remove"),
    ("GET", "http+docker://localhost/v1.41/images/dockerlab/busybox:latest/json", "image",
     "dockerlab/busybox:latest", "inspect"),
    ("POST", "https://127.0.0.1:2376/v1.45/volumes/create", "volume", "", "create"),
    ("GET", "/containers/json", "container", "", "list"),
    ("POST", "/v1.41/exec/0123/start", "container", "0123", "start"),
])
def test_a_request_says_its_object_and_verb(method, url, kind, name, verb):
    request = errors.Request.parse(method, url)
    assert (request.kind, request.name, request.verb) == (kind, name, verb)


def test_a_notebook_shows_a_refusal_as_one_paragraph(api):
    from dockerlab.notebook import show_error

    with pytest.raises(errors.ContainerNotFound) as raised:
        api._raise_for_status(_response(404, "No such container: typo", "GET",
                                        "/v1.41/containers/typo/json"))
    lines = show_error(object(), type(raised.value), raised.value, None)
    assert len(lines) == 2 and "ContainerNotFound" in lines[0] and "typo" in lines[0]
    assert "What to do:" in lines[1] and "containers.list(all=True)" in lines[1]
    assert "Client Error" not in "".join(lines), "no docker-py HTTP noise"
