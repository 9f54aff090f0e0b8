"""A real local registry: push/pull through the engine, the HTTP API by hand, digests, faults."""

from __future__ import annotations

import io
import secrets

import pytest

from dockerlab.engine.facts import CLIFacts, engine_facts
from dockerlab.errors import (
    DigestMismatch,
    RegistryError,
    RegistryNotFound,
    RegistryStartFailed,
    RegistryUnreachable,
)
from dockerlab.registry.api import MANIFEST_V2, OCI_MANIFEST, RegistryAPI, sha256_digest
from dockerlab.registry.handmade import layer_from_files, push_by_hand
from dockerlab.registry.local import LocalRegistry, free_port, pull, push, running

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def reg(module_lab):
    registry = LocalRegistry.start(module_lab)
    yield registry
    registry.stop()


def build(lab, text: str, tag: str):
    """A small image FROM the kit's busybox with one extra layer holding ``text``."""
    dockerfile = f"FROM {lab.base_image}\nRUN echo '{text}' > /message.txt\n"
    image, _ = lab.client.images.build(fileobj=io.BytesIO(dockerfile.encode()), tag=tag)
    return image


def test_registry_runs_as_a_process_on_loopback(reg):
    assert reg.kind == "process" and reg.running
    assert reg.api().ping()["api_version"] == "registry/2.0"
    assert f"listening on 127.0.0.1:{reg.port}" in reg.logs(tail=None)


def test_push_reports_pushed_and_the_manifest_digest(module_lab, reg):
    report = push(module_lab, module_lab.base_image, reg.reference("kit/busybox", "v1"),
                  progress=False)
    assert report.statuses() == ["Pushed"]
    api = reg.api()
    assert "kit/busybox" in api.catalog() and api.tags("kit/busybox") == ["v1"]
    manifest = api.manifest("kit/busybox", "v1")
    assert manifest.digest == report.digest == sha256_digest(manifest.raw)
    # what the engine pushed: Docker's schema 2 (classic store) or OCI (containerd store)
    assert manifest.media_type in {MANIFEST_V2, OCI_MANIFEST} and not manifest.is_index
    # the image ID is the digest of the manifest or of the config: ask the engine which
    facts = engine_facts(module_lab.client, cli=CLIFacts())
    local = module_lab.client.images.get(module_lab.base_image)
    assert api.image_id("kit/busybox", "v1", facts.image_id_is) == local.id
    named = manifest.digest if facts.image_id_is == "manifest" else manifest.config["digest"]
    assert named == local.id
    assert f"{reg.host}/kit/busybox@{manifest.digest}" in local.attrs["RepoDigests"]
    for descriptor in [manifest.config] + manifest.layers:
        assert sha256_digest(api.blob("kit/busybox", descriptor["digest"])) == \
            descriptor["digest"]


def test_second_image_sharing_the_base_layer_is_deduplicated(module_lab, reg):
    push(module_lab, module_lab.base_image, reg.reference("kit/app", "base"), progress=False)
    build(module_lab, "second", "dedup-second:latest")
    report = push(module_lab, "dedup-second:latest", reg.reference("kit/app", "second"),
                  progress=False)
    assert sorted(report.statuses()) == ["Layer already exists", "Pushed"]
    base = reg.api().manifest("kit/app", "base").layers
    second = reg.api().manifest("kit/app", "second").layers
    assert second[0]["digest"] == base[0]["digest"] and len(second) == 2


def test_pull_by_tag_brings_the_image_back(module_lab, reg):
    image = build(module_lab, "pulled", "pull-me:latest")
    push(module_lab, "pull-me:latest", reg.reference("kit/pullme", "v1"), progress=False)
    module_lab.client.images.remove(reg.reference("kit/pullme", "v1"))
    report = pull(module_lab, reg.reference("kit/pullme", "v1"), progress=False)
    assert report.image.id == image.id
    assert all(status in {"Already exists", "Pull complete"} for status in report.statuses())


def test_tags_move_digests_do_not(module_lab, reg):
    old = build(module_lab, "old", "moving:old")
    new = build(module_lab, "new", "moving:new")
    first = push(module_lab, "moving:old", reg.reference("kit/moving", "latest"), progress=False)
    second = push(module_lab, "moving:new", reg.reference("kit/moving", "latest"),
                  progress=False)
    assert first.digest != second.digest
    assert reg.api().manifest_digest("kit/moving", "latest") == second.digest
    by_digest = pull(module_lab, reg.reference("kit/moving", first.digest), progress=False)
    assert by_digest.image.id == old.id != new.id


