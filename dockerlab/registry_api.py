"""The registry's HTTP API v2, spoken by hand: what ``docker pull`` and ``docker push`` say.

A registry is a small web server that stores two kinds of things, both addressed by the
sha256 of their bytes (their *digest*):

- **blobs**: layer tarballs (gzipped) and image configs (JSON), under
  ``/v2/<repository>/blobs/<digest>``;
- **manifests**: a JSON list of one config and N layers, by digest, under
  ``/v2/<repository>/manifests/<tag or digest>``. A tag is just a movable name for one.

::

    api = RegistryAPI("127.0.0.1:5000")
    api.catalog()                           # GET /v2/_catalog
    api.tags("kit/busybox")                 # GET /v2/kit/busybox/tags/list
    manifest = api.manifest("kit/busybox", "v1")    # GET .../manifests/v1 (+ Accept)
    api.blob("kit/busybox", manifest.layers[0]["digest"])   # verified against its digest

Only the standard library (``http.client``) is used, so every request is visible here. Errors
the registry sends (``{"errors": [{"code": "MANIFEST_UNKNOWN", ...}]}``) become the kit's
:class:`~dockerlab.errors.RegistryError` subclasses.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import io
import json
import re
import socket
import tarfile
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from .errors import (
    DigestMismatch,
    RegistryAuthFailed,
    RegistryError,
    RegistryNotFound,
    RegistryUnreachable,
)

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
#: the old signed format a registry converts to when the client sends no Accept header
MANIFEST_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
CONFIG_V1 = "application/vnd.docker.container.image.v1+json"
LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
#: what ``docker pull`` sends: without it a registry may answer an older manifest format
MANIFEST_ACCEPT = ", ".join([MANIFEST_V2, MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX])
DEFAULT_TIMEOUT = 10

_NOT_FOUND_CODES = {"NAME_UNKNOWN", "MANIFEST_UNKNOWN", "BLOB_UNKNOWN",
                    "BLOB_UPLOAD_UNKNOWN"}
_CHALLENGE_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def _name(repository: str, reference: str) -> str:
    """``repo:tag`` or ``repo@sha256:...``, the way image names write them."""
    return f"{repository}{'@' if reference.startswith('sha256:') else ':'}{reference}"


# --- digests: content addressing ---------------------------------------------------------
def sha256_digest(data: bytes) -> str:
    """The digest a registry stores ``data`` under: ``sha256:`` and the hex sha256."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def verify_digest(data: bytes, digest: str, what: str = "blob") -> str:
    """Return ``digest`` if ``data`` hashes to it; raise :class:`DigestMismatch` if not."""
    actual = sha256_digest(data)
    if actual != digest:
        raise DigestMismatch(
            f"The {what}'s content does not match its digest: expected {digest}, its "
            f"{len(data)} bytes hash to {actual}.",
            "Content addressing means a digest names exactly one content: the data was "
            "changed or corrupted on the way. Fetch it again, or recompute the digest.")
    return digest


# --- the 401 challenge -------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    """A parsed ``WWW-Authenticate`` header: how the registry wants us to log in."""

    scheme: str
    params: dict = field(default_factory=dict)

    @property
    def realm(self) -> str:
        return self.params.get("realm", "")

    def __str__(self) -> str:
        params = ", ".join(f'{key}="{value}"' for key, value in self.params.items())
        return f"{self.scheme} {params}".strip()


def parse_challenge(header: str | None) -> Challenge | None:
    """Parse ``Basic realm="x"`` or ``Bearer realm="...",service="...",scope="..."``."""
    if not header or not header.strip():
        return None
    scheme, _, rest = header.strip().partition(" ")
    params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
              for m in _CHALLENGE_PARAM.finditer(rest)}
    return Challenge(scheme.capitalize(), params)


# --- responses and manifests -------------------------------------------------------------
@dataclass
class Response:
    """One HTTP answer: status, headers (lower-case names) and body bytes."""

    status: int
    reason: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")

    @property
    def errors(self) -> list[dict]:
        """The registry's ``errors`` list, or ``[]`` when the body is not one."""
        try:
            data = self.json()
        except ValueError:
            return []
        return data.get("errors") or [] if isinstance(data, dict) else []


@dataclass
class Manifest:
    """A manifest as the registry sent it: its exact bytes, their digest, and the JSON."""

    repository: str
    reference: str
    digest: str
    media_type: str
    raw: bytes

    @property
    def data(self) -> dict:
        return json.loads(self.raw)

    @property
    def config(self) -> dict:
        """The config blob's descriptor (``mediaType``, ``size``, ``digest``)."""
        return self.data.get("config") or {}

    @property
    def layers(self) -> list[dict]:
        """The layer blobs' descriptors, base layer first."""
        return self.data.get("layers") or []

    @property
    def size(self) -> int:
        """The bytes a pull downloads: config plus layers (compressed)."""
        return self.config.get("size", 0) + sum(layer["size"] for layer in self.layers)


