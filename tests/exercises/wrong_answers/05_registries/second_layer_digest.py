"""Wrong answers to 05_registries/second_layer_digest, as learners write them."""

from dockerlab.registry.api import RegistryAPI
from dockerlab.registry.local import exercise_image


def _manifest(lab):
    host, repository, tag = exercise_image(lab)
    api = RegistryAPI(host)
    return api, repository, api.manifest(repository, tag)


def manifest_digest(lab):
    """The digest the registry answers with (Docker-Content-Digest): the manifest's own."""
    return _manifest(lab)[2].digest


def config_digest(lab):
    """The first digest in the manifest's JSON: the config blob's."""
    return _manifest(lab)[2].config["digest"]


def first_layer(lab):
    """Counted from 1: layers[1] taken as layers[0]."""
    return _manifest(lab)[2].layers[0]["digest"]


def diff_id(lab):
    """The config's rootfs.diff_ids: the uncompressed layer's digest."""
    api, repository, manifest = _manifest(lab)
    return api.config(repository, manifest)["rootfs"]["diff_ids"][1]


MISTAKES = {
    "manifest_digest": r"manifest's own digest",
    "config_digest": r"config blob's digest",
    "first_layer": r"first \(base\) layer",
    "diff_id": r"diff ID",
}
