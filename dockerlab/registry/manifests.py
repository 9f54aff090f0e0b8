"""The documents a registry keeps under a tag: manifests and indexes, and their media types.

A registry stores three kinds of manifest side by side, each named by its ``mediaType``:

- Docker's **schema 2 manifest** (``application/vnd.docker.distribution.manifest.v2+json``)
  and its **manifest list** (one manifest per platform): what the classic image store pushes;
- the **OCI image manifest** (``application/vnd.oci.image.manifest.v1+json``) and the **OCI
  image index** (``...oci.image.index.v1+json``, one manifest per platform, sometimes plus
  attestations): what the containerd image store and BuildKit push;
- the old signed **schema 1**, which registries of the 2.x series still convert a schema 2
  manifest to for a client that does not say it understands schema 2 (registry v3 dropped
  schema 1 altogether).

A manifest lists one config blob and the layer blobs; an index lists manifests. Ask the
registry which one a tag holds: :attr:`Manifest.media_type`, :attr:`Manifest.format`.
"""

from __future__ import annotations

import hashlib
import json
import platform as _platform
from dataclasses import dataclass

from ..errors import DigestMismatch

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
#: the old signed format a 2.x registry converts to when the client sends no Accept header
MANIFEST_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
CONFIG_V1 = "application/vnd.docker.container.image.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
#: what ``docker pull`` sends: without it a registry may answer an older manifest format
MANIFEST_ACCEPT = ", ".join([MANIFEST_V2, MANIFEST_LIST, OCI_MANIFEST, OCI_INDEX])
INDEXES = frozenset({MANIFEST_LIST, OCI_INDEX})

FORMATS = {
    MANIFEST_V2: "Docker image manifest (schema 2)",
    MANIFEST_LIST: "Docker manifest list (one manifest per platform)",
    OCI_MANIFEST: "OCI image manifest",
    OCI_INDEX: "OCI image index (one manifest per platform)",
    MANIFEST_V1_SIGNED: "Docker schema 1 (signed, converted by the registry)",
}
#: the config and gzipped-layer media types that go with each manifest format
BLOB_TYPES = {MANIFEST_V2: (CONFIG_V1, LAYER_TAR_GZIP),
              OCI_MANIFEST: (OCI_CONFIG, OCI_LAYER_TAR_GZIP)}
_MACHINES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
             "armv7l": "arm", "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


def host_platform() -> str:
    """This machine's platform as manifests name it: ``"linux/amd64"``, ``"linux/arm64"``."""
    machine = _platform.machine().lower()
    return f"linux/{_MACHINES.get(machine, machine)}"


def blob_kind(media_type: str) -> str:
    """``"config"``, ``"layer (tar+gzip)"``, ``"layer (tar)"``... whatever the format."""
    if media_type in (CONFIG_V1, OCI_CONFIG):
        return "config"
    if "tar" not in media_type:
        return media_type
    for compression in ("gzip", "zstd"):
        if compression in media_type:
            return f"layer (tar+{compression})"
    return "layer (tar)"


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
    def format(self) -> str:
        """What kind of document this is, in words (``"OCI image manifest"``...)."""
        return FORMATS.get(self.media_type, self.media_type or "no media type")

    @property
    def is_index(self) -> bool:
        """True for an OCI index or a Docker manifest list: it names manifests, not blobs."""
        return self.media_type in INDEXES or "manifests" in self.data

    @property
    def manifests(self) -> list[dict]:
        """An index's entries (``mediaType``, ``digest``, ``size``, ``platform``)."""
        return self.data.get("manifests") or []

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


def platform_entry(index: Manifest, platform: str | None = None) -> dict | None:
    """The index entry for ``platform`` (``"linux/amd64"``, default: this machine's).

    Attestation entries (BuildKit's provenance, platform ``unknown/unknown``) never match.
    """
    wanted = (platform or host_platform()).split("/")
    for entry in index.manifests:
        where = entry.get("platform") or {}
        found = [where.get("os", ""), where.get("architecture", "")]
        if where.get("variant") and len(wanted) > 2:
            found.append(where["variant"])
        if found == wanted[:len(found)] and len(found) >= 2:
            return entry
    return None


def platforms(index: Manifest) -> list[str]:
    """``["linux/amd64", "linux/arm64", "unknown/unknown"]``: what an index lists."""
    return ["/".join(filter(None, [(entry.get("platform") or {}).get(key)
                                   for key in ("os", "architecture", "variant")]))
            for entry in index.manifests]
