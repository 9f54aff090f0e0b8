import pytest

from dockerlab.errors import ImageNameInvalid
from dockerlab.images.references import is_public, parse_reference, suggest


@pytest.mark.parametrize("name, registry, path, tag", [
    ("busybox", "docker.io", "busybox", None),
    ("dockerlab/busybox:latest", "docker.io", "dockerlab/busybox", "latest"),
    ("localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0"),
    ("127.0.0.1:5999/x", "127.0.0.1:5999", "x", None),
    ("[::1]:5000/x:y", "[::1]:5000", "x", "y"),
    ("ghcr.io/org/tool:v2", "ghcr.io", "org/tool", "v2"),
])
def test_valid_references_are_split_like_docker_does(name, registry, path, tag):
    reference = parse_reference(name)
    assert (reference.registry, reference.path, reference.tag) == (registry, path, tag)


def test_a_digest_reference_keeps_its_digest():
    digest = "sha256:" + "ab" * 32
    assert parse_reference(f"app@{digest}").digest == digest


@pytest.mark.parametrize("name, advice", [
    ("Busybox", "did you mean 'busybox'"),
    ("my app", "no spaces"),
    ("a:b:c", "Only one ':tag'"),
    ("", "Give a name"),
])
def test_invalid_names_say_what_is_wrong(name, advice):
    with pytest.raises(ImageNameInvalid) as raised:
        parse_reference(name)
    assert advice in str(raised.value)


@pytest.mark.parametrize("name, public", [
    ("busybox", True), ("ghcr.io/x/y", True), ("localhost:5000/x", False),
    ("127.0.0.1:5000/x", False), ("127.8.9.1:80/x", False), ("[::1]:5000/x", False),
    ("10.0.0.1:5000/x", True),
])
def test_only_loopback_registries_count_as_private(name, public):
    assert is_public(name) is public


def test_suggest_finds_the_tag_a_typo_meant():
    known = ["dockerlab/busybox:latest", "welcome/greeting:1"]
    assert suggest("dockerlab/busybx", known) == "dockerlab/busybox:latest"
    assert suggest("nginx", known) is None
