"""The kit's own commands against a private engine nobody else uses: `dockerlab clean` over
every session (which must never run on the shared engine during a test), and a Lab over TLS."""

import io
import os
import subprocess
import sys
import tarfile

import pytest

from dockerlab import Lab
from dockerlab.engine.locate import client_for
from dockerlab.engine.private import PrivateEngine, availability
from dockerlab.images.base import BUSYBOX_IMAGE

pytestmark = pytest.mark.skipif(availability() is not None,
                                reason=f"no private engine here: {availability()}")


@pytest.fixture(scope="module")
def private():
    engine = PrivateEngine().start()
    yield engine
    engine.remove()


def _unlabelled_objects(client):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = b"FROM scratch\nCOPY Dockerfile /\n"
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    image, _ = client.images.build(fileobj=buffer, custom_context=True, tag="mine/own:1")
    return {"image": image.id,
            "container": client.containers.create(image.id, ["/x"]).id,
            "network": client.networks.create("mine").id,
            "volume": client.volumes.create("mine").name}


def _clean(private, *args):
    env = dict(os.environ, DOCKER_HOST=private.url)
    return subprocess.run([sys.executable, "-m", "dockerlab", "clean", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def plain(private):
    """A client without the kit's guard on the private engine, closed after the test."""
    client = client_for(private.url)
    yield client
    client.close()


def test_dockerlab_clean_removes_every_session_and_spares_the_rest(private, plain):
    mine = _unlabelled_objects(plain)
    for name in ("one", "two"):
        lab = Lab(f"test-clean-{name}", engine=private.location())
        lab.start("sleep 60")
        lab.client.networks.create(f"net-{name}")
        lab.client.volumes.create(f"vol-{name}")
        lab.client.images.build(fileobj=io.BytesIO(b"FROM dockerlab/busybox\nRUN touch /x\n"),
                                tag=f"built/{name}:1")
        lab.client.close()  # `dockerlab clean` removes what it made, not lab.cleanup()
    done = _clean(private)
    assert done.returncode == 0, done.stderr
    assert "Removed 2 containers, 2 networks, 2 volumes, 2 images." in done.stdout
    assert plain.containers.get(mine["container"]) and plain.images.get(mine["image"])
    assert plain.networks.get(mine["network"]) and plain.volumes.get(mine["volume"])
    assert plain.images.list(name=BUSYBOX_IMAGE), "base images stay without --all"
    done = _clean(private, "--all")
    assert done.returncode == 0 and plain.images.list(name=BUSYBOX_IMAGE) == []
    assert plain.images.get(mine["image"]), "unlabelled images stay even with --all"


def test_a_lab_over_tls_trusts_the_engines_ca_whatever_the_environment(private, monkeypatch,
                                                                       tmp_path):
    bogus = tmp_path / "unrelated-ca.pem"
    bogus.write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bogus))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(bogus))
    with Lab("test-tls", engine=private.location(tls=True)) as lab:
        assert lab.run("echo over tls") == "over tls\n"
