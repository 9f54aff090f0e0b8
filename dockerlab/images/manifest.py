"""Which image a ``docker save`` archive holds: its config, its layers in stack order, and
the digests that name it. Used by :mod:`dockerlab.images.layers` once the archive has streamed by.

Similar to reading ``manifest.json`` and ``index.json`` out of ``docker save NAME | tar -x``.
Three archives are met on the engines learners have:

* Docker's own layout (Engine < 25): ``manifest.json`` names ``<config digest>.json`` and
  ``<v1 id>/layer.tar`` files. No image manifest is stored: none was ever made.
* the OCI image layout (Engine 25+, classic image store): ``index.json`` points at an image
  manifest in ``blobs/sha256/``, which points at the config and at the (plain) layer tars;
  Docker adds its ``manifest.json``, pointing into ``blobs/`` too.
* the same layout from the containerd image store: layers are kept (and saved) as they
  were pulled or built, often gzip-compressed; ``index.json`` may point at an image *index*
  (one manifest per platform, plus attestation manifests made by BuildKit).

What an image ID is depends on the image store, not on the archive: the classic store names
an image by its config's digest, the containerd store by the digest of what ``index.json``
points at (the image manifest, or the image index). :func:`id_is` says which one an ID is.
"""

from __future__ import annotations

import platform
import posixpath
from dataclasses import dataclass

from ..errors import ImageError
from ..errors import corrupt_archive as corrupt

#: Python's machine names -> the OCI architecture names used in image indexes
_ARCHITECTURES = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
                  "armv7l": "arm", "ppc64le": "ppc64le", "s390x": "s390x",
                  "riscv64": "riscv64", "i686": "386"}
#: how deep an index may nest before the archive counts as corrupted
MAX_DEPTH = 4


@dataclass(frozen=True)
class ChosenImage:
    """One image of an archive: where its config and layers are, and its digests."""

    layout: str                 # "docker" (Docker's own, Engine < 25) or "oci"
    config_key: str             # the config's member name in the archive
    config: dict
    layer_keys: list[str]       # member names, bottom layer first
    config_digest: str
    manifest_digest: str | None = None  # the image manifest (OCI layout only)
    index_digest: str | None = None     # the image index above it, when there is one


def blob_key(digest: str) -> str:
    """``"sha256:ab12..."`` -> ``"blobs/sha256/ab12..."``."""
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def key_digest(key: str) -> str:
    """``"blobs/sha256/ab12..."`` or ``"ab12....json"`` -> ``"sha256:ab12..."``."""
    if key.startswith("blobs/"):
        _, algorithm, hexdigest = key.split("/", 2)
        return f"{algorithm}:{hexdigest}"
    return "sha256:" + posixpath.basename(key).removesuffix(".json")


def id_is(image_id: str, config_digest: str, manifest_digest: str | None,
          index_digest: str | None) -> str:
    """What ``image_id`` is the digest of: ``"config"``, ``"manifest"``, ``"index"`` or
    ``"unknown"`` (an ID this archive cannot explain)."""
    for what, digest in (("config", config_digest), ("manifest", manifest_digest),
                         ("index", index_digest)):
        if digest and image_id == digest:
            return what
    return "unknown"


def id_kinds(image_store: str) -> tuple[str, ...]:
    """What an image ID can be the digest of on an image store (``EngineFacts.image_store``):
    the classic store names an image by its config; the containerd store by what its
    ``index.json`` entry points at, a manifest, or an index (BuildKit makes one to hold its
    attestations, even for one platform)."""
    return ("config",) if image_store == "classic" else ("manifest", "index")


def host_architecture() -> str:
    return _ARCHITECTURES.get(platform.machine().lower(), platform.machine().lower())


def _is_attestation(descriptor: dict) -> bool:
    annotations = descriptor.get("annotations") or {}
    return "vnd.docker.reference.type" in annotations or \
        (descriptor.get("platform") or {}).get("architecture") == "unknown"


def _platform_choice(descriptors: list[dict]) -> dict:
    """The manifest for this machine's architecture, else the first that is not an
    attestation, else the first."""
    images = [d for d in descriptors if not _is_attestation(d)] or descriptors
    wanted = host_architecture()
    return next((d for d in images if (d.get("platform") or {}).get("architecture") == wanted),
                images[0])


