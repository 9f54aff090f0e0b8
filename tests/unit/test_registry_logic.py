"""Pure logic of the registry modules: configs, digests, challenges, streams, by-hand images."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

import bcrypt
import pytest

from dockerlab.errors import (
    DigestMismatch,
    RegistryAuthFailed,
    RegistryError,
    RegistryNotFound,
    RegistryStartFailed,
    RegistryUnreachable,
    TransferFailed,
)
from dockerlab.registry import api as registry_api
from dockerlab.registry import handmade as registry_handmade
from dockerlab.registry import local as registry
from dockerlab.registry import manifests as registry_manifests
from dockerlab.registry import process as registry_host
from dockerlab.registry.api import (
    Challenge,
    Manifest,
    RegistryAPI,
    Response,
    parse_challenge,
    sha256_digest,
    verify_digest,
)
from dockerlab.registry.transfer import LayerState, TransferProgress, classify


# --- config and htpasswd -----------------------------------------------------------------
def test_config_listens_where_asked_with_deletes_enabled():
    text = registry.registry_config("/tmp/x/data", "127.0.0.1:5123")
    assert "rootdirectory: /tmp/x/data" in text
    assert "addr: 127.0.0.1:5123" in text
    assert "delete:\n    enabled: true" in text
    assert "auth:" not in text


def test_config_with_htpasswd_names_the_file_and_realm():
    text = registry.registry_config("/d", ":5000", htpasswd="/auth/htpasswd", realm="r1")
    assert "auth:\n  htpasswd:\n    realm: r1\n    path: /auth/htpasswd" in text


def test_config_secret_differs_each_time():
    assert registry.registry_config("/d", ":1") != registry.registry_config("/d", ":1")


def test_htpasswd_line_is_bcrypt_and_verifies():
    line = registry.htpasswd_line("learner", "s3cret-pw")
    user, hashed = line.split(":", 1)
    assert user == "learner"
    assert hashed.startswith("$2")
    assert "s3cret-pw" not in line
    assert bcrypt.checkpw(b"s3cret-pw", hashed.encode())
    assert not bcrypt.checkpw(b"wrong", hashed.encode())


@pytest.mark.parametrize("name", ["", "a:b"])
def test_htpasswd_rejects_bad_user_names(name):
    with pytest.raises(RegistryStartFailed):
        registry.htpasswd_line(name, "pw")


def test_free_port_is_bindable():
    import socket

    port = registry.free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_find_binary_prefers_the_environment(tmp_path, monkeypatch):
    fake = tmp_path / "registry"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv(registry.BINARY_ENV, str(fake))
    assert registry.find_binary() == str(fake)


def test_reference_uses_at_for_digests():
    reg = registry.LocalRegistry(None, None, 5123, "process", ())
    assert reg.reference("kit/bb", "v1") == "127.0.0.1:5123/kit/bb:v1"
    digest = "sha256:" + "a" * 64
    assert reg.reference("kit/bb", digest) == f"127.0.0.1:5123/kit/bb@{digest}"


def test_repository_of_splits_a_full_name():
    assert registry.repository_of("127.0.0.1:5000/kit/bb:v2") == ("127.0.0.1:5000", "kit/bb",
                                                                   "v2")


# --- stale temp dirs ----------------------------------------------------------------------
def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_sweep_removes_dirs_of_dead_owners_only(tmp_path):
    dead = tmp_path / f"{registry.WORKDIR_PREFIX}dead"
    alive = tmp_path / f"{registry.WORKDIR_PREFIX}alive"
    other = tmp_path / "unrelated"
    for folder in (dead, alive, other):
        (folder / "data").mkdir(parents=True)
    (dead / "owner.pid").write_text(str(_dead_pid()))
    (alive / "owner.pid").write_text(str(os.getpid()))
    removed = registry.sweep_stale(str(tmp_path))
    assert removed == [str(dead)]
    assert not dead.exists() and alive.exists() and other.exists()


def test_sweep_stops_the_orphaned_registry_process(tmp_path):
    workdir = tmp_path / f"{registry.WORKDIR_PREFIX}orphan"
    workdir.mkdir()
    # a stand-in whose command line names the dir, as a registry's `serve <dir>/config.yml`
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                               str(workdir / "config.yml")])
    (workdir / "owner.pid").write_text(str(_dead_pid()))
    (workdir / "registry.pid").write_text(str(orphan.pid))
    registry.sweep_stale(str(tmp_path))
    assert orphan.wait(timeout=5) == -15
    assert not workdir.exists()


# --- digests and challenges ----------------------------------------------------------------
def test_sha256_digest_is_the_hex_of_the_bytes():
    assert sha256_digest(b"hello") == "sha256:" + hashlib.sha256(b"hello").hexdigest()


def test_verify_digest_raises_on_other_content():
    digest = sha256_digest(b"hello")
    assert verify_digest(b"hello", digest) == digest
    with pytest.raises(DigestMismatch, match="does not match its digest"):
        verify_digest(b"hellO", digest)


def test_parse_basic_challenge():
    challenge = parse_challenge('Basic realm="dockerlab-registry"')
    assert challenge == Challenge("Basic", {"realm": "dockerlab-registry"})
    assert str(challenge) == 'Basic realm="dockerlab-registry"'


def test_parse_bearer_challenge_keeps_every_parameter():
    challenge = parse_challenge('Bearer realm="https://auth.example/token",'
                                'service="registry.example",scope="repository:a/b:pull,push"')
    assert challenge.scheme == "Bearer"
    assert challenge.realm == "https://auth.example/token"
    assert challenge.params["scope"] == "repository:a/b:pull,push"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_parse_no_challenge(header):
    assert parse_challenge(header) is None


# --- error mapping (fake HTTP answers) -----------------------------------------------------
def _answer(status, errors=(), headers=None):
    body = json.dumps({"errors": list(errors)}).encode() if errors else b""
    return Response(status, "reason", headers or {}, body)


class FakeAPI(RegistryAPI):
    """A RegistryAPI whose wire is a list of canned answers (unit tests only)."""

    def __init__(self, answers, **kwargs):
        super().__init__("127.0.0.1:5999", **kwargs)
        self.answers = list(answers)
        self.sent = []

    def _send(self, method, target, headers, body):
        self.sent.append((method, target, dict(headers)))
        return self.answers.pop(0)


@pytest.mark.parametrize("code, kind", [
    ("NAME_UNKNOWN", RegistryNotFound), ("MANIFEST_UNKNOWN", RegistryNotFound),
    ("BLOB_UNKNOWN", RegistryNotFound), ("DIGEST_INVALID", DigestMismatch),
    ("MANIFEST_INVALID", RegistryError)])
def test_registry_error_codes_become_kit_errors(code, kind):
    api = FakeAPI([_answer(404 if "UNKNOWN" in code else 400,
                           [{"code": code, "message": "m"}])])
    with pytest.raises(kind) as caught:
        api.tags("kit/bb")
    assert code in caught.value.message


def test_delete_by_tag_says_deletes_take_digests():
    api = FakeAPI([_answer(400, [{"code": "DIGEST_INVALID", "message": "bad"}])])
    with pytest.raises(RegistryError, match="digest") as caught:
        api.delete_manifest("kit/bb", "v1")
    assert not isinstance(caught.value, DigestMismatch)


def test_401_without_credentials_names_the_challenge():
    api = FakeAPI([_answer(401, [{"code": "UNAUTHORIZED", "message": "authentication "
                                  "required"}], {"www-authenticate": 'Basic realm="r"'})])
    with pytest.raises(RegistryAuthFailed, match='Basic realm="r"'):
        api.catalog()


def test_401_is_answered_once_with_basic_credentials():
    challenge = {"www-authenticate": 'Basic realm="r"'}
    api = FakeAPI([_answer(401, headers=challenge),
                   Response(200, "OK", {}, b'{"repositories": ["a"]}')],
                  username="u", password="p")
    assert api.catalog() == ["a"]
    assert "Authorization" not in api.sent[0][2]
    assert api.sent[1][2]["Authorization"] == "Basic dTpw"  # base64("u:p")


def test_wrong_credentials_say_so_without_the_password():
    challenge = {"www-authenticate": 'Basic realm="r"'}
    api = FakeAPI([_answer(401, headers=challenge), _answer(401, headers=challenge)],
                  username="u", password="hunter2")
    with pytest.raises(RegistryAuthFailed, match="rejected the credentials of user 'u'") as e:
        api.catalog()
    assert "hunter2" not in str(e.value)
    assert "hunter2" not in repr(api)


def test_bearer_challenge_is_refused_clearly():
    api = FakeAPI([_answer(401, headers={"www-authenticate": 'Bearer realm="x"'})],
                  username="u", password="p")
    with pytest.raises(RegistryAuthFailed, match="Bearer"):
        api.catalog()


def test_ping_refuses_a_server_that_is_not_a_registry():
    api = FakeAPI([Response(404, "Not Found", {}, b"<html>")])
    with pytest.raises(RegistryUnreachable, match="not a registry"):
        api.ping()


def test_nothing_listening_is_unreachable():
    port = registry.free_port()
    with pytest.raises(RegistryUnreachable, match=f"127.0.0.1:{port}"):
        RegistryAPI(f"127.0.0.1:{port}", timeout=2).ping()


def test_manifest_verifies_the_header_digest():
    body = b'{"schemaVersion": 2}'
    good = FakeAPI([Response(200, "OK", {"docker-content-digest": sha256_digest(body),
                                         "content-type": registry_api.MANIFEST_V2}, body)])
    assert good.manifest("a", "v1").digest == sha256_digest(body)
    assert good.sent[0][2]["Accept"] == registry_api.MANIFEST_ACCEPT
    bad = FakeAPI([Response(200, "OK", {"docker-content-digest": sha256_digest(b"x")}, body)])
    with pytest.raises(DigestMismatch):
        bad.manifest("a", "v1")


def test_manifest_properties():
    raw = json.dumps({"config": {"size": 10, "digest": "sha256:c"},
                      "layers": [{"size": 5, "digest": "sha256:l1"},
                                 {"size": 7, "digest": "sha256:l2"}]}).encode()
    manifest = Manifest("a", "v1", sha256_digest(raw), registry_api.MANIFEST_V2, raw)
    assert manifest.size == 22
    assert [layer["digest"] for layer in manifest.layers] == ["sha256:l1", "sha256:l2"]


def _manifest(data, media_type, reference="v1"):
    raw = json.dumps(data).encode()
    return Manifest("a", reference, sha256_digest(raw), media_type, raw)


INDEX = {"mediaType": registry_api.OCI_INDEX, "manifests": [
    {"digest": "sha256:arm", "platform": {"os": "linux", "architecture": "arm64",
                                          "variant": "v8"}},
    {"digest": "sha256:amd", "platform": {"os": "linux", "architecture": "amd64"}},
    {"digest": "sha256:att", "platform": {"os": "unknown", "architecture": "unknown"}}]}


def test_an_index_names_manifests_per_platform():
    index = _manifest(INDEX, registry_api.OCI_INDEX)
    assert index.is_index and index.format.startswith("OCI image index")
    assert registry_manifests.platforms(index) == ["linux/arm64/v8", "linux/amd64",
                                                   "unknown/unknown"]
    assert registry_manifests.platform_entry(index, "linux/amd64")["digest"] == "sha256:amd"
    assert registry_manifests.platform_entry(index, "linux/arm64")["digest"] == "sha256:arm"
    assert registry_manifests.platform_entry(index, "linux/s390x") is None
    plain = _manifest({"config": {}, "layers": []}, registry_api.OCI_MANIFEST)
    assert not plain.is_index and plain.format == "OCI image manifest"


def _served(body: bytes, media_type: str) -> Response:
    return Response(200, "OK", {"docker-content-digest": sha256_digest(body),
                                "content-type": media_type}, body)


def test_image_manifest_follows_an_index_to_the_platform_and_image_ids_per_store():
    image = json.dumps({"config": {"digest": "sha256:cfg", "size": 1}, "layers": []}).encode()
    index = dict(INDEX, manifests=[dict(INDEX["manifests"][1], digest=sha256_digest(image))])
    index_raw = json.dumps(index).encode()
    api = FakeAPI([_served(index_raw, registry_api.OCI_INDEX),
                   _served(image, registry_api.OCI_MANIFEST)] * 2)
    found = api.image_manifest("a", "v1", platform="linux/amd64")
    assert found.config["digest"] == "sha256:cfg" and found.reference == sha256_digest(image)
    assert api.sent[1][1] == f"/v2/a/manifests/{sha256_digest(image)}"
    assert api.image_id("a", "v1", "config") == "sha256:cfg"
    api.answers = [_served(index_raw, registry_api.OCI_INDEX)]
    assert api.image_id("a", "v1", "manifest") == sha256_digest(index_raw)
    api.answers = [_served(index_raw, registry_api.OCI_INDEX)]
    with pytest.raises(RegistryNotFound, match="no manifest for linux/s390x.*linux/amd64"):
        api.image_manifest("a", "v1", platform="linux/s390x")


def test_an_oci_manifest_refused_for_the_accept_header_is_not_a_missing_one():
    api = FakeAPI([_answer(404, [{"code": "MANIFEST_UNKNOWN", "message": "OCI manifest "
                                  "found, but accept header does not support OCI manifests"}])])
    with pytest.raises(RegistryError, match="only in a format") as caught:
        api.manifest("a", "v1", accept=registry_api.MANIFEST_V2)
    assert not isinstance(caught.value, RegistryNotFound)


def test_blob_kinds_in_both_formats():
    kinds = [registry_manifests.blob_kind(media) for media in (
        registry_api.CONFIG_V1, registry_manifests.OCI_CONFIG, registry_api.LAYER_TAR_GZIP,
        registry_manifests.OCI_LAYER_TAR_GZIP, "application/vnd.oci.image.layer.v1.tar")]
    assert kinds == ["config", "config", "layer (tar+gzip)", "layer (tar+gzip)",
                     "layer (tar)"]


def test_write_manifest_gives_every_blob_the_formats_media_types():
    layer = registry_handmade.layer_from_files({"a": "b"})
    oci_base = {"mediaType": registry_manifests.OCI_LAYER_TAR_GZIP, "size": 1,
                "digest": "sha256:base"}
    config = registry_handmade.image_config(["sha256:x", layer.diff_id], ["true"])
    for media_type, (config_type, layer_type) in registry_manifests.BLOB_TYPES.items():
        written = json.loads(registry_handmade.write_manifest(
            config, [oci_base, layer.descriptor], media_type))
        assert written["mediaType"] == media_type
        assert written["config"]["mediaType"] == config_type
        assert {d["mediaType"] for d in written["layers"]} == {layer_type}
        assert [d["digest"] for d in written["layers"]] == ["sha256:base", layer.digest]
    with pytest.raises(ValueError):
        registry_handmade.write_manifest(config, [], registry_api.OCI_INDEX)


def test_upload_appends_the_digest_to_the_upload_location():
    data = b"blob"
    api = FakeAPI([Response(202, "Accepted", {"location": "http://127.0.0.1:5999/v2/a/blobs/"
                                              "uploads/u1?_state=xyz"}, b""),
                   Response(201, "Created", {"docker-content-digest": sha256_digest(data)},
                            b"")])
    assert api.upload_blob("a", data) == sha256_digest(data)
    method, target, headers = api.sent[1]
    assert method == "PUT"
    assert target == ("/v2/a/blobs/uploads/u1?_state=xyz&digest=sha256%3A"
                      + hashlib.sha256(data).hexdigest())
    assert headers["Content-Length"] == "4"


# --- an image by hand ------------------------------------------------------------------------
def test_layer_from_files_is_reproducible_and_names_both_digests():
    first = registry_handmade.layer_from_files({"hello.txt": "hi\n"})
    again = registry_handmade.layer_from_files({"hello.txt": "hi\n"})
    assert first == again
    plain = gzip.decompress(first.blob)
    assert first.diff_id == sha256_digest(plain)
    assert first.digest == sha256_digest(first.blob)
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        assert tar.extractfile("hello.txt").read() == b"hi\n"


def test_config_and_manifest_point_at_each_other():
    layer = registry_handmade.layer_from_files({"a": "b"})
    config = registry_handmade.image_config([layer.diff_id], ["cat", "/a"], labels={"k": "v"})
    manifest = json.loads(registry_handmade.schema2_manifest(config, [layer.descriptor]))
    assert manifest["mediaType"] == registry_api.MANIFEST_V2
    assert manifest["config"]["digest"] == sha256_digest(config)
    assert manifest["layers"][0] == {"mediaType": registry_api.LAYER_TAR_GZIP,
                                     "size": len(layer.blob), "digest": layer.digest}
    parsed = json.loads(config)
    assert parsed["rootfs"]["diff_ids"] == [layer.diff_id]
    assert parsed["config"]["Cmd"] == ["cat", "/a"]
    assert parsed["config"]["Labels"] == {"k": "v"}


# --- push/pull streams ---------------------------------------------------------------------------
PUSH = [
    {"status": "The push refers to repository [127.0.0.1:5999/kit/bb]"},
    {"status": "Preparing", "progressDetail": {}, "id": "aaa"},
    {"status": "Preparing", "progressDetail": {}, "id": "bbb"},
    {"status": "Pushing", "progressDetail": {"current": 512, "total": 2048}, "id": "bbb"},
    {"status": "Layer already exists", "progressDetail": {}, "id": "aaa"},
    {"status": "Pushed", "progressDetail": {}, "id": "bbb"},
    {"status": "v2: digest: sha256:" + "d" * 64 + " size: 739"},
    {"progressDetail": {}, "aux": {"Tag": "v2", "Digest": "sha256:" + "e" * 64, "Size": 739}},
]


class RecordingView:
    def __init__(self):
        self.updates, self.finished = [], None

    def update(self, layer):
        self.updates.append((layer.id, layer.status, layer.current, layer.total))

    def finish(self, report):
        self.finished = report


def test_progress_keeps_one_state_per_layer_and_the_digest():
    view = RecordingView()
    report = TransferProgress("push", "127.0.0.1:5999/kit/bb:v2", view).follow(PUSH)
    assert report.statuses() == ["Layer already exists", "Pushed"]
    assert report.digest == "sha256:" + "e" * 64  # aux wins over the status line
    assert ("bbb", "Pushing", 512, 2048) in view.updates
    assert view.updates[-1] == ("bbb", "Pushed", 2048, 2048)
    assert view.finished is report
    assert "aaa: Layer already exists" in str(report)


def test_digest_from_the_status_line_when_no_aux():
    report = TransferProgress("push", "r").follow(PUSH[:-1])
    assert report.digest == "sha256:" + "d" * 64


@pytest.mark.parametrize("message, kind", [
    ('Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
     RegistryUnreachable),
    ("no basic auth credentials", RegistryAuthFailed),
    ("manifest for 127.0.0.1:5999/a:v9 not found: manifest unknown", RegistryNotFound),
    ("filesystem layer verification failed for digest sha256:abc", DigestMismatch),
    ("something else entirely", TransferFailed),
])
def test_every_error_item_raises_the_matching_error(message, kind):
    progress = TransferProgress("push", "r")
    progress.feed(PUSH[1])
    with pytest.raises(kind, match="The push failed"):
        progress.feed({"errorDetail": {"message": message}, "error": message})


def test_an_error_after_progress_stops_the_stream():
    stream = PUSH[:4] + [{"error": "unknown: boom"}] + PUSH[4:]
    with pytest.raises(TransferFailed, match="boom"):
        TransferProgress("push", "r").follow(iter(stream))


@pytest.mark.parametrize("message", [
    "manifest for 127.0.0.1:5999/kit/bb:v9 not found: manifest unknown: manifest unknown",
    'failed to resolve reference "127.0.0.1:5999/kit/bb:v9": 127.0.0.1:5999/kit/bb:v9: '
    "not found"])
def test_an_unknown_tag_is_named_in_the_kits_words_on_either_image_store(message):
    error = classify(message, "pull", "127.0.0.1:5999/kit/bb:v9")
    assert isinstance(error, RegistryNotFound)
    assert error.message.startswith("The pull failed: the registry has no "
                                    "'127.0.0.1:5999/kit/bb:v9'.")


def test_classify_keeps_the_engine_words():
    error = classify("login attempt to http://x/v2/ failed with status: 401 Unauthorized",
                     "login to x")
    assert isinstance(error, RegistryAuthFailed)
    assert "401 Unauthorized" in error.message and error.advice


def test_layer_state_done_statuses():
    assert LayerState("a", "Mounted from kit/bb").done
    assert LayerState("a", "Pull complete").done
    assert not LayerState("a", "Pushing").done


def test_layer_bars_one_bar_per_layer():
    from dockerlab.registry.transfer import LayerBars

    bars = LayerBars("push", show=False)
    progress = TransferProgress("push", "127.0.0.1:5999/kit/bb:v2", bars)
    progress.follow(PUSH)
    assert len(bars.rows) == 2
    bar, label = bars.rows["bbb"]
    assert (bar.value, bar.max, label.value, bar.bar_style) == (2048, 2048, "Pushed", "success")
    assert "done" in bars.title.value


def test_parent_death_signal_wraps_the_command_or_sets_a_hook(monkeypatch):
    command, hook = registry.with_parent_death_signal(["registry", "serve", "c.yml"])
    if command[0] != "registry":
        assert command[1:] == ["--pdeathsig", "TERM", "--", "registry", "serve", "c.yml"]
        assert hook is None
    monkeypatch.setattr(registry_host.shutil, "which", lambda name: None)
    command, hook = registry.with_parent_death_signal(["registry", "serve", "c.yml"])
    assert command == ["registry", "serve", "c.yml"] and hook is registry._die_with_parent