# --- the client --------------------------------------------------------------------------
class RegistryAPI:
    """A tiny client for one registry; similar to what the engine does for ``docker pull``.

    ``address`` is ``host:port`` or ``http://host:port``. Credentials, when given, are sent
    (HTTP Basic) only after the registry asked for them with a 401 challenge.
    """

    def __init__(self, address: str, username: str | None = None,
                 password: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        if "://" not in address:
            address = f"http://{address}"
        parts = urlsplit(address)
        self.scheme = parts.scheme
        self.host = parts.netloc
        self.username = username
        self._password = password
        self.timeout = timeout
        self._authorization: str | None = None
        #: the last 401 challenge the registry sent
        self.challenge: Challenge | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def __repr__(self) -> str:  # never shows the password
        user = f" user={self.username!r}" if self.username else ""
        return f"<RegistryAPI {self.url}{user}>"

    # --- one request ----------------------------------------------------------------
    def _send(self, method: str, target: str, headers: dict, body: bytes | None) -> Response:
        kind = http.client.HTTPSConnection if self.scheme == "https" else \
            http.client.HTTPConnection
        connection = kind(self.host, timeout=self.timeout)
        try:
            connection.request(method, target, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        except (TimeoutError, ConnectionError, socket.gaierror, OSError) as error:
            raise RegistryUnreachable(
                f"Nothing answered at {self.url} ({type(error).__name__}: {error}).",
                "Is the registry running, and is this its port? A kit registry tells its "
                "address with `registry.host`, and `registry.logs()` shows what it did.") \
                from None
        finally:
            connection.close()
        headers = {name.lower(): value for name, value in answer.getheaders()}
        return Response(answer.status, answer.reason, headers, data)

    def request(self, method: str, path: str, *, headers: dict | None = None,
                body: bytes | None = None, expect: tuple = (200,), what: str = "") -> Response:
        """Send one request; answer a 401 challenge with our credentials; check the status.

        ``path`` starts with ``/v2/`` or is a full URL the registry gave (an upload
        ``Location``). A status outside ``expect`` raises the matching :class:`RegistryError`.
        """
        target = path
        if "://" in path:
            parts = urlsplit(path)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = dict(headers or {})
        if body is not None:
            sent.setdefault("Content-Length", str(len(body)))
        if self._authorization:
            sent["Authorization"] = self._authorization
        response = self._send(method, target, sent, body)
        if response.status == 401 and self._authorization is None and self._password:
            self.challenge = parse_challenge(response.headers.get("www-authenticate"))
            self._authorization = self._answer(self.challenge)
            sent["Authorization"] = self._authorization
            response = self._send(method, target, sent, body)
        if response.status not in expect:
            raise self._error(response, method, target, what)
        return response

    def _answer(self, challenge: Challenge | None) -> str:
        if challenge is None or challenge.scheme != "Basic":
            raise RegistryAuthFailed(
                f"The registry at {self.url} asked for '{challenge}' authentication, which "
                "this small HTTP client does not speak (it speaks Basic).",
                "Use the SDK (`lab.client.login(...)` then push/pull) for token-based "
                "registries.")
        token = base64.b64encode(f"{self.username}:{self._password}".encode()).decode()
        return f"Basic {token}"

    def _error(self, response: Response, method: str, target: str, what: str):
        errors = response.errors
        codes = {error.get("code", "") for error in errors}
        told = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or \
            f"HTTP {response.status} {response.reason}"
        where = f"{method} {target}"
        what = what or target
        if response.status == 401:
            self.challenge = parse_challenge(response.headers.get("www-authenticate"))
            if self._authorization:
                return RegistryAuthFailed(
                    f"The registry at {self.url} rejected the credentials of user "
                    f"'{self.username}' ({where}: {told}).",
                    "Check the user name and password; they are never shown in outputs, so "
                    "retype them in the cell that defines them.")
            return RegistryAuthFailed(
                f"The registry at {self.url} requires authentication: {where} answered 401 "
                f"with the challenge '{self.challenge}'.",
                "Give credentials: `RegistryAPI(address, username, password)` for HTTP, "
                "`lab.client.login(username, password, registry=...)` for the engine.")
        if method == "DELETE" and codes & {"DIGEST_INVALID", "UNSUPPORTED"}:
            return RegistryError(
                f"The registry refused to delete {what} ({told}).",
                "Deleting takes a digest (`sha256:...`), never a tag, and needs "
                "`storage.delete.enabled: true` in the registry's config.")
        if "DIGEST_INVALID" in codes:
            return DigestMismatch(
                f"The registry rejected {what}: the content does not match the digest it was "
                f"sent under ({told}).",
                "A registry recomputes the sha256 of every blob it receives and refuses a "
                "mismatch. Send the digest of the exact bytes you upload.")
        if codes & _NOT_FOUND_CODES or (response.status == 404 and not codes):
            return RegistryNotFound(
                f"The registry at {self.url} has no {what} ({told}).",
                "List what it has: `api.catalog()` for repositories, `api.tags(repository)` "
                "for tags; names and tags are case-sensitive.")
        return RegistryError(f"The registry at {self.url} refused {where} ({told}).",
                             "Read the registry's own words above; `registry.logs()` has more.")

    # --- reading ----------------------------------------------------------------------
    def ping(self) -> dict:
        """``GET /v2/``: is this a registry, and which API version does it speak?"""
        response = self._send("GET", "/v2/", {}, None)
        version = response.headers.get("docker-distribution-api-version")
        if version is None:
            raise RegistryUnreachable(
                f"Something answers at {self.url} (HTTP {response.status}), but it is not a "
                "registry: no Docker-Distribution-Api-Version header.",
                "Check the port: the kit's registry tells its own with `registry.port`.")
        self.challenge = parse_challenge(response.headers.get("www-authenticate"))
        return {"status": response.status, "api_version": version,
                "challenge": str(self.challenge) if self.challenge else None}

    def catalog(self, limit: int = 1000) -> list[str]:
        """Every repository; similar to ``GET /v2/_catalog`` (no ``docker`` command for it)."""
        response = self.request("GET", f"/v2/_catalog?n={limit}", what="catalog")
        return response.json().get("repositories") or []

    def tags(self, repository: str) -> list[str]:
        """A repository's tags; ``GET /v2/<name>/tags/list``."""
        response = self.request("GET", f"/v2/{repository}/tags/list",
                                what=f"repository '{repository}'")
        return sorted(response.json().get("tags") or [])

    def manifest(self, repository: str, reference: str, *,
                 accept: str = MANIFEST_ACCEPT) -> Manifest:
        """The manifest for a tag or digest, its digest checked; like ``docker manifest inspect``."""
        response = self.request("GET", f"/v2/{repository}/manifests/{reference}",
                                headers={"Accept": accept},
                                what=f"manifest '{_name(repository, reference)}'")
        digest = response.headers.get("docker-content-digest") or sha256_digest(response.body)
        media = response.headers.get("content-type", "").split(";")[0]
        if media != MANIFEST_V1_SIGNED:  # schema 1 digests leave the signatures out
            verify_digest(response.body, digest, "manifest")
            if reference.startswith("sha256:"):
                verify_digest(response.body, reference, "manifest")
        return Manifest(repository, reference, digest, media, response.body)

    def manifest_digest(self, repository: str, reference: str) -> str:
        """``HEAD`` a manifest: its digest, without downloading it."""
        response = self.request("HEAD", f"/v2/{repository}/manifests/{reference}",
                                headers={"Accept": MANIFEST_ACCEPT},
                                what=f"manifest '{_name(repository, reference)}'")
        return response.headers["docker-content-digest"]

    def blob(self, repository: str, digest: str, *, verify: bool = True) -> bytes:
        """A blob's bytes, checked against ``digest``; ``GET /v2/<name>/blobs/<digest>``."""
        response = self.request("GET", f"/v2/{repository}/blobs/{digest}",
                                what=f"blob {digest} in '{repository}'")
        if verify:
            verify_digest(response.body, digest)
        return response.body

    def config(self, repository: str, manifest: Manifest) -> dict:
        """The image config (the JSON ``docker image inspect`` shows parts of)."""
        return json.loads(self.blob(repository, manifest.config["digest"]))

    def blob_exists(self, repository: str, digest: str) -> bool:
        """``HEAD`` a blob: does the registry already have it in this repository?"""
        try:
            self.request("HEAD", f"/v2/{repository}/blobs/{digest}")
        except RegistryNotFound:
            return False
        return True

    # --- writing ----------------------------------------------------------------------
    def upload_blob(self, repository: str, data: bytes, digest: str | None = None) -> str:
        """Upload ``data`` in one piece (POST, then PUT with ``?digest=``); return the digest.

        Give a wrong ``digest`` to see the registry refuse it (``DIGEST_INVALID``).
        """
        digest = digest or sha256_digest(data)
        started = self.request("POST", f"/v2/{repository}/blobs/uploads/", body=b"",
                               expect=(202,), what=f"an upload to '{repository}'")
        location = started.headers["location"]
        separator = "&" if "?" in location else "?"
        finished = self.request("PUT", f"{location}{separator}{urlencode({'digest': digest})}",
                                headers={"Content-Type": "application/octet-stream"},
                                body=data, expect=(201,), what=f"blob {digest}")
        return finished.headers.get("docker-content-digest", digest)

    def mount_blob(self, repository: str, digest: str, source: str) -> bool:
        """Link a blob another repository of this registry has; no bytes are sent.

        True when mounted (201); False when the registry wants an upload instead (202).
        """
        query = urlencode({"mount": digest, "from": source})
        response = self.request("POST", f"/v2/{repository}/blobs/uploads/?{query}", body=b"",
                                expect=(201, 202), what=f"blob {digest}")
        return response.status == 201

    def put_manifest(self, repository: str, reference: str, manifest: bytes,
                     media_type: str = MANIFEST_V2) -> str:
        """Store a manifest under a tag; return the digest the registry computed."""
        response = self.request("PUT", f"/v2/{repository}/manifests/{reference}",
                                headers={"Content-Type": media_type}, body=manifest,
                                expect=(201,), what=f"manifest '{_name(repository, reference)}'")
        digest = response.headers.get("docker-content-digest") or sha256_digest(manifest)
        return verify_digest(manifest, digest, "manifest")

    def delete_manifest(self, repository: str, digest: str) -> None:
        """Delete a manifest by digest (every tag pointing at it goes too)."""
        self.request("DELETE", f"/v2/{repository}/manifests/{digest}", expect=(202,),
                     what=f"manifest '{repository}@{digest}'")


# --- building an image by hand -----------------------------------------------------------
@dataclass(frozen=True)
class Layer:
    """A layer blob: a gzipped tar. ``digest`` names the gzip, ``diff_id`` the plain tar."""

    blob: bytes
    digest: str
    diff_id: str

    @property
    def descriptor(self) -> dict:
        return {"mediaType": LAYER_TAR_GZIP, "size": len(self.blob), "digest": self.digest}


def layer_from_files(files: dict[str, bytes | str], mode: int = 0o644) -> Layer:
    """A layer holding ``files`` (path -> content), reproducible (fixed times, no owner)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, content in sorted(files.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size, info.mode, info.mtime = len(data), mode, 0
            tar.addfile(info, io.BytesIO(data))
    plain = buffer.getvalue()
    blob = gzip.compress(plain, mtime=0)
    return Layer(blob, sha256_digest(blob), sha256_digest(plain))


def canonical_json(data: dict) -> bytes:
    """The exact bytes we upload: sorted keys, no spaces (so the digest is reproducible)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def image_config(diff_ids: list[str], cmd: list[str], *, labels: dict | None = None,
                 env: list[str] | None = None) -> bytes:
    """An image config: what to run, and the uncompressed digest of each layer, in order."""
    return canonical_json({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": cmd, "Env": env or ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Labels": labels or {}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "dockerlab: written by hand over HTTP"}
                    for _ in diff_ids],
    })


