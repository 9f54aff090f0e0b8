"""The facts the kit states about the engine hold when checked against what the engine does.

Each fact is read one way (``/_ping``, ``/version``, ``/info``: dockerlab.engine.facts) and checked
here another way (a real ``docker save``, a real container), so a wrong reading fails on
the lane whose engine it gets wrong.
"""

from __future__ import annotations

import json
import tarfile

import pytest

from dockerlab.engine.facts import engine_facts

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def facts(module_lab):
    return engine_facts(module_lab.client)


@pytest.fixture(scope="module")
def saved(module_lab):
    """The names and the manifest.json of a real ``docker save`` of the base image."""
    image = module_lab.client.images.get(module_lab.base_image)
    stream = module_lab.client.api.get_image(image.id)
    names, documents = [], {}
    with tarfile.open(fileobj=_Reader(stream), mode="r|") as archive:
        for member in archive:
            names.append(member.name)
            if member.name in ("manifest.json", "index.json"):
                documents[member.name] = json.load(archive.extractfile(member))
    return image, names, documents


class _Reader:
    """A file object over the SDK's save stream, for tarfile's stream mode."""

    def __init__(self, chunks):
        self.chunks, self.buffer = iter(chunks), b""

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        size = len(self.buffer) if size < 0 else size
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


def test_the_save_layout_is_what_docker_save_writes(facts, saved):
    _, names, documents = saved
    assert documents.get("manifest.json"), "every layout carries Docker's manifest.json"
    assert ("oci-layout" in names) == (facts.save_layout == "oci"), names[:8]


def test_an_image_id_is_the_digest_the_facts_name(facts, saved):
    image, _, documents = saved
    config = documents["manifest.json"][0]["Config"]
    config_digest = config.rsplit("/", 1)[-1].removesuffix(".json")
    id_hex = image.id.split(":", 1)[1]
    assert (id_hex == config_digest) == (facts.image_id_is == "config")
    if facts.image_id_is == "manifest":  # the containerd store: the digest the index names
        listed = [entry["digest"] for entry in documents["index.json"]["manifests"]]
        assert image.id in listed, listed


def test_the_cgroup_version_is_what_a_container_sees(facts, module_lab):
    lines = module_lab.run("cat /proc/self/cgroup").split()
    unified_only = all(line.startswith("0::") for line in lines)
    assert unified_only == (facts.cgroup_version == "v2"), lines


def test_the_facts_read_as_rows_and_one_line(facts):
    names = [name for name, _ in facts.rows()]
    assert names == ["engine", "API", "builder", "image store", "docker save", "cgroups",
                     "rootless", "docker CLI", "Compose"]
    assert facts.summary().splitlines()[0].startswith("engine facts: engine Docker Engine ")