def test_an_image_pushed_by_hand_runs(module_lab, reg):
    push(module_lab, module_lab.base_image, reg.reference("kit/busybox", "v1"), progress=False)
    api = reg.api()
    layer = layer_from_files({"hello.txt": "made over HTTP\n"})
    sent = push_by_hand(api, "kit/handmade", "v1", layer, ["cat", "/hello.txt"],
                        base=("kit/busybox", "v1"), labels=module_lab.labels)
    handmade = api.manifest("kit/handmade", "v1")
    assert handmade.digest == sent["manifest"]
    # written in the format the engine pushed the base in
    assert handmade.media_type == sent["media_type"] == \
        api.manifest("kit/busybox", "v1").media_type
    pull(module_lab, reg.reference("kit/handmade", "v1"), progress=False)
    output = module_lab.client.containers.run(reg.reference("kit/handmade", "v1"), remove=True)
    assert output == b"made over HTTP\n"


def test_delete_by_digest_then_the_api_answers_unknown(module_lab, reg):
    build(module_lab, "doomed", "doomed:latest")
    report = push(module_lab, "doomed:latest", reg.reference("kit/doomed", "v1"),
                  progress=False)
    api = reg.api()
    with pytest.raises(RegistryError, match="digest"):
        api.delete_manifest("kit/doomed", "v1")  # a tag is refused
    api.delete_manifest("kit/doomed", report.digest)
    with pytest.raises(RegistryNotFound, match="MANIFEST_UNKNOWN"):
        api.manifest("kit/doomed", report.digest)
    assert api.tags("kit/doomed") == []


def test_unknown_repository_and_tag(module_lab, reg):
    api = reg.api()
    with pytest.raises(RegistryNotFound, match="NAME_UNKNOWN"):
        api.tags("no/such-repo")
    push(module_lab, module_lab.base_image, reg.reference("kit/busybox", "v1"), progress=False)
    with pytest.raises(RegistryNotFound, match="MANIFEST_UNKNOWN"):
        api.manifest("kit/busybox", "no-such-tag")
    missing = reg.reference("kit/busybox", "no-such-tag")
    with pytest.raises(RegistryNotFound) as caught:  # each image store words it its own way
        pull(module_lab, missing, progress=False)
    assert caught.value.message.startswith(f"The pull failed: the registry has no '{missing}'")


def test_a_blob_not_matching_its_digest_is_rejected(reg):
    api = reg.api()
    with pytest.raises(DigestMismatch, match="DIGEST_INVALID"):
        api.upload_blob("kit/bad", b"what I send", digest=sha256_digest(b"what I claim"))
    assert not api.blob_exists("kit/bad", sha256_digest(b"what I claim"))


def test_wrong_port_and_stopped_registry_are_unreachable(module_lab, lab):
    port = free_port()
    with pytest.raises(RegistryUnreachable, match=str(port)):
        RegistryAPI(f"127.0.0.1:{port}").catalog()
    with pytest.raises(RegistryUnreachable, match="connection refused"):
        pull(module_lab, f"127.0.0.1:{port}/kit/busybox:v1", progress=False)
    stopped = LocalRegistry.start(lab)
    stopped.stop()
    with pytest.raises(RegistryUnreachable):
        stopped.api().ping()


def test_pushing_a_missing_image_or_off_machine_is_refused(module_lab, reg):
    from dockerlab.errors import ImageMissing

    with pytest.raises(ImageMissing):
        push(module_lab, "no-such-image:v1", reg.reference("kit/x", "v1"), progress=False)
    with pytest.raises(RegistryError, match="off this machine"):
        push(module_lab, module_lab.base_image, "registry.example.com/kit/x:v1",
             progress=False)


def test_browser_shows_repositories_tags_and_layers(module_lab, reg):
    from dockerlab.widgets.registry_browser import RegistryBrowser

    build(module_lab, "browse", "browse:latest")
    push(module_lab, "browse:latest", reg.reference("kit/browse", "v1"), progress=False)
    browser = RegistryBrowser(reg.api())
    assert "kit/browse" in browser.repositories.options
    browser.repositories.value = "kit/browse"
    browser.tags.value = "v1"
    assert len(browser.summary.layers) == 2
    assert browser.summary.layers[1][0] in browser.details.value
    browser.repositories.value = None
    browser.refresh_button.click()
    assert "kit/browse" in browser.repositories.options


