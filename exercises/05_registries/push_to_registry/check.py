"""Push an image to the local registry under a given name and tag.

The check asks the engine whether it pushed that name during the check (its `push` event: a
registry that already had the tag from an earlier attempt proves nothing), then the registry
itself what it holds under the name, and compares that with the kit's busybox image.
"""

from dockerlab.checker import expect
from dockerlab.engine.events import collect, event_filters
from dockerlab.engine.facts import CLIFacts, engine_facts
from dockerlab.errors import DockerLabError
from dockerlab.images.references import parse_reference
from dockerlab.registry.api import RegistryAPI

TITLE = "Push to the local registry"
FUNCTION = "push_to_registry"
HINTS = [
    "An image's name says where it is pushed: a name that starts with `host:port/` goes to "
    "that registry, and a push is two steps, giving the image that name (a tag), then "
    "sending it (`docker tag` then `docker push`).",
    "`registry.reference(repository, tag)` builds the whole name from the registry's "
    "address, the repository and the tag; `push(lab, image, name)` does both steps.",
    "Build the name with `registry.reference('exercise/hello', 'v1')`, push "
    "`lab.base_image` under it with push(...), and return that same full name.",
]


def _pushed(lab, answer: str) -> bool:
    """Did the engine push ``answer`` since the check began (its `push` event)?

    ``lab.started`` is one second early (for the engine's whole-second Created times): an
    earlier attempt's push may lie in that second, so the events are cut at the real start.
    """
    began = lab.started + 1
    events = collect(lab.client, lab.started, filters=event_filters(type="image",
                                                                    action="push"))
    return any(answer in (event.id, event.attributes.get("name")) and event.time >= began
               for event in events)


def check(lab, answer):
    expect(isinstance(answer, str), "Return the full image name you pushed, as a string.")
    try:
        reference = parse_reference(answer)
    except DockerLabError:
        reference = None
    expect(reference is not None and reference.is_loopback_registry,
           f"{answer!r} does not name a registry on 127.0.0.1: return the full name, "
           "registry address first (registry.reference(...) builds it).")
    expect(reference.path == "exercise/hello",
           f"The repository should be `exercise/hello`, not `{reference.path}`.")
    expect(reference.tag == "v1",
           f"The tag should be `v1`, not `{reference.tag or 'latest'}` (without a tag, "
           "registry.reference(...) and docker push use `latest`).")
    expect(_pushed(lab, answer),
           f"The engine did not push {answer}: giving an image a name (a tag) only names it "
           "on this machine; push(...) sends it to the registry.")
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