def _short_name(name: str) -> str:
    """``docker.io/library/busybox:latest`` and ``busybox`` -> ``busybox:latest``."""
    for prefix in ("docker.io/", "index.docker.io/"):
        name = name.removeprefix(prefix)
    name = name.removeprefix("library/")
    last = name.rpartition("/")[2]
    return name if ":" in last or "@" in name else name + ":latest"


def _named(descriptors: list[dict], name: str) -> list[dict]:
    """The index entries whose annotations name ``name`` (all of them when none does)."""
    if not name:
        return descriptors
    wanted = _short_name(name)
    tag = wanted.rpartition(":")[2]
    found = []
    for descriptor in descriptors:
        annotations = descriptor.get("annotations") or {}
        full = annotations.get("io.containerd.image.name")
        ref = annotations.get("org.opencontainers.image.ref.name", "")
        if (full and _short_name(full) == wanted) or \
                (not full and ref and (_short_name(ref) == wanted or ref == tag)):
            found.append(descriptor)
    return found or descriptors


def _resolve(documents: dict, descriptor: dict, depth: int = 0) -> tuple[dict, str, str | None]:
    """Follow one ``index.json`` entry down to an image manifest:
    ``(manifest, manifest digest, index digest or None)``."""
    digest = descriptor.get("digest", "")
    document = documents.get(blob_key(digest))
    if not isinstance(document, dict):
        raise corrupt(f"the manifest {digest[:19]} is not in the archive")
    if "manifests" not in document:
        return document, digest, None
    if depth >= MAX_DEPTH or not document["manifests"]:
        raise corrupt(f"the image index {digest[:19]} lists no image manifest")
    present = [d for d in document["manifests"] if blob_key(d.get("digest", "")) in documents]
    manifest, manifest_digest, _ = _resolve(
        documents, _platform_choice(present or document["manifests"]), depth + 1)
    return manifest, manifest_digest, digest


def _from_index(documents: dict, name: str, config_digest: str | None = None) -> tuple:
    """``(manifest, manifest digest, index digest)`` of the image ``index.json`` holds (the one
    whose config is ``config_digest``, when given)."""
    index = documents.get("index.json")
    entries = (index or {}).get("manifests") if isinstance(index, dict) else None
    if not entries:
        raise corrupt("index.json lists no image manifest")
    candidates = _named(entries, name)
    if config_digest is None:
        return _resolve(documents, _platform_choice(candidates))
    for entry in candidates + [e for e in entries if e not in candidates]:
        try:
            found = _resolve(documents, entry)
        except ImageError:
            continue
        if (found[0].get("config") or {}).get("digest") == config_digest:
            return found
    return None, None, None


def _docker_entry(entries: list[dict], name: str) -> dict:
    wanted = {_short_name(name)} if name else set()
    for entry in entries:
        if wanted & {_short_name(tag) for tag in entry.get("RepoTags") or []}:
            return entry
    return entries[0]


def _normal(name: str) -> str:
    name = posixpath.normpath("/" + name).lstrip("/")
    return "" if name == "." else name


def choose_image(documents: dict, name: str = "") -> ChosenImage:
    """The image ``name`` (or the only/first one) of an archive, from its JSON documents
    (member name -> parsed JSON: ``manifest.json``, ``index.json``, configs, manifests)."""
    oci = isinstance(documents.get("index.json"), dict)
    legacy = documents.get("manifest.json")
    if isinstance(legacy, list) and legacy:
        entry = _docker_entry(legacy, name)
        key = _normal(entry.get("Config", ""))
        config = documents.get(key)
        if isinstance(config, dict):
            config_digest = key_digest(key)
            manifest = manifest_digest = index_digest = None
            if oci:
                manifest, manifest_digest, index_digest = _from_index(documents, name,
                                                                      config_digest)
            return ChosenImage("oci" if oci else "docker", key, config,
                               [_normal(k) for k in entry.get("Layers") or []], config_digest,
                               manifest_digest, index_digest)
    if oci:
        manifest, manifest_digest, index_digest = _from_index(documents, name)
        config_digest = (manifest.get("config") or {}).get("digest", "")
        key = blob_key(config_digest)
        config = documents.get(key)
        if isinstance(config, dict):
            return ChosenImage("oci", key, config,
                               [blob_key(d["digest"]) for d in manifest.get("layers") or []],
                               config_digest, manifest_digest, index_digest)
    raise corrupt("no manifest.json or index.json with a readable image config")