def schema2_manifest(config: bytes, layers: list[dict]) -> bytes:
    """A Docker v2 schema 2 manifest: one config descriptor and the layer descriptors."""
    return canonical_json({
        "schemaVersion": 2, "mediaType": MANIFEST_V2,
        "config": {"mediaType": CONFIG_V1, "size": len(config), "digest": sha256_digest(config)},
        "layers": layers,
    })


def push_by_hand(api: RegistryAPI, repository: str, tag: str, layer: Layer, cmd: list[str],
                 *, base: tuple[str, str] | None = None, labels: dict | None = None) -> dict:
    """Build an image with no Dockerfile and no engine: blobs, config, manifest over HTTP.

    ``base`` is ``(repository, tag)`` of an image in the same registry whose layers go
    underneath (mounted, not re-uploaded). Returns the digests of everything sent.
    """
    descriptors, diff_ids = [], []
    if base is not None:
        manifest = api.manifest(*base)
        diff_ids = list(api.config(base[0], manifest)["rootfs"]["diff_ids"])
        for descriptor in manifest.layers:
            if not api.mount_blob(repository, descriptor["digest"], base[0]):
                api.upload_blob(repository, api.blob(base[0], descriptor["digest"]))
            descriptors.append(descriptor)
    api.upload_blob(repository, layer.blob)
    descriptors.append(layer.descriptor)
    config = image_config(diff_ids + [layer.diff_id], cmd, labels=labels)
    config_digest = api.upload_blob(repository, config)
    digest = api.put_manifest(repository, tag, schema2_manifest(config, descriptors))
    return {"manifest": digest, "config": config_digest,
            "layers": [d["digest"] for d in descriptors]}
