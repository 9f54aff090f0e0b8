from dockerlab.engine.locate import Candidate, candidates, engine_not_found, permission_denied
from dockerlab.errors import EngineNotFound


def test_docker_host_is_the_only_place_tried_when_set(tmp_path):
    found = candidates({"DOCKER_HOST": "unix:///tmp/x.sock", "HOME": str(tmp_path)})
    assert [c.url for c in found] == ["unix:///tmp/x.sock"]
    assert found[0].explicit


def test_the_usual_sockets_are_tried_in_order(tmp_path):
    found = candidates({"HOME": str(tmp_path), "XDG_RUNTIME_DIR": "/run/user/1000"})
    assert [c.how for c in found] == ["default socket", "rootless Docker socket",
                                      "Docker Desktop socket", "Colima socket"]
    assert found[1].url == "unix:///run/user/1000/docker.sock"
    assert found[2].url == f"unix://{tmp_path}/.docker/run/docker.sock"


def test_the_active_docker_context_comes_before_the_default_socket(tmp_path, monkeypatch):
    import json

    docker_dir = tmp_path / ".docker"
    meta = docker_dir / "contexts" / "meta"
    # the CLI stores a context's metadata under the sha256 of its name
    import hashlib

    folder = meta / hashlib.sha256(b"remote").hexdigest()
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text(json.dumps({
        "Name": "remote", "Metadata": {},
        "Endpoints": {"docker": {"Host": "unix:///tmp/remote.sock", "SkipTLSVerify": False}}}))
    (docker_dir / "config.json").write_text(json.dumps({"currentContext": "remote"}))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_dir))
    found = candidates({"HOME": str(tmp_path)})
    assert found[0].how == "Docker context 'remote'"
    assert found[0].url == "unix:///tmp/remote.sock"


def test_an_explicit_docker_host_that_fails_names_the_variable():
    explicit = Candidate("unix:///nonexistent", "DOCKER_HOST environment variable",
                         explicit=True)
    error = engine_not_found([explicit], ["DOCKER_HOST (unix:///nonexistent): no socket there"])
    assert isinstance(error, EngineNotFound)
    assert "unix:///nonexistent" in error.message and "DOCKER_HOST" in error.advice


def test_a_denied_socket_points_at_the_docker_group():
    error = permission_denied(Candidate("unix:///var/run/docker.sock", "default socket"), [])
    assert "docker` group" in error.advice and "/var/run/docker.sock" in error.message
