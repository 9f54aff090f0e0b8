"""The registry's HTTP API v2, spoken by hand: what ``docker pull`` and ``docker push`` say.

A registry is a small web server that stores two kinds of things, both addressed by the
sha256 of their bytes (their *digest*):

- **blobs**: layer tarballs (gzipped) and image configs (JSON), under
  ``/v2/<repository>/blobs/<digest>``;
- **manifests**: a JSON list of one config and N layers by digest (or an *index* of one
  manifest per platform; see :mod:`dockerlab.registry.manifests`), under
  ``/v2/<repository>/manifests/<tag or digest>``. A tag is just a movable name for one.

::

    api = RegistryAPI("127.0.0.1:5000")
    api.catalog()                           # GET /v2/_catalog
    api.tags("kit/busybox")                 # GET /v2/kit/busybox/tags/list
    manifest = api.manifest("kit/busybox", "v1")    # GET .../manifests/v1 (+ Accept)
    api.blob("kit/busybox", manifest.layers[0]["digest"])   # verified against its digest

Only ``http.client`` is used, so every request is visible here. Errors the registry sends
(``{"errors": [{"code": "MANIFEST_UNKNOWN", ...}]}``) become the kit's
:class:`~dockerlab.errors.RegistryError` subclasses. An image made by hand over this API:
:mod:`dockerlab.registry.handmade`.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from ..errors import RegistryAuthFailed, RegistryNotFound, RegistryUnreachable, registry_error
from .manifests import (  # noqa: F401 (the media types are re-exported)
    CONFIG_V1,
    LAYER_TAR_GZIP,
    MANIFEST_ACCEPT,
    MANIFEST_LIST,
    MANIFEST_V1_SIGNED,
    MANIFEST_V2,
    OCI_INDEX,
    OCI_MANIFEST,
    Manifest,
    platform_entry,
    platforms,
    sha256_digest,
    verify_digest,
)

DEFAULT_TIMEOUT = 10

_CHALLENGE_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')


def _name(repository: str, reference: str) -> str:
    """``repo:tag`` or ``repo@sha256:...``, the way image names write them."""
    return f"{repository}{'@' if reference.startswith('sha256:') else ':'}{reference}"


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
        if response.status == 401:
            self.challenge = parse_challenge(response.headers.get("www-authenticate"))
        return registry_error(response, method, target, what, url=self.url,
                              username=self.username,
                              sent_credentials=bool(self._authorization),
                              challenge=self.challenge)

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

    def platform_manifest(self, manifest: Manifest, platform: str | None = None) -> Manifest:
        """The image manifest itself: ``manifest``, or the entry of an index (OCI index,
        Docker manifest list) for ``platform`` (default: this machine's, ``linux/amd64``)."""
        if not manifest.is_index:
            return manifest
        entry = platform_entry(manifest, platform)
        if entry is None:
            raise RegistryNotFound(
                f"The index {_name(manifest.repository, manifest.reference)} has no manifest "
                f"for {platform or 'this machine'} (it lists "
                f"{', '.join(platforms(manifest)) or 'none'}).",
                "Name one of the listed platforms: `api.image_manifest(repository, tag, "
                "platform='linux/arm64')`.")
        return self.manifest(manifest.repository, entry["digest"])

    def image_manifest(self, repository: str, reference: str,
                       platform: str | None = None) -> Manifest:
        """The manifest with the config and layers, following an index to ``platform``."""
        return self.platform_manifest(self.manifest(repository, reference), platform)

    def image_id(self, repository: str, reference: str, image_id_is: str = "config") -> str:
        """The ID an engine gives this image: the digest of the manifest (or index) the tag
        names if ``image_id_is == "manifest"`` (containerd image store), else its config's
        (classic store). Ask the engine: ``engine_facts(client).image_id_is``."""
        top = self.manifest(repository, reference)
        if image_id_is == "manifest":
            return top.digest
        return self.platform_manifest(top).config["digest"]

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
        manifest = self.platform_manifest(manifest)
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