def test_browser_shows_an_error_instead_of_raising(lab):
    from dockerlab.widgets.registry_browser import RegistryBrowser

    browser = RegistryBrowser(RegistryAPI(f"127.0.0.1:{free_port()}"))
    assert browser.repositories.options == ()
    assert "Nothing answered" in browser.details.value


def test_container_mode_is_refused_without_the_image_or_opt_in(lab):
    with pytest.raises(RegistryStartFailed, match="does not pull"):
        LocalRegistry.start(lab, mode="container", image="dockerlab-absent/registry:2")


def test_a_port_in_use_gives_the_log_lines(lab):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(RegistryStartFailed, match="address already in use"):
            LocalRegistry.start(lab, port=port)
    assert not [r for r in running() if r.port == port]


def test_stop_untags_images_named_after_the_registry(lab):
    registry = LocalRegistry.start(lab)
    push(lab, lab.base_image, registry.reference("kit/busybox", "gone"), progress=False)
    assert lab.client.images.get(registry.reference("kit/busybox", "gone"))
    registry.stop()
    names = [tag for image in lab.client.images.list() for tag in image.tags]
    assert not [name for name in names if name.startswith(registry.host)]
    assert lab.base_image in names


def test_password_never_shows(lab):
    password = secrets.token_urlsafe(16)
    with LocalRegistry.start(lab, users={"learner": password}) as private:
        private.login("learner", password)
        push(lab, lab.base_image, private.reference("kit/secret", "v1"), progress=False)
        shown = repr(private) + private.logs(tail=None) + repr(private.api("learner", password))
        assert password not in shown
        assert password not in (private.workdir / "auth" / "htpasswd").read_text()


def _registry_image(lab) -> str:
    """A local stand-in for ``registry:2``: Debian's registry binary and its libc, FROM scratch.

    Built in the test session (labelled, removed by cleanup); nothing is pulled.
    """
    import tarfile
    from pathlib import Path

    from dockerlab.registry.local import find_binary

    files = {"bin/registry": find_binary(),
             "lib/x86_64-linux-gnu/libc.so.6": "/lib/x86_64-linux-gnu/libc.so.6",
             "lib64/ld-linux-x86-64.so.2": "/lib64/ld-linux-x86-64.so.2"}
    if not all(source and Path(source).exists() for source in files.values()):
        pytest.skip("no dynamically linked x86-64 docker-registry binary to package")
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        dockerfile = ("FROM scratch\nCOPY rootfs/ /\n"
                      'CMD ["/bin/registry", "serve", "/etc/docker/registry/config.yml"]\n')
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile.encode()))
        for inside, source in files.items():
            tar.add(str(Path(source).resolve()), arcname=f"rootfs/{inside}")
    context.seek(0)
    tag = f"dockerlab-test/registry:{lab.session}"
    lab.client.images.build(fileobj=context, custom_context=True, tag=tag)
    return tag


def test_container_mode_runs_the_registry_image_on_loopback(lab):
    image = _registry_image(lab)
    # "auto" prefers the image when it is present, the host binary otherwise
    assert LocalRegistry._choose(lab, "auto", image, None) == "container"
    assert LocalRegistry._choose(lab, "auto", "dockerlab-absent/registry:2", None) == "process"
    with LocalRegistry.start(lab, mode="container", image=image) as registry:
        assert registry.kind == "container" and registry.running
        ports = registry.container.attrs["HostConfig"]["PortBindings"]["5000/tcp"]
        assert ports == [{"HostIp": "127.0.0.1", "HostPort": str(registry.port)}]
        report = push(lab, lab.base_image, registry.reference("kit/busybox", "v1"),
                      progress=False)
        assert registry.api().manifest("kit/busybox", "v1").digest == report.digest
        assert any(path.startswith("docker/registry/v2/blobs/sha256/")
                   for path in registry.files())
        assert "listening on [::]:5000" in registry.logs(tail=None)
        container, workdir = registry.container, registry.workdir
    assert not registry.running and not workdir.exists()
    assert container.id not in [c.id for c in lab.containers()]
