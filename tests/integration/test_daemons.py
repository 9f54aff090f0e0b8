"""One client, two daemons: a private engine beside the main one, over a socket and TLS.

Needs root and dockerd (the private engine is a second dockerd); skipped with the reason
otherwise. The main engine at /var/run/docker.sock is only read, never changed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import docker
import docker.errors
import pytest
from docker.tls import TLSConfig

from dockerlab import Lab
from dockerlab.engine.certs import make_certificates
from dockerlab.engine.inventory import describe
from dockerlab.engine.locate import connect
from dockerlab.engine.private import PrivateEngine, availability, leftover_engines
from dockerlab.engine.wire import cli_path, raw_request, three_ways
from dockerlab.errors import ApiVersionRefused, EngineNotFound, EngineTLSError, EngineUnreachable
from dockerlab.notebook import show_error

REASON = availability()
pytestmark = [pytest.mark.root,
              pytest.mark.skipif(REASON is not None, reason=f"no private engine: {REASON}")]


def interfaces() -> set[str]:
    """This network namespace's interfaces, less the veth pairs other sessions come and go
    with; asked with `ip` (a /sys mounted from another namespace would list that one's)."""
    listing = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True,
                             check=True).stdout
    names = {line.split(":")[1].strip().split("@")[0] for line in listing.splitlines()}
    return {name for name in names if not name.startswith("veth")}


@pytest.fixture(scope="module")
def private():
    before = interfaces()
    engine = PrivateEngine().start()
    engine.interfaces_before = before
    yield engine
    engine.remove()


@pytest.fixture(scope="module")
def private_lab(private):
    session = Lab("test-daemons-private", engine=private.location())  # builds busybox there
    yield session
    session.cleanup()


@pytest.fixture
def opened():
    """``opened(url, tls)``: :func:`connect` for one test; its clients are closed after it."""
    clients = []

    def open_client(*args, **kwargs):
        clients.append(connect(*args, **kwargs))
        return clients[-1]

    yield open_client
    for client in clients:
        client.close()


def test_the_private_engine_keeps_its_state_apart(private, engine_location, opened):
    facts = describe(opened(private.url))
    main = describe(opened(engine_location.url, engine_location.tls))
    assert facts.root_dir == str(private.data_root) != main.root_dir
    assert int(private.pidfile.read_text()) == private.pid
    assert private.socket.is_socket()
    containerd = private.containerd()
    assert containerd is not None and str(private.exec_root) in containerd


def test_it_uses_its_own_bridge_and_leaves_docker0_alone(private, opened):
    networks = {n["Name"]: n for n in opened(private.url).api.networks()}
    assert set(networks) == {"bridge", "host", "none"}
    assert networks["bridge"]["Options"]["com.docker.network.bridge.name"] == private.bridge
    assert interfaces() - private.interfaces_before == {private.bridge}
    assert "docker0" in interfaces() or "docker0" not in private.interfaces_before


def test_a_fresh_engine_holds_only_what_the_kit_put_there(private, private_lab, opened):
    facts = describe(opened(private.url))
    assert facts.counts == {"images": 1, "containers": 0, "running": 0, "networks": 3,
                            "volumes": 0, "plugins": 0}  # busybox; bridge, host, none
    assert facts.disk["images"]["count"] == 1 and facts.disk["images"]["size"] > 0


def test_each_engine_has_its_own_image_store(private, private_lab, engine_location, opened):
    private_client = opened(private.url)
    main_client = opened(engine_location.url, engine_location.tls)
    image = private_client.images.get(private_lab.base_image)
    image.tag("dockerlab/private-only", "1")
    try:
        assert private_client.images.get("dockerlab/private-only:1").id == image.id
        with pytest.raises(docker.errors.ImageNotFound):
            main_client.images.get("dockerlab/private-only:1")
        assert private_lab.run("echo from the private engine") == "from the private engine\n"
    finally:
        private_client.images.remove("dockerlab/private-only:1")


