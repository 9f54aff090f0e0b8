"""An image built by hand over HTTP: no Dockerfile, no engine, just blobs and a manifest.

::

    layer = layer_from_files({"hello.txt": "made by hand\\n"})
    api.upload_blob("kit/handmade", layer.blob)
    config = image_config([layer.diff_id], ["cat", "/hello.txt"])
    api.upload_blob("kit/handmade", config)
    api.put_manifest("kit/handmade", "v1", write_manifest(config, [layer.descriptor]))

The manifest can be written in either format a registry keeps (Docker's schema 2, or OCI's
image manifest): :func:`write_manifest` gives the config and every gzipped layer the media
types of the format chosen, so an image on top of a base pushed as OCI stays all OCI.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import dataclass

from .api import RegistryAPI, sha256_digest
from .manifests import BLOB_TYPES, LAYER_TAR_GZIP, MANIFEST_V2, OCI_LAYER_TAR_GZIP


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


def write_manifest(config: bytes, layers: list[dict], media_type: str = MANIFEST_V2) -> bytes:
    """A manifest of ``media_type`` (Docker schema 2 or OCI): one config, the layers.

    A gzipped layer's media type is the one of that format (the same bytes are called
    ``...docker.image.rootfs.diff.tar.gzip`` in one and ``...oci.image.layer.v1.tar+gzip``
    in the other).
    """
    if media_type not in BLOB_TYPES:
        raise ValueError(f"write_manifest writes {' or '.join(BLOB_TYPES)}, not {media_type}")
    config_type, layer_type = BLOB_TYPES[media_type]
    gzipped = {LAYER_TAR_GZIP, OCI_LAYER_TAR_GZIP}
    return canonical_json({
        "schemaVersion": 2, "mediaType": media_type,
        "config": {"mediaType": config_type, "size": len(config),
                   "digest": sha256_digest(config)},
        "layers": [{**layer, "mediaType": layer_type} if layer.get("mediaType") in gzipped
                   else layer for layer in layers],
    })


def schema2_manifest(config: bytes, layers: list[dict]) -> bytes:
    """A Docker v2 schema 2 manifest: one config descriptor and the layer descriptors."""
    return write_manifest(config, layers, MANIFEST_V2)


def push_by_hand(api: RegistryAPI, repository: str, tag: str, layer: Layer, cmd: list[str],
                 *, base: tuple[str, str] | None = None, labels: dict | None = None) -> dict:
    """Build an image with no Dockerfile and no engine: blobs, config, manifest over HTTP.

    ``base`` is ``(repository, tag)`` of an image in the same registry whose layers go
    underneath (mounted, not re-uploaded); the manifest is written in the base's format.
    Returns the digests of everything sent, and the manifest's media type.
    """
    descriptors, diff_ids, media_type = [], [], MANIFEST_V2
    if base is not None:
        manifest = api.image_manifest(*base)
        media_type = manifest.media_type if manifest.media_type in BLOB_TYPES else MANIFEST_V2
        diff_ids = list(api.config(base[0], manifest)["rootfs"]["diff_ids"])
        for descriptor in manifest.layers:
            if not api.mount_blob(repository, descriptor["digest"], base[0]):
                api.upload_blob(repository, api.blob(base[0], descriptor["digest"]))
            descriptors.append(descriptor)
    api.upload_blob(repository, layer.blob)
    descriptors.append(layer.descriptor)
    config = image_config(diff_ids + [layer.diff_id], cmd, labels=labels)
    config_digest = api.upload_blob(repository, config)
    digest = api.put_manifest(repository, tag, write_manifest(config, descriptors, media_type),
                              media_type)
    return {"manifest": digest, "config": config_digest, "media_type": media_type,
            "layers": [d["digest"] for d in descriptors]}
