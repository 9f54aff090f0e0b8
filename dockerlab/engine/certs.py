"""A throwaway certificate authority, a server certificate and a client certificate.

Similar to the ``openssl`` recipe in Docker's "Protect the Docker daemon socket" guide, done
with the ``cryptography`` package so that it works the same everywhere::

    ca.pem                       the authority both sides trust (its key stays in ca-key.pem)
    server-cert.pem, server-key.pem   what the engine shows: valid for 127.0.0.1 and localhost
    cert.pem, key.pem            what the client shows (the names the ``docker`` CLI expects
                                 in ``DOCKER_CERT_PATH``)

The keys are secrets: files are written mode 0600 and never printed.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

VALID_DAYS = 7


@dataclass(frozen=True)
class CertBundle:
    """Where the certificates of one throwaway authority live."""

    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca-key.pem"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server-cert.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server-key.pem"

    @property
    def client_cert(self) -> Path:
        return self.directory / "cert.pem"

    @property
    def client_key(self) -> Path:
        return self.directory / "key.pem"

    def exists(self) -> bool:
        return all(p.exists() for p in (self.ca, self.server_cert, self.server_key,
                                        self.client_cert, self.client_key))

    def tls_config(self, client_certificate: bool = True, trust: Path | None = None):
        """A docker-py ``TLSConfig``; ``client_certificate=False`` shows no certificate.

        ``trust`` replaces the CA the client trusts (to show a wrong-CA failure).
        """
        from docker.tls import TLSConfig

        cert = (str(self.client_cert), str(self.client_key)) if client_certificate else None
        return TLSConfig(client_cert=cert, ca_cert=str(trust or self.ca), verify=True)

    def ssl_context(self, client_certificate: bool = True):
        """A standard-library ``ssl.SSLContext`` for :mod:`http.client` (raw requests)."""
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca))
        if client_certificate:
            context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key) -> None:
    from cryptography.hazmat.primitives import serialization

    data = key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _write_cert(path: Path, cert) -> None:
    from cryptography.hazmat.primitives import serialization

    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dockerlab (throwaway)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject, issuer, public_key):
    from cryptography import x509

    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=VALID_DAYS)))


def _key_usage(**allowed):
    from cryptography import x509

    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: allowed.get(name, False) for name in names})


def _leaf(ca_key, ca_name, common_name: str, usage, hosts=()):
    """A certificate signed by the CA for a server (``hosts``) or a client.

    It carries the extensions RFC 5280 asks for, which strict verifiers check (Python 3.13's
    default ``VERIFY_X509_STRICT`` refuses a certificate without an authority key identifier).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    key = _key()
    builder = (_builder(_name(common_name), ca_name, key.public_key())
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(_key_usage(digital_signature=True),
                              critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca_key.public_key()), critical=False))
    if hosts:
        names = [x509.IPAddress(ipaddress.ip_address(h)) if h[0].isdigit() else x509.DNSName(h)
                 for h in hosts]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def make_certificates(directory: str | Path,
                      hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> CertBundle:
    """Create a fresh CA and a server and a client certificate signed by it in ``directory``.

    Similar to the ``openssl genrsa`` / ``openssl req`` / ``openssl x509 -req`` steps of
    Docker's TLS guide.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    bundle = CertBundle(Path(directory))
    bundle.directory.mkdir(parents=True, exist_ok=True)
    ca_key = _key()
    ca_name = _name("dockerlab throwaway CA")
    ca = (_builder(ca_name, ca_name, ca_key.public_key())
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(_key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True),
                         critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    _write_key(bundle.ca_key, ca_key)
    _write_cert(bundle.ca, ca)
    server_key, server = _leaf(ca_key, ca_name, "dockerlab private engine",
                               ExtendedKeyUsageOID.SERVER_AUTH, hosts)
    _write_key(bundle.server_key, server_key)
    _write_cert(bundle.server_cert, server)
    client_key, client = _leaf(ca_key, ca_name, "dockerlab client",
                               ExtendedKeyUsageOID.CLIENT_AUTH)
    _write_key(bundle.client_key, client_key)
    _write_cert(bundle.client_cert, client)
    return bundle


def describe(path: str | Path) -> dict:
    """Subject, issuer, validity and host names of a certificate (never the key)."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(Path(path).read_bytes())
    try:
        names = [str(n.value) for n in
                 cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value]
    except x509.ExtensionNotFound:
        names = []
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "hosts": names, "not_after": cert.not_valid_after_utc.isoformat()}