def test_tls_with_the_kits_certificates(private, opened):
    client = opened(private.tcp_url, private.certs.tls_config())
    assert client.version()["Version"] == opened(private.url).version()["Version"]
    response = raw_request("GET", "/_ping", url=private.tcp_url,
                           ssl_context=private.certs.ssl_context())
    assert (response.status, response.text) == (200, "OK")


def test_the_cli_sdk_and_raw_http_agree_over_tls(private, opened):
    result = three_ways(opened(private.tcp_url, private.certs.tls_config()), "server version")
    assert result.agree, str(result)
    assert ("cli" in result.answers) == (cli_path() is not None)


def test_a_client_without_a_certificate_is_refused(private):
    with pytest.raises(EngineTLSError, match="refused the TLS handshake"):
        connect(private.tcp_url, private.certs.tls_config(client_certificate=False))
    with pytest.raises(EngineTLSError):
        raw_request("GET", "/_ping", url=private.tcp_url,
                    ssl_context=private.certs.ssl_context(client_certificate=False))


def test_a_certificate_from_another_authority_is_refused(private, tmp_path):
    other = make_certificates(tmp_path)
    foreign = TLSConfig(client_cert=(str(other.client_cert), str(other.client_key)),
                        ca_cert=str(private.certs.ca), verify=True)
    with pytest.raises(EngineTLSError, match="refused the TLS handshake"):
        connect(private.tcp_url, foreign)
    with pytest.raises(EngineTLSError, match="does not trust"):
        connect(private.tcp_url, private.certs.tls_config(trust=other.ca))


def test_plain_http_is_refused(private):
    with pytest.raises(EngineTLSError, match="speaks only TLS"):
        connect(private.tcp_url)


def test_an_api_version_the_engine_refuses(private):
    with pytest.raises(ApiVersionRefused, match="1.99"):
        connect(private.url, version="1.99")


def test_a_wrong_socket_path(private):
    with pytest.raises(EngineNotFound, match="does not exist"):
        connect(f"unix://{private.exec_root}/nope.sock")


def test_the_engine_goes_away_and_comes_back(private, private_lab):
    assert private_lab.run("echo before") == "before\n"
    private.stop()
    try:
        with pytest.raises(Exception) as raised:
            private_lab.client.containers.list()
        assert isinstance(private_lab.explain(raised.value), EngineUnreachable)
        # what a notebook cell shows instead of the transport traceback: one paragraph
        lines = show_error(object(), type(raised.value), raised.value, None)
        assert "EngineUnreachable" in lines[0] and len(lines) == 2
        with pytest.raises(EngineUnreachable):
            private_lab.run("echo while down")
    finally:
        private.start()
    assert private_lab.run("echo after") == "after\n"  # the same session, no reconnect call


def test_remove_leaves_no_state_behind(tmp_path):
    engine = PrivateEngine(base=tmp_path / "engine").start()
    lab = Lab("test-daemons-remove", engine=engine.location())
    lab.start("sleep 60")  # a running container: mounts under the data root
    pid = engine.pid
    engine.remove()
    lab.client.close()  # its engine is gone, and its objects with it
    assert not engine.data_root.exists() and not engine.exec_root.exists()
    assert engine.bridge not in interfaces()
    assert not Path(f"/proc/{pid}").exists() or b"dockerd" not in \
        Path(f"/proc/{pid}/cmdline").read_bytes()
    mounts = Path("/proc/self/mounts").read_text()
    assert str(engine.base) not in mounts and str(engine.exec_root) not in mounts


def test_an_engine_left_by_a_dead_kernel_is_found_and_removed():
    engine = PrivateEngine().start()
    try:
        found = [e for e in leftover_engines() if e.name == engine.name]
        assert len(found) == 1 and found[0].pid == engine.pid  # read from its pid file
        found[0].remove()
        assert not engine.running and not engine.exec_root.exists()
        assert not engine.base.exists() and engine.bridge not in interfaces()
    finally:
        engine.remove()
