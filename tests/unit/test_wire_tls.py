"""Throwaway certificates and the messages for failed connections (no engine needed)."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import stat

import docker
import docker.errors
import pytest
import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from dockerlab.engine.certs import describe, make_certificates
from dockerlab.engine.locate import EngineLocation, connect
from dockerlab.engine.private import PrivateEngine, availability, try_private_engine
from dockerlab.engine.wire import endpoint_of
from dockerlab.errors import (
    ApiVersionRefused,
    EngineNotFound,
    EngineTLSError,
    EngineUnreachable,
    NeedsRoot,
    translate,
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("certs"))


def _load(path):
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_server_and_client_certificates_are_signed_by_the_ca(bundle):
    ca = _load(bundle.ca)
    for leaf in (bundle.server_cert, bundle.client_cert):
        _load(leaf).verify_directly_issued_by(ca)  # raises when not


def _handshake(bundle, strict: bool) -> str:
    """A TLS handshake over a socket pair with the kit's certificates; returns the verified
    server's common name."""
    import socket
    import ssl
    import threading

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(bundle.server_cert, bundle.server_key)
    server_context.load_verify_locations(bundle.ca)
    server_context.verify_mode = ssl.CERT_REQUIRED
    client_context = ssl.create_default_context(cafile=str(bundle.ca))
    client_context.load_cert_chain(bundle.client_cert, bundle.client_key)
    if strict:
        client_context.verify_flags |= ssl.VERIFY_X509_STRICT
        server_context.verify_flags |= ssl.VERIFY_X509_STRICT
    left, right = socket.socketpair()
    errors = []

    def serve():
        try:
            with server_context.wrap_socket(right, server_side=True) as tls:
                tls.recv(1)
        except (OSError, ssl.SSLError) as error:
            errors.append(error)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_context.wrap_socket(left, server_hostname="127.0.0.1") as tls:
            subject = dict(item[0] for item in tls.getpeercert()["subject"])
            tls.send(b".")
    finally:
        thread.join(10)
    assert not errors, errors
    return subject["commonName"]


@pytest.mark.parametrize("strict", [False, True], ids=["default", "x509-strict"])
def test_the_certificates_pass_strict_verification_both_ways(bundle, strict):
    # Python 3.13 turns VERIFY_X509_STRICT on by default: an engine's certificate without an
    # authority key identifier is refused there
    assert _handshake(bundle, strict) == "dockerlab private engine"


def test_the_server_certificate_names_loopback_only(bundle):
    assert describe(bundle.server_cert)["hosts"] == ["127.0.0.1", "localhost"]
    assert describe(bundle.client_cert)["hosts"] == []


def test_keys_are_readable_by_their_owner_only(bundle):
    for key in (bundle.ca_key, bundle.server_key, bundle.client_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_two_authorities_do_not_trust_each_other(bundle, tmp_path):
    other = make_certificates(tmp_path)
    with pytest.raises((ValueError, InvalidSignature)):  # same names, another key
        _load(other.client_cert).verify_directly_issued_by(_load(bundle.ca))


def test_tls_config_with_and_without_a_client_certificate(bundle):
    assert bundle.tls_config().cert == (str(bundle.client_cert), str(bundle.client_key))
    assert bundle.tls_config(client_certificate=False).cert is None
    assert bundle.ssl_context() is not None


def test_endpoint_of_a_tls_client_points_the_cli_at_the_cert_folder(bundle):
    api = docker.APIClient(base_url="tcp://127.0.0.1:2376", tls=bundle.tls_config(),
                           version="1.41")
    endpoint = endpoint_of(api)
    assert endpoint.url == "tcp://127.0.0.1:2376"
    env = endpoint.cli_environment()
    assert env["DOCKER_TLS_VERIFY"] == "1"
    assert env["DOCKER_CERT_PATH"] == str(bundle.directory)


def test_an_untrusted_server_certificate_is_explained():
    error = requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                                         "verify failed: unable to get local issuer")
    explained = translate(error, url="tcp://127.0.0.1:1")
    assert isinstance(explained, EngineTLSError)
    assert "does not trust" in explained.message and "ca.pem" in explained.advice


