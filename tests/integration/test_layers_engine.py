"""The layer reader against the real engine: layers, history, merged view, waste, errors."""

from __future__ import annotations

import subprocess
import tracemalloc

import pytest

from dockerlab.engine.clis import find_buildkit
from dockerlab.engine.facts import engine_facts
from dockerlab.engine.wire import endpoint_of
from dockerlab.errors import ImageError, ImageMissing, ImageNameInvalid
from dockerlab.images.builder import build
from dockerlab.images.layers import ChunkReader, LayerStream, read_image, read_save_stream
from dockerlab.images.manifest import id_kinds
from dockerlab.widgets.layer_explorer import MERGED, LayerExplorer

pytestmark = pytest.mark.engine

DOCKERFILE = """\
FROM dockerlab/busybox
ENV GREETING=hello
RUN mkdir /data && dd if=/dev/zero of=/data/big bs=1k count=200 2>/dev/null && echo v1 > /data/keep
RUN rm /data/big && echo v2 > /data/keep
RUN mkdir /cache && echo a > /cache/a && echo b > /cache/b
RUN rm -rf /cache && mkdir /cache && echo c > /cache/c
WORKDIR /data
EXPOSE 8080
USER learner
CMD ["cat", "/data/keep"]
"""


@pytest.fixture(scope="module")
def built(module_lab):
    result = build(module_lab, DOCKERFILE, tag="dockerlab-test/layers:1", network_mode="none")
    return result, read_image(module_lab.client, "dockerlab-test/layers:1")


def test_base_image_layers_match_the_engine(module_lab):
    image = read_image(module_lab.client, module_lab.base_image)
    attrs = module_lab.client.api.inspect_image(module_lab.base_image)
    facts = engine_facts(module_lab.client)
    assert image.diff_ids == attrs["RootFS"]["Layers"]
    assert image.image_id == attrs["Id"] and image.layout == facts.save_layout
    assert image.layers[0].instruction.startswith("COPY ")
    assert image.config.cmd == ["sh"] and "bin/busybox" in image.merged


def test_the_image_id_is_the_digest_the_image_store_names_it_by(built, module_lab):
    _, image = built
    facts = engine_facts(module_lab.client)
    assert image.id_is == facts.image_id_is
    expected = image.manifest_digest if facts.image_id_is == "manifest" else image.config_digest
    assert image.image_id == expected
    assert (image.manifest_digest is not None) == (facts.save_layout == "oci")
    assert f"digest of its {facts.image_id_is}" in image.id_sentence()


def test_an_image_the_docker_cli_built_with_buildkit(module_lab, tmp_path):
    """BuildKit on the containerd store makes an image index (for its attestations): the
    ID is then the index's digest, and the reader follows the index to this platform."""
    (tmp_path / "Dockerfile").write_text("FROM dockerlab/busybox\nRUN echo hi > /hi\n")
    tag = "dockerlab-test/buildkit:1"
    labels = [arg for key, value in module_lab.labels.items()
              for arg in ("--label", f"{key}={value}")]
    client, why = find_buildkit()
    if client is None:
        pytest.skip(f"no docker CLI here builds with BuildKit ({why}): "
                    "`dockerlab engine facts` says so")
    env = client.environment(endpoint_of(module_lab.client).cli_environment())
    subprocess.run([*client.command(), "-q", "-t", tag, *labels, str(tmp_path)], check=True,
                   capture_output=True, env=env, timeout=300)
    image = read_image(module_lab.client, tag)
    facts = engine_facts(module_lab.client)
    assert image.image_id == module_lab.client.api.inspect_image(tag)["Id"]
    assert image.id_is in id_kinds(facts.image_store) and image.merged["hi"].layer == 2
    assert len(image.base_layers) == 1  # found by layer prefix: BuildKit sets no Parent
    assert (image.index_digest == image.image_id) == (image.id_is == "index")
    assert (image.manifest_digest is not None) == (facts.save_layout == "oci")


