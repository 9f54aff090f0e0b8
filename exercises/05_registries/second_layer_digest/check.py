"""Given a tag, find the digest of its second layer with HTTP only."""

from dockerlab.checker import expect
from dockerlab.registry.api import RegistryAPI, sha256_digest
from dockerlab.registry.local import exercise_image

TITLE = "The second layer's digest, over HTTP"
FUNCTION = "second_layer_digest"
HINTS = [
    "The manifest lists the layers in order, base layer first: "
    "`api.manifest(repository, tag).layers` is that list.",
    "Each layer is a dict with `mediaType`, `size` and `digest`; the second one is at "
    "index 1.",
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
    image = lab.client.images.get(lab.base_image)
    expect(answer not in image.attrs["RootFS"]["Layers"] and answer == second,
           "Take the digest from the registry's manifest (the compressed layer), not a diff "
           "ID from the engine.")
    expect(sha256_digest(api.blob(repository, answer)) == answer,
           "The blob under that digest does not hash to it.")
