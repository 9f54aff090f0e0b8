"""Wrong answers to 05_registries/push_to_registry, as learners write them."""

from dockerlab.registry.local import current, push


def short_name_returned(lab):
    """Pushed right, then the name returned without the registry's address."""
    push(lab, lab.base_image, current(lab).reference("exercise/hello", "v1"), progress=False)
    return "exercise/hello:v1"


def tagged_not_pushed(lab):
    """`docker tag` without `docker push`: the name exists on this machine only."""
    registry = current(lab)
    lab.client.images.get(lab.base_image).tag(f"{registry.host}/exercise/hello", "v1")
    return registry.reference("exercise/hello", "v1")


def default_tag(lab):
    """The tag left out: reference() gives `latest`."""
    name = current(lab).reference("exercise/hello")
    push(lab, lab.base_image, name, progress=False)
    return name


def repository_without_path(lab):
    """The repository shortened to its last part."""
    name = current(lab).reference("hello", "v1")
    push(lab, lab.base_image, name, progress=False)
    return name


MISTAKES = {
    "short_name_returned": r"registry address first",
    "tagged_not_pushed": r"did not push",
    "default_tag": r"tag should be `v1`, not `latest`",
    "repository_without_path": r"repository should be `exercise/hello`, not `hello`",
}
