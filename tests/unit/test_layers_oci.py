"""The OCI image layout as Docker 25+ and the containerd image store write it: which image,
which platform, and the digests an image ID can be (config, manifest, index)."""

from __future__ import annotations

import gzip
import json

import pytest

from dockerlab.errors import ImageError
from dockerlab.images.manifest import blob_key, host_architecture, id_is
from tests.unit.test_layers_archives import (
    BASE,
    BIG,
    HISTORY,
    LAYERS,
    classic_archive,
    config_for,
    digest,
    layout_tar,
    oci_archive,
    read,
)


def descriptor(data: bytes, media: str, **extra) -> dict:
    return {"mediaType": media, "digest": digest(data), "size": len(data), **extra}


def image_blobs(layers: list[bytes], config: dict, compress: bool = True):
    """(blobs, manifest bytes) of one image: gzip layers, as the containerd store keeps them."""
    blobs = {}
    layer_descriptors = []
    for layer in layers:
        data = gzip.compress(layer, mtime=0) if compress else layer
        blobs[digest(data)] = data
        layer_descriptors.append(descriptor(data, "application/vnd.oci.image.layer.v1.tar+gzip"))
    config_bytes = json.dumps(config).encode()
    blobs[digest(config_bytes)] = config_bytes
    manifest = json.dumps({"schemaVersion": 2, "mediaType":
                           "application/vnd.oci.image.manifest.v1+json",
                           "config": descriptor(config_bytes,
                                                "application/vnd.oci.image.config.v1+json"),
                           "layers": layer_descriptors}).encode()
    blobs[digest(manifest)] = manifest
    return blobs, manifest


def named(manifest: bytes, name: str) -> dict:
    """An index.json entry as the containerd store writes it (name annotations)."""
    return descriptor(manifest, "application/vnd.oci.image.manifest.v1+json", annotations={
        "io.containerd.image.name": "docker.io/" + name,
        "org.opencontainers.image.ref.name": name.rpartition(":")[2]})


def test_docker_25_save_names_the_manifest_and_the_config():
    config = config_for(LAYERS, HISTORY)
    image = read(oci_archive(LAYERS, config, docker_manifest=True))
    assert image.config_digest == digest(json.dumps(config).encode())
    assert image.manifest_digest is not None and image.index_digest is None
    assert image.image_id == image.config_digest and image.id_is == "config"


def test_containerd_store_save_gzip_layers_and_a_manifest_digest_id():
    config = config_for(LAYERS, HISTORY)
    blobs, manifest = image_blobs(LAYERS, config)
    entry = named(manifest, "demo/app:1")
    image = read(layout_tar(blobs, {"schemaVersion": 2, "manifests": [entry]}), name="demo/app:1")
    assert image.layout == "oci" and image.diff_ids == config["rootfs"]["diff_ids"]
    assert image.manifest_digest == digest(manifest)
    image.image_id = digest(manifest)  # what the containerd store's inspect says
    assert image.id_is == "manifest" and "digest of its manifest" in image.id_sentence()


def test_the_named_image_is_picked_from_a_save_of_two():
    first, second = config_for([BASE]), config_for([BASE, BIG])
    blobs_a, manifest_a = image_blobs([BASE], first)
    blobs_b, manifest_b = image_blobs([BASE, BIG], second)
    index = {"schemaVersion": 2, "manifests": [named(manifest_a, "demo/a:1"),
                                               named(manifest_b, "demo/b:1")]}
    data = layout_tar({**blobs_a, **blobs_b}, index)
    assert len(read(data, name="demo/b:1").layers) == 2
    assert len(read(data, name="docker.io/demo/a:1").layers) == 1
    # with Docker's manifest.json too, both agree on the manifest digest
    legacy = [{"Config": blob_key(json.loads(m)["config"]["digest"]), "RepoTags": [tag],
               "Layers": [blob_key(layer["digest"]) for layer in json.loads(m)["layers"]]}
              for m, tag in ((manifest_a, "demo/a:1"), (manifest_b, "demo/b:1"))]
    image = read(layout_tar({**blobs_a, **blobs_b}, index, legacy), name="demo/b:1")
    assert image.manifest_digest == digest(manifest_b)


def test_an_image_index_with_an_attestation_picks_this_machines_platform():
    config = config_for(LAYERS, HISTORY)
    blobs, manifest = image_blobs(LAYERS, config)
    attestation = json.dumps({"schemaVersion": 2, "config": {"digest": digest(b"{}")},
                              "layers": []}).encode()
    blobs[digest(attestation)] = attestation
    inner = json.dumps({"schemaVersion": 2, "manifests": [
        descriptor(attestation, "application/vnd.oci.image.manifest.v1+json",
                   platform={"architecture": "unknown", "os": "unknown"},
                   annotations={"vnd.docker.reference.type": "attestation-manifest"}),
        descriptor(manifest, "application/vnd.oci.image.manifest.v1+json",
                   platform={"architecture": host_architecture(), "os": "linux"})]}).encode()
    blobs[digest(inner)] = inner
    data = layout_tar(blobs, {"schemaVersion": 2, "manifests": [named(inner, "demo/app:1")]})
    image = read(data, name="demo/app:1")
    assert len(image.layers) == 4
    assert (image.manifest_digest, image.index_digest) == (digest(manifest), digest(inner))
    image.image_id = digest(inner)
    assert image.id_is == "index"


def test_id_is_unknown_for_an_id_the_archive_does_not_explain():
    assert id_is("sha256:1", "sha256:2", None, None) == "unknown"
    assert id_is("sha256:2", "sha256:2", "sha256:3", None) == "config"


def test_docker_layout_has_no_manifest_digest():
    image = read(classic_archive(LAYERS, config_for(LAYERS, HISTORY)))
    assert image.layout == "docker" and image.manifest_digest is None and image.id_is == "config"


def test_a_zstd_layer_is_one_clear_error():
    config = config_for([BASE])
    blobs, manifest = image_blobs([BASE], config, compress=False)
    layer_digest = json.loads(manifest)["layers"][0]["digest"]
    blobs[layer_digest] = b"\x28\xb5\x2f\xfd" + b"\0" * 600  # a zstd frame's magic
    data = layout_tar(blobs, {"schemaVersion": 2, "manifests": [named(manifest, "demo:1")]})
    with pytest.raises(ImageError, match="zstd-compressed"):
        read(data)


def test_index_without_manifests_is_corrupt():
    data = layout_tar({}, {"schemaVersion": 2, "manifests": []})
    with pytest.raises(ImageError, match="corrupted or truncated"):
        read(data)


def test_a_platform_whose_manifest_was_not_saved_is_passed_over():
    """A multi-platform image keeps only this machine's content: its index still lists the
    others, whose manifests are missing from the archive."""
    config = config_for([BASE])
    blobs, manifest = image_blobs([BASE], config)
    missing = json.dumps({"schemaVersion": 2, "layers": []}).encode()  # never saved
    media = "application/vnd.oci.image.manifest.v1+json"
    inner = json.dumps({"schemaVersion": 2, "manifests": [
        descriptor(missing, media, platform={"architecture": "arch-a", "os": "linux"}),
        descriptor(manifest, media, platform={"architecture": "arch-b", "os": "linux"})]})
    blobs[digest(inner.encode())] = inner.encode()
    data = layout_tar(blobs, {"schemaVersion": 2,
                              "manifests": [named(inner.encode(), "demo/multi:1")]})
    assert read(data, name="demo/multi:1").manifest_digest == digest(manifest)