def test_a_refused_client_certificate_is_explained():
    error = requests.exceptions.SSLError("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED]")
    explained = translate(error, url="tcp://127.0.0.1:1")
    assert isinstance(explained, EngineTLSError)
    assert "refused the TLS handshake" in explained.message


def test_plain_http_to_a_tls_port_is_explained():
    error = docker.errors.DockerException("400 Client Error: Bad Request (\"Client sent an "
                                          "HTTP request to an HTTPS server.\")")
    assert isinstance(translate(error, url="tcp://127.0.0.1:1"), EngineTLSError)


@pytest.mark.parametrize("explanation, limit", [
    ("client version 1.99 is too new. Maximum supported API version is 1.41", "newest is 1.41"),
    ("client version 1.10 is too old. Minimum supported API version is 1.12", "oldest is 1.12"),
])
def test_a_refused_api_version_is_explained(explanation, limit):
    response = requests.Response()
    response.status_code = 400
    error = docker.errors.APIError("400", response=response, explanation=explanation)
    explained = translate(error, url="unix:///x.sock")
    assert isinstance(explained, ApiVersionRefused)
    assert limit in explained.message and "version='auto'" in explained.advice


def test_a_missing_socket_and_a_stopped_engine_are_told_apart():
    assert isinstance(translate(FileNotFoundError("x"), url="unix:///x"), EngineNotFound)
    gone = requests.exceptions.ConnectionError("('Connection aborted.', FileNotFoundError(2))")
    assert isinstance(translate(gone, url="unix:///x"), EngineUnreachable)


def test_the_one_connect_pings_whatever_it_is_given(tmp_path, monkeypatch):
    """``connect`` takes a URL, a location or nothing, and hands out only engines that answer."""
    with pytest.raises(EngineNotFound, match="that socket file does not exist"):
        connect(f"unix://{tmp_path}/missing.sock")
    with pytest.raises(EngineNotFound, match="that socket file does not exist"):
        connect(EngineLocation(f"unix://{tmp_path}/missing.sock", "a test"))
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(tmp_path / "silent.sock"))  # a socket file nobody listens on
    try:
        with pytest.raises(EngineUnreachable, match="Nothing answers"):
            connect(f"unix://{tmp_path}/silent.sock")
    finally:
        silent.close()
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/missing.sock")
    with pytest.raises(EngineNotFound, match="DOCKER_HOST"):
        connect()  # found first, the way the CLI finds it


def test_a_private_engine_keeps_everything_apart(tmp_path):
    engine = PrivateEngine(name="private-test", base=tmp_path, port=2399)
    command = engine.command()
    joined = " ".join(command)
    for flag, value in (("--data-root", f"{tmp_path}/data"),
                        ("--exec-root", "/run/dockerlab/private-test"),
                        ("--pidfile", "/run/dockerlab/private-test/dockerd.pid"),
                        ("-H", "unix:///run/dockerlab/private-test/docker.sock"),
                        ("--config-file", f"{tmp_path}/daemon.json"),
                        ("--containerd-namespace", "dockerlab-private-test")):
        assert command[command.index(flag) + 1] == value or f"{flag} {value}" in joined
    assert "-H tcp://127.0.0.1:2399 --tlsverify" in joined  # TLS, loopback, never plain TCP
    for isolation in ("--bridge=dlb-test", "--iptables=false", "--ip-masq=false"):
        assert isolation in command
    # --bridge=none would make dockerd delete the host's docker0 (the main engine's bridge)
    assert "--bridge=none" not in command and "docker0" not in joined
    assert not engine.running


def test_no_second_engine_for_a_normal_user(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "needs root" in availability()
    assert try_private_engine(base=tmp_path) is None
    assert "Skipping the second engine: Starting a second dockerd needs root" in \
        capsys.readouterr().out
    with pytest.raises(NeedsRoot, match="cannot start a second engine"):
        PrivateEngine(base=tmp_path).start()
    assert not (tmp_path / "data").exists()  # nothing made before saying no


def test_no_second_engine_on_docker_desktop(monkeypatch):
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    assert "Docker Desktop" in availability()


def test_no_second_engine_without_dockerd(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "docker.io" in availability()
