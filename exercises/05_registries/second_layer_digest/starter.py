from dockerlab.registry.api import RegistryAPI
from dockerlab.registry.local import exercise_image


def second_layer_digest(lab):
    """The kit puts a two-layer image in the local registry and says where it is.
    Using only HTTP (a RegistryAPI, or urllib if you like), return the digest of
    that image's second layer, exactly as the manifest lists it ('sha256:...')."""
    host, repository, tag = exercise_image(lab)
    api = RegistryAPI(host)
    # Your code here: ask the registry for the manifest of repository:tag.
    return None
