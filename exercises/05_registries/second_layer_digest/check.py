"""Given a tag, find the digest of its second layer with HTTP only."""

from dockerlab.checker import expect
from dockerlab.registry.api import RegistryAPI, sha256_digest
from dockerlab.registry.local import exercise_image

TITLE = "The second layer's digest, over HTTP"
FUNCTION = "second_layer_digest"
HINTS = [
    "A tag names a manifest, a small JSON document that lists the image's blobs by digest: "
    "one config, then the layers in order, base layer first. Every blob is fetched by its "
    "digest (content addressing).",
    "`api.manifest(repository, tag)` asks the registry for it (GET /v2/<name>/manifests/"
    "<tag>); its `.layers` is the list of layer descriptors, `.config` the config's.",
    "Each layer descriptor is a dict with `mediaType`, `size` and `digest`; the layers are "
    "counted from the base, so the second is at index 1. The config's `diff_ids` are "
    "digests of the uncompressed layers: not what the manifest lists.",
]


def check(lab, answer):
    expect(isinstance(answer, str) and answer.startswith("sha256:"),
           "Return a digest: a string that starts with 'sha256:'.")
    host, repository, tag = exercise_image(lab)
    api = RegistryAPI(host)
    manifest = api.manifest(repository, tag)
    first, second = (layer["digest"] for layer in manifest.layers)
    expect(answer != manifest.digest, "That is the manifest's own digest, not a layer's.")
    expect(answer != manifest.config["digest"],
           "That is the config blob's digest (the image ID), not a layer's.")
    expect(answer != first, "That is the first (base) layer; the second one comes after it.")
    diff_ids = api.config(repository, manifest)["rootfs"]["diff_ids"]
    expect(answer not in diff_ids,
           "That is a diff ID from the image config: the digest of an uncompressed layer. "
           "The manifest lists the digest of the blob the registry stores (compressed).")
    image = lab.client.images.get(lab.base_image)
    expect(answer not in image.attrs["RootFS"]["Layers"] and answer == second,
           "Take the digest from the registry's manifest (the compressed layer), not a diff "
           "ID from the engine.")
    expect(sha256_digest(api.blob(repository, answer)) == answer,
           "The blob under that digest does not hash to it.")