def test_the_save_stream_is_read_without_holding_it_in_memory(module_lab):
    """64 MB of incompressible bytes in one layer: the reader's peak Python memory stays a
    fraction of it, on Docker's layout and the OCI layout, plain or gzip layers alike."""
    size = 64 << 20
    build(module_lab, "FROM dockerlab/busybox\n"
          "RUN dd if=/dev/urandom of=/big bs=1048576 count=64 2>/dev/null\n",
          tag="dockerlab-test/big:1", network_mode="none")
    tracemalloc.start()
    try:
        image = read_image(module_lab.client, "dockerlab-test/big:1", find_base=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert image.merged["big"].entry.size == size
    assert image.diff_ids == module_lab.client.api.inspect_image(
        "dockerlab-test/big:1")["RootFS"]["Layers"]
    assert peak < size // 3, f"peak {peak >> 20} MB while reading a {size >> 20} MB layer"


def test_workdir_of_a_missing_directory_makes_a_layer_holding_it(module_lab):
    dockerfile = "FROM dockerlab/busybox\nRUN mkdir /data\nWORKDIR /data\nWORKDIR /srv/app\n"
    build(module_lab, dockerfile, tag="dockerlab-test/workdir:1", network_mode="none")
    image = read_image(module_lab.client, "dockerlab-test/workdir:1")
    steps = {step.instruction: step for step in image.history}
    made = image.layers[steps["WORKDIR /srv/app"].layer - 1]
    assert {(c.action, c.path, c.kind) for c in made.changes} == \
        {("added", "srv", "dir"), ("added", "srv/app", "dir")}
    existing = steps["WORKDIR /data"]  # no layer (classic builder) or an empty one (BuildKit)
    assert existing.layer is None or image.layers[existing.layer - 1].changes == []
    assert image.config.working_dir == "/srv/app"


def test_layers_history_and_config(built, module_lab):
    result, image = built
    # busybox's one layer + four RUN layers hold files; ENV/EXPOSE/USER/CMD/LABEL make no
    # layer; WORKDIR of a directory that exists none with the classic builder, an empty one
    # with some BuildKit versions (Docker 20.10's): the engine's history says which
    workdir = {step.instruction: step for step in image.history}["WORKDIR /data"]
    assert workdir.empty_layer or image.layers[workdir.layer - 1].changes == []
    assert result.builder != "classic" or workdir.empty_layer
    assert len(image.layers) == 5 + (not workdir.empty_layer) == len(
        module_lab.client.api.inspect_image("dockerlab-test/layers:1")["RootFS"]["Layers"])
    with_files = [layer for layer in image.layers if layer.changes]
    assert len(with_files) == 5
    assert [layer.instruction for layer in with_files[1:]] == [
        "RUN /bin/sh -c mkdir /data && dd if=/dev/zero of=/data/big bs=1k count=200 "
        "2>/dev/null && echo v1 > /data/keep",
        "RUN /bin/sh -c rm /data/big && echo v2 > /data/keep",
        "RUN /bin/sh -c mkdir /cache && echo a > /cache/a && echo b > /cache/b",
        "RUN /bin/sh -c rm -rf /cache && mkdir /cache && echo c > /cache/c"]
    empty = [step.instruction for step in image.history if step.empty_layer]
    assert {"ENV GREETING=hello", "USER learner"} <= set(empty)
    config = image.config
    assert config.cmd == ["cat", "/data/keep"] and config.working_dir == "/data"
    assert config.exposed_ports == ["8080/tcp"] and config.user == "learner"
    assert "GREETING=hello" in config.env and config.labels["io.dockerlab.kit"] == "dockerlab"


def test_changes_merged_view_and_waste(built, module_lab):
    _, image = built
    third = {(c.action, c.path) for c in image.layers[2].changes if c.kind != "dir"}
    assert third == {("deleted", "data/big"), ("modified", "data/keep")}
    fifth = {(c.action, c.path) for c in image.layers[4].changes if c.kind != "dir"}
    assert fifth == {("deleted", "cache/a"), ("deleted", "cache/b"), ("added", "cache/c")}
    assert "data/big" not in image.merged and image.merged["data/keep"].layer == 3
    # the merged view is what a container sees
    listing = module_lab.run("ls /cache /data", image="dockerlab-test/layers:1").split()
    assert sorted(listing) == ["/cache:", "/data:", "c", "keep"]
    waste = image.waste()
    big = waste.files[0]
    assert (big.path, big.size, big.written, big.ended) == ("data/big", 204800, 2, 3)
    assert big.reason.startswith("written in layer 2 (RUN /bin/sh -c mkdir") and \
        big.reason.endswith("still shipped in layer 2")
    assert waste.own_bytes == waste.wasted_bytes == 204800 + 3 + 2 + 2  # big, keep v1, a, b
    assert 0 < image.efficiency < 1


def test_base_image_layers_are_shared_and_reported_apart(built, module_lab):
    _, image = built
    base = read_image(module_lab.client, module_lab.base_image)
    assert image.diff_ids[0] == base.diff_ids[0]  # the same layer, not a copy
    assert [layer.number for layer in image.base_layers] == [1]
    assert image.layer_table()[0]["from"] == "base" and image.layer_table()[1]["from"] == "own"


def test_tags_are_names_for_one_image_id(built, module_lab):
    result, _ = built
    api = module_lab.client.api
    api.tag("dockerlab-test/layers:1", "dockerlab-test/layers", "another-name")
    try:
        assert api.inspect_image("dockerlab-test/layers:another-name")["Id"] == \
            api.inspect_image("dockerlab-test/layers:1")["Id"] == result.image_id
    finally:
        api.remove_image("dockerlab-test/layers:another-name")


def test_layer_stream_gives_each_layer_tar_and_its_diff_id(built, module_lab):
    _, image = built
    stream = LayerStream(module_lab.client, "dockerlab-test/layers:1")
    seen = {}
    for layer in stream:
        names = [member.name for member in layer.tar]  # read the members first...
        seen[layer.key] = (names, layer.diff_id)      # ...then the digest is known
    assert any("data/keep" in names for names, _ in seen.values())
    assert sorted(diff for _, diff in seen.values()) == sorted(image.diff_ids)
    assert stream.image.diff_ids == image.diff_ids and stream.image.image_id == image.image_id


def test_missing_image_and_typo_and_bad_name(module_lab):
    with pytest.raises(ImageMissing, match="Did you mean 'dockerlab/busybox:latest'"):
        read_image(module_lab.client, "dockerlab/busybx")
    with pytest.raises(ImageMissing):
        read_image(module_lab.client, "dockerlab-test/never-built:1")
    with pytest.raises(ImageNameInvalid):
        read_image(module_lab.client, "Dockerlab/BusyBox")


def test_truncated_save_stream_is_one_clear_error(module_lab):
    chunks = module_lab.client.api.get_image(module_lab.base_image, chunk_size=64 * 1024)
    first = [next(chunks) for _ in range(8)]
    chunks.close()
    with pytest.raises(ImageError, match="corrupted or truncated"):
        read_save_stream(ChunkReader(first))


def test_layer_explorer_widget(built, module_lab):
    explorer = LayerExplorer(module_lab)
    explorer.image_picker.value = "dockerlab-test/layers:1"
    explorer.read_button.click()
    _, image = built
    assert f"{len(image.layers)} layers" in explorer.status.value and \
        "1 from the base image" in explorer.status.value
    assert f"is the digest of its {engine_facts(module_lab.client).image_id_is}" in \
        explorer.status.value
    assert "RUN /bin/sh -c rm /data/big" in explorer.layers_table.value
    explorer.layer_picker.value = 3
    assert "- " in explorer.tree.value and "big" in explorer.tree.value
    explorer.layer_picker.value = MERGED
    assert "keep" in explorer.tree.value and "big" not in explorer.tree.value
    assert "still shipped in layer 2" in explorer.waste.value
    explorer.image_picker.value = "dockerlab/busybx"
    explorer.read_button.click()
    assert "ImageMissing" in explorer.status.value and explorer.image is None
