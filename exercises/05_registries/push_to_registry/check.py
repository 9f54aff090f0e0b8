"""Push an image to the local registry under a given name and tag."""

from dockerlab.checker import expect
from dockerlab.engine.facts import CLIFacts, engine_facts
from dockerlab.errors import DockerLabError
from dockerlab.images.references import parse_reference
from dockerlab.registry.api import RegistryAPI

TITLE = "Push to the local registry"
FUNCTION = "push_to_registry"
HINTS = [
    "An image name that starts with `host:port/` is pushed to that registry: "
    "`registry.reference('exercise/hello', 'v1')` gives the whole name.",
    "`push(lab, lab.base_image, name)` tags the image with `name` and pushes it; return "
    "`name` afterwards.",
]


def check(lab, answer):
    expect(isinstance(answer, str), "Return the full image name you pushed, as a string.")
    try:
        reference = parse_reference(answer)
    except DockerLabError:
        reference = None
    expect(reference is not None and reference.is_loopback_registry,
           f"{answer!r} does not name a registry on 127.0.0.1: use registry.reference(...).")
    expect((reference.path, reference.tag) == ("exercise/hello", "v1"),
           "The repository should be `exercise/hello` and the tag `v1`.")
    api = RegistryAPI(reference.registry)
    try:
        tags = api.tags("exercise/hello")
    except DockerLabError:
        tags = []
    expect("v1" in tags, "The registry has no `exercise/hello:v1`: did the push happen?")
    # the image ID is the manifest's digest (containerd image store) or the config's
    # (classic store): ask the engine which, then compare with the registry's
    image_id_is = engine_facts(lab.client, cli=CLIFacts()).image_id_is
    expect(api.image_id("exercise/hello", "v1", image_id_is) ==
           lab.client.images.get(lab.base_image).id,
           "The registry's `exercise/hello:v1` is not the kit's busybox image: push "
           "lab.base_image.")
