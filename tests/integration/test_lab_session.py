"""The Lab session against the real engine: labels, no implicit pull, exact cleanup."""

import io
import subprocess
import sys
import time

import docker
import pytest

from dockerlab import Lab, labels
from dockerlab.errors import ImageMissing, ImageNameInvalid, PullNotAllowed

SCRATCH_DOCKERFILE = b"FROM scratch\nCOPY marker /marker\n"


def _scratch_context() -> io.BytesIO:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in (("Dockerfile", SCRATCH_DOCKERFILE), ("marker", b"not the kit's\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


@pytest.fixture
def unlabelled(engine_location):
    """A container, image, network and volume made without the kit (a plain SDK client)."""
    plain = docker.DockerClient(base_url=engine_location.url, version="auto")
    image, _ = plain.images.build(fileobj=_scratch_context(), custom_context=True,
                                  tag="not-the-kit/marker:1", rm=True)
    objects = {
        "image": image,
        "container": plain.containers.create(image.id, ["/marker"], name=f"not-kit-{time.time_ns()}"),
        "network": plain.networks.create(f"not-kit-{time.time_ns()}"),
        "volume": plain.volumes.create(f"not-kit-{time.time_ns()}"),
    }
    yield plain, objects
    objects["container"].remove(force=True)
    objects["network"].remove()
    objects["volume"].remove(force=True)
    plain.images.remove(image.id, force=True)
    plain.close()


def _session_objects(lab):
    return (lab.containers(), lab.images(), lab.networks(), lab.volumes())


def _still_exists(plain, objects):
    plain.containers.get(objects["container"].id)
    plain.images.get(objects["image"].id)
    plain.networks.get(objects["network"].id)
    plain.volumes.get(objects["volume"].name)
    return True


def _populate(lab):
    container = lab.start("sleep 60")
    image, _ = lab.client.images.build(fileobj=io.BytesIO(
        b"FROM dockerlab/busybox:latest\nRUN echo built > /built\n"), tag="labtest/built:1")
    committed = container.commit(repository="labtest/committed", tag="1")
    network = lab.client.networks.create(f"{lab.session}-net")
    volume = lab.client.volumes.create(f"{lab.session}-vol")
    return container, image, committed, network, volume


def test_everything_a_session_creates_carries_its_labels(lab):
    container, image, committed, network, volume = _populate(lab)
    expected = labels.session_labels(lab.session, lab.notebook)
    for found in (container.labels, image.labels, lab.client.images.get(committed.id).labels,
                  lab.client.networks.get(network.id).attrs["Labels"],
                  lab.client.volumes.get(volume.name).attrs["Labels"]):
        assert expected.items() <= found.items()


def test_cleanup_removes_the_session_and_spares_unlabelled_objects(lab, unlabelled):
    plain, objects = unlabelled
    _populate(lab)
    assert all(_session_objects(lab))
    report = lab.cleanup()
    assert report.total >= 5 and not report.failed
    assert _session_objects(lab) == ([], [], [], [])
    assert _still_exists(plain, objects)
    assert lab.client.images.get(lab.base_image), "base images are shared, not session-owned"


def test_dockerlab_clean_removes_kit_sessions_and_spares_unlabelled_objects(
        engine_location, unlabelled):
    plain, objects = unlabelled
    lab = Lab("test-clean-cli", engine=engine_location)
    _populate(lab)
    done = subprocess.run([sys.executable, "-m", "dockerlab", "clean", "--session",
                           lab.session], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Removed 1 containers, 1 networks, 1 volumes" in done.stdout
    assert _session_objects(lab) == ([], [], [], [])
    assert _still_exists(plain, objects)


def test_a_missing_image_is_a_clear_error_and_nothing_is_pulled(lab):
    since = int(time.time()) - 1
    with pytest.raises(ImageMissing) as raised:
        lab.client.containers.run("dockerlab/busybx", "true")
    assert "Did you mean 'dockerlab/busybox:latest'" in str(raised.value)
    with pytest.raises(ImageMissing):
        lab.client.images.build(fileobj=io.BytesIO(b"FROM alpine:3\nRUN true\n"))
    with pytest.raises(PullNotAllowed):
        lab.client.images.pull("hello-world")
    pulls = lab.client.events(since=since, until=int(time.time()) + 1, decode=True,
                              filters={"type": "image", "event": "pull"})
    assert list(pulls) == []
    assert lab.containers() == [], "no container was created for a missing image"


def test_a_badly_written_image_name_says_what_is_wrong(lab):
    with pytest.raises(ImageNameInvalid) as raised:
        lab.run("true", image="DockerLab/BusyBox")
    assert "lowercase" in str(raised.value)


def test_published_ports_bind_to_loopback(lab):
    container = lab.start("sleep 60", ports={"80/tcp": None})
    container.reload()
    bindings = container.attrs["NetworkSettings"]["Ports"]["80/tcp"]
    assert {binding["HostIp"] for binding in bindings} == {"127.0.0.1"}


def test_run_returns_output_and_a_failing_command_says_so(lab):
    from dockerlab.errors import ContainerError

    assert lab.run("echo one; echo two") == "one\ntwo\n"
    with pytest.raises(ContainerError) as raised:
        lab.run("echo oops >&2; exit 3")
    assert "exited with status 3" in str(raised.value) and "oops" in str(raised.value)
    assert lab.containers() == [], "run removes its container even when the command fails"


def test_a_session_works_again_after_an_error(lab):
    with pytest.raises(ImageMissing):
        lab.run("true", image="nope/nothing:1")
    assert lab.run("echo still here") == "still here\n"


def test_cleanup_runs_the_sessions_callbacks_first(lab):
    container = lab.start("sleep 60")
    seen = []
    lab.on_cleanup(lambda: seen.append([c.id for c in lab.containers()]))
    lab.cleanup()
    assert seen == [[container.id]], "callbacks run before the objects are removed"
    assert lab.containers() == []


def test_run_keeps_a_last_line_without_newline(lab):
    outputs = {lab.run("printf 'no newline at the end'") for _ in range(5)}
    assert outputs == {"no newline at the end"}


def test_a_container_that_cannot_start_is_removed(lab):
    with pytest.raises(Exception) as raised:
        lab.start(["/no/such/program"])
    assert "no/such/program" in str(raised.value)
    assert lab.containers() == [], "the created-but-failed container does not leak"


def test_cleanup_leaves_none_of_its_build_steps_dangling(engine_location):
    # the containerd image store keeps each step of a build listed; when a rebuild moves the
    # tag, the old steps are dangling kit images that the session's cleanup must remove
    lab = Lab("test-dangling-steps", engine=engine_location)
    try:
        for greeting in ("first", "second"):
            dockerfile = (f"FROM {lab.base_image}\nRUN echo {greeting} > /greeting\n"
                          "RUN echo more >> /greeting\n")
            lab.client.images.build(fileobj=io.BytesIO(dockerfile.encode()),
                                    tag="test-dangling/steps:1")
    finally:
        lab.cleanup()
    mine = [image for image in lab.client.api.images(
                filters={"dangling": True, "label": [f"{labels.KIT}={labels.KIT_VALUE}"]})
            if image["Created"] >= lab.started]
    lab.client.close()
    assert mine == [], "dangling build steps of this session are left"
